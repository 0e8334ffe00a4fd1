// Kubernetes 1.27 API types, without network access.
//
// `cdk8s import k8s` downloads the API definitions from the internet. cdk8s-plus-27 already ships
// exactly that generated module for Kubernetes 1.27, so we re-export it instead.
//
// To target another Kubernetes version: install the matching cdk8s-plus-XX package (for example
// cdk8s-plus-30) and change the path below, or run `cdk8s import k8s@1.30.0 -o imports` on a machine
// with internet access and delete this file. Then run `npm test`: the schema validation checks the
// output against the oldest and newest API definitions we support.
export * from 'cdk8s-plus-27/lib/imports/k8s';
