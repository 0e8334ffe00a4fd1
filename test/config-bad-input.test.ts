import { createHash } from 'crypto';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { run, STAGING_DIR } from '../synth/run';
import { cdk8sSynth, copyProject, removeProject, ROOT, snapshotTree } from './support/project-copy';

/**
 * The bad-input corpus: configurations a user could write that must be refused, each with a
 * non-zero exit, a message naming the file, the field and what is allowed, and every output
 * folder (dist/ and each dist-*\/) byte-identical afterwards. All cases go through `run()`, the
 * app's own entry (main.ts) as `cdk8s synth` starts it; a subset of each class, and every case
 * about where output goes, through the real `npx cdk8s synth` in a copy of the project.
 */
type Case = [klass: string, what: string, text: string, field: string, allowed: RegExp];

const svc = (extra: string) => `services:\n  - name: news\n${extra}`;
const res = (requests: string, limits: string) => `    resources: { requests: { ${requests} }, limits: { ${limits} } }\n`;

const CASES: Case[] = [
  // 1. One owner per object name (model/claims.ts): both fields named.
  ['names', 'a service named like the gateway', 'services:\n  - name: gateway\n', 'gateway.name', /Deployment "gateway".*services\[0\]\.name already names; choose another name/],
  ['names', 'a gateway named like a service', 'gateway:\n  name: news\n', 'gateway.name', /"news".*services\[0\]\.name already names/],
  ['names', "a service named like another one's datastore", 'services:\n  - name: news\n  - name: news-redis\n', 'services[1].name', /news-redis.*services\[0\]\.name \(its datastore\) already names/],
  ['names', 'a service named like the auth service', 'services:\n  - name: news\n  - name: auth\n', 'auth.name', /"auth".*services\[1\]\.name already names/],
  ['names', 'a service named like the event bus', 'services:\n  - name: news\n  - name: nats\n', 'events.name', /"nats".*services\[1\]\.name already names/],
  ['names', "a service named like the bus's headless Service", 'services:\n  - name: news\n  - name: nats-headless\n', 'events.name', /Service "nats-headless".*services\[1\]\.name/],
  ['names', "a service named like a namespace's default-deny policy", 'services:\n  - name: default-deny\n', 'services[0].name', /NetworkPolicy "default-deny".*namespaces\.apps already names/],
  ['names', 'an auth service named like the gateway', 'auth:\n  name: gateway\n', 'auth.name', /"gateway".*gateway\.name already names/],
  ['names', 'an event bus named like the auth bundle owner', 'events:\n  name: auth\n', 'events.name', /"auth".*auth\.name already names/],
  ['names', 'Grafana named like Prometheus', 'monitoring:\n  grafana:\n    name: prometheus\n', 'monitoring.grafana.name', /monitoring\.prometheus\.name already names/],
  ['names', 'Alertmanager named like Grafana', 'monitoring:\n  alertmanager:\n    name: grafana\n', 'monitoring.grafana.name', /monitoring\.alertmanager\.name already names/],
  ['names', 'kube-state-metrics named like Alertmanager', 'monitoring:\n  kubeStateMetrics:\n    name: alertmanager\n', 'monitoring.kubeStateMetrics.name', /monitoring\.alertmanager\.name already names/],
  ['names', 'Alertmanager named like the Prometheus ConfigMap', 'monitoring:\n  alertmanager:\n    name: prometheus\n', 'monitoring.alertmanager.name', /monitoring\.prometheus\.name already names/],
  ['names', 'a Prometheus name too long for a StatefulSet', `monitoring:\n  prometheus:\n    name: ${'p'.repeat(53)}\n`, 'monitoring.prometheus.name', /at most 52 characters \(a StatefulSet name: its pods carry/],
  ['names', 'a service name over 40 characters', `services:\n  - name: ${'n'.repeat(41)}\n`, 'services[0].name', /at most 40 characters/],
  // 2. Paths the gateway serves itself (config/gateway-paths.ts).
  ['gateway paths', 'a service named healthz', 'services:\n  - name: healthz\n', 'services[0].name', /over the gateway's own \/healthz .*choose another name/],
  ['gateway paths', 'a service named auth over the token path', 'auth:\n  name: tokens\nservices:\n  - name: auth\n', 'services[0].name', /over the gateway's own \/auth\/token/],
  // 3. Kubernetes' own name and label rules.
  ['kubernetes names', 'a service name starting with a digit', 'services:\n  - name: 1news\n', 'services[0].name', /DNS-1035 label.*starting with a letter/],
  ['kubernetes names', 'an upper-case service name', 'services:\n  - name: News\n', 'services[0].name', /DNS-1035 label.*lower-case letters/],
  ['kubernetes names', 'a gateway name starting with a digit', 'gateway:\n  name: 9gw\n', 'gateway.name', /DNS-1035/],
  ['kubernetes names', 'an auth name starting with a digit', 'auth:\n  name: 0auth\n', 'auth.name', /DNS-1035/],
  ['kubernetes names', 'a Jenkins name starting with a digit', 'jenkins:\n  name: 2jenkins\n', 'jenkins.name', /DNS-1035/],
  ['kubernetes names', 'a DNS pod label key with a space', 'cluster:\n  dns:\n    podLabels: { "k8s app": kube-dns }\n', 'cluster.dns.podLabels.k8s app', /label key.*alphanumerics/],
  ['kubernetes names', 'a DNS pod label value with a space', 'cluster:\n  dns:\n    podLabels: { k8s-app: kube dns }\n', 'cluster.dns.podLabels.k8s-app', /label value/],
  ['kubernetes names', 'a DNS pod label key with two slashes', 'cluster:\n  dns:\n    podLabels: { a/b/c: x }\n', 'cluster.dns.podLabels.a/b/c', /label key/],
  ['kubernetes names', 'a DNS pod label value over 63 characters', `cluster:\n  dns:\n    podLabels: { k8s-app: ${'v'.repeat(64)} }\n`, 'cluster.dns.podLabels.k8s-app', /63/],
  ['kubernetes names', 'a DNS pod label key with an upper-case prefix', 'cluster:\n  dns:\n    podLabels: { Example.com/app: dns }\n', 'cluster.dns.podLabels.Example.com/app', /label key/],
  ['kubernetes names', 'a storage class with an underscore', svc('    datastore: { storage: { size: 1Gi, storageClassName: fast_ssd } }\n'), 'services[0].datastore.storage.storageClassName', /DNS-1123 subdomain such as "standard" or "ebs\.csi\.aws\.com"/],
  ['kubernetes names', 'a Grafana storage class with an underscore', 'monitoring:\n  grafana:\n    persistence: { enabled: true, storageClassName: fast_ssd }\n', 'monitoring.grafana.persistence.storageClassName', /DNS-1123 subdomain/],
  ['kubernetes names', 'an invalid cluster domain', 'cluster:\n  domain: Cluster_Local\n', 'cluster.domain', /DNS domain such as "cluster\.local"/],
  // 4. Resources and ports that cannot work.
  ['resources and ports', 'a memory request above its limit', svc(res('cpu: 10m, memory: 128Mi', 'memory: 64Mi')), 'services[0].resources.requests.memory', /must not be above limits\.memory \(64Mi\)/],
  ['resources and ports', 'a memory request 1 MiB above a 1.5Gi limit', svc(res('cpu: 10m, memory: 1537Mi', 'memory: 1.5Gi')), 'services[0].resources.requests.memory', /must not be above limits\.memory \(1\.5Gi\)/],
  ['resources and ports', 'a CPU request above its limit', svc(res('cpu: 500m, memory: 32Mi', 'memory: 64Mi, cpu: 200m')), 'services[0].resources.requests.cpu', /must not be above limits\.cpu \(200m\)/],
  ['resources and ports', 'a CPU request of 1 above a 999m limit', svc(res('cpu: "1", memory: 32Mi', 'memory: 64Mi, cpu: 999m')), 'services[0].resources.requests.cpu', /limits\.cpu \(999m\)/],
  ['resources and ports', 'a datastore memory request above its limit', svc('    datastore: { resources: { requests: { cpu: 10m, memory: 1Gi }, limits: { memory: 512Mi } } }\n'), 'services[0].datastore.resources.requests.memory', /limits\.memory/],
  ['resources and ports', 'a gateway memory request above its limit', 'gateway:\n  resources: { requests: { cpu: 10m, memory: 1.5Gi }, limits: { memory: 1Gi } }\n', 'gateway.resources.requests.memory', /limits\.memory \(1Gi\)/],
  ['resources and ports', 'a Prometheus memory request above its limit', 'monitoring:\n  prometheus:\n    resources: { requests: { cpu: 10m, memory: 2Gi }, limits: { memory: 1Gi } }\n', 'monitoring.prometheus.resources.requests.memory', /limits\.memory/],
  ['resources and ports', 'autoscaling with a CPU request of 0', svc('    autoscaling: { minReplicas: 1, maxReplicas: 3 }\n' + res('cpu: "0", memory: 32Mi', 'memory: 64Mi')), 'services[0].resources.requests.cpu', /above 0 with autoscaling/],
  ['resources and ports', 'autoscaling with a CPU request of 0m', svc('    autoscaling: { minReplicas: 1, maxReplicas: 3 }\n' + res('cpu: 0m, memory: 32Mi', 'memory: 64Mi')), 'services[0].resources.requests.cpu', /above 0 with autoscaling/],
  ['resources and ports', 'the gateway port on the exporter port', 'gateway:\n  port: 9113\n', 'gateway.exporter.port', /port 9113 is already gateway\.port in the same pod/],
  ['resources and ports', 'the gateway status port on its port', 'gateway:\n  statusPort: 8080\n', 'gateway.statusPort', /already gateway\.port in the same pod/],
  ['resources and ports', 'the exporter on the status port', 'gateway:\n  exporter: { port: 8081 }\n', 'gateway.exporter.port', /already gateway\.statusPort/],
  ['resources and ports', "a datastore's exporter on the Redis port", svc('    datastore: { port: 7000, exporter: { port: 7000 } }\n'), 'services[0].datastore.exporter.port', /already services\[0\]\.datastore\.port in the same pod/],
  ['resources and ports', "Prometheus on its reloader's port", 'monitoring:\n  prometheus:\n    port: 8080\n', 'monitoring.prometheus.reloader.port', /already monitoring\.prometheus\.port in the same pod/],
  ['resources and ports', "kube-state-metrics on its telemetry port", 'monitoring:\n  kubeStateMetrics:\n    port: 8081\n', 'monitoring.kubeStateMetrics.telemetryPort', /already monitoring\.kubeStateMetrics\.port/],
  ['resources and ports', "Jenkins' agent port on its HTTP port", 'jenkins:\n  agentPort: 8080\n', 'jenkins.agentPort', /already jenkins\.port in the same pod/],
  ['resources and ports', 'two NATS ports on one number', 'events:\n  ports: { client: 4222, cluster: 4222 }\n', 'events.ports.cluster', /already events\.ports\.client/],
  ['resources and ports', 'an env entry repeating DATASTORE_URL', svc('    env: { DATASTORE_URL: redis://elsewhere }\n'), 'services[0].env.DATASTORE_URL', /set by the generator for this service/],
  ['resources and ports', 'an env entry repeating PODINFO_UI_MESSAGE', svc('    message: hi\n    env: { PODINFO_UI_MESSAGE: other }\n'), 'services[0].env.PODINFO_UI_MESSAGE', /set by the generator/],
  ['resources and ports', 'an env entry repeating a callee URL', 'services:\n  - name: news\n    calls: [payment]\n    env: { PAYMENT_URL: http://x }\n  - name: payment\n', 'services[0].env.PAYMENT_URL', /set by the generator/],
  ['resources and ports', 'an env entry repeating NATS_PASSWORD', 'services:\n  - name: payment\n    events: { publishes: [payment.completed] }\n    env: { NATS_PASSWORD: x }\n', 'services[0].env.NATS_PASSWORD', /set by the generator/],
  ['resources and ports', 'a port above 65535', 'gateway:\n  port: 70000\n', 'gateway.port', /port from 1 to 65535/],
  ['resources and ports', 'a port of 0', 'jenkins:\n  agentPort: 0\n', 'jenkins.agentPort', /port from 1 to 65535/],
  ['resources and ports', 'a resolver port above 65535', 'gateway:\n  resolver: "10.96.0.10:99999"\n', 'gateway.resolver', /port from 1 to 65535/],
  ['resources and ports', 'a nodePort outside the NodePort range', 'gateway:\n  service: { type: NodePort, nodePort: 80 }\n', 'gateway.service.nodePort', /30000-32767/],
  // 5. Namespaces Kubernetes itself uses.
  ['namespaces', 'the apps in kube-system', 'namespaces:\n  apps: kube-system\n', 'namespaces.apps', /not kube-system, kube-public, kube-node-lease, default/],
  ['namespaces', 'monitoring in kube-public', 'namespaces:\n  monitoring: kube-public\n', 'namespaces.monitoring', /needs namespaces of its own/],
  ['namespaces', 'node monitoring in kube-node-lease', 'namespaces:\n  nodeMonitoring: kube-node-lease\n', 'namespaces.nodeMonitoring', /needs namespaces of its own/],
  ['namespaces', 'CI in default', 'namespaces:\n  ci: default\n', 'namespaces.ci', /needs namespaces of its own/],
  ['namespaces', "Jenkins' deploy identity in kube-system", 'jenkins:\n  deploy: { namespaces: [container-infra, kube-system] }\n', 'jenkins.deploy.namespaces[1]', /not a namespace of this environment.*allowed: container-infra, ci, monitoring, monitoring-node/],
  ['namespaces', 'two components in one namespace', 'namespaces:\n  apps: shared\n  ci: shared\n', 'namespaces.ci', /already the apps namespace.*must differ/],
  // Values, types and keys (the schema).
  ['values', 'a malformed CPU quantity', svc(res('cpu: 10 cores, memory: 32Mi', 'memory: 64Mi')), 'services[0].resources.requests.cpu', /CPU quantity such as "100m", "0\.5" or "2"/],
  ['values', 'a memory limit in MB', svc(res('cpu: 10m, memory: 32Mi', 'memory: 64MB')), 'services[0].resources.limits.memory', /"MB" is not one Kubernetes reads/],
  ['values', 'a quantity with a leading space', svc(res('cpu: 10m, memory: " 32Mi"', 'memory: 64Mi')), 'services[0].resources.requests.memory', /quantity of bytes.*"1\.5Gi"/],
  ['values', 'a storage size in GB', svc('    datastore: { storage: { size: 1GB } }\n'), 'services[0].datastore.storage.size', /quantity of bytes/],
  ['values', 'a malformed event bus volume size', 'events:\n  storage: { size: lots }\n', 'events.storage.size', /quantity of bytes/],
  ['values', 'a malformed scrape interval', 'monitoring:\n  prometheus:\n    scrapeInterval: 30 seconds\n', 'monitoring.prometheus.scrapeInterval', /Prometheus duration such as "30s"/],
  ['values', 'a retention size as large as the volume', 'monitoring:\n  prometheus:\n    storage: { size: 1.5Gi }\n    retention: { size: 1536MB }\n', 'monitoring.prometheus.retention.size', /smaller than storage\.size \(1\.5Gi\)/],
  ['values', 'a duplicate service name', 'services:\n  - name: news\n  - name: news\n', 'services[1].name', /duplicate service name "news".*its own name/],
  ['values', 'an empty service list', 'services: []\n', 'services', /at least one service/],
  ['values', 'a port written as a string', 'gateway:\n  port: "8080"\n', 'gateway.port', /expected number/],
  ['values', 'the latest tag', 'gateway:\n  image: nginx:latest\n', 'gateway.image', /pin an exact version/],
  ['values', 'an image without a tag', 'gateway:\n  image: nginx\n', 'gateway.image', /exact tag \(":1\.2\.3"\) or digest/],
  ['values', 'an unknown top-level key', 'servcies: []\n', 'servcies', /unknown key; allowed keys here: .*services/],
  ['values', 'an unknown nested key', 'gateway:\n  replica: 2\n', 'gateway.replica', /allowed keys here: .*replicas/],
  ['values', 'minReplicas above maxReplicas', svc('    autoscaling: { minReplicas: 5, maxReplicas: 2 }\n'), 'services[0].autoscaling.minReplicas', /less than or equal to maxReplicas/],
  ['values', 'a nodePort on a ClusterIP Service', 'gateway:\n  service: { type: ClusterIP, nodePort: 30080 }\n', 'gateway.service.nodePort', /needs type NodePort or LoadBalancer/],
  ['values', 'a TLS secret without a host', 'gateway:\n  ingress: { enabled: true, tlsSecretName: tls }\n', 'gateway.ingress.tlsSecretName', /needs a host/],
  ['values', 'an unknown imagePullPolicy', 'imagePullPolicy: Sometimes\n', 'imagePullPolicy', /"IfNotPresent"\|"Always"\|"Never"/],
  ['values', 'a metrics path without a slash', svc('    metricsPath: metrics\n'), 'services[0].metricsPath', /must start with "\/"/],
  ['values', 'root as the user', svc('    runAsUser: 0\n'), 'services[0].runAsUser', />=1/],
  ['values', 'negative replicas', 'gateway:\n  replicas: -1\n', 'gateway.replicas', /0 or more/],
  ['values', 'an invalid environment variable name', svc('    env: { BAD-NAME: x }\n'), 'services[0].env.BAD-NAME', /the key "BAD-NAME" must be an environment variable name: letters, digits and "_"/],
  ['values', 'a call to an unknown service', svc('    calls: [shop]\n'), 'services[0].calls[0]', /unknown service "shop"; allowed: /],
  ['values', 'a service calling itself', svc('    calls: [news]\n'), 'services[0].calls[0]', /cannot call itself; list other services only/],
  // YAML itself.
  ['yaml', 'malformed YAML', 'gateway: [unclosed\n', 'malformed YAML', /at line 2, column 1/],
  ['yaml', 'a duplicate YAML key', 'gateway:\n  port: 1\n  port: 2\n', 'malformed YAML', /Map keys must be unique at line 3/],
  ['yaml', 'a list at the root', '- a\n- b\n', '(root)', /must be a mapping of configuration keys/],
];

/** dist/ and every dist-*\/ of a project, each file's hash. */
function outputFolders(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of readdirSync(root).filter((n) => n === 'dist' || n.startsWith('dist-')).sort()) {
    for (const [file, bytes] of snapshotTree(path.join(root, d))) out[`${d}/${file}`] = createHash('sha256').update(bytes).digest('hex');
  }
  return out;
}

/** The message line about `field` (the line starts with it), which must also say what is allowed. */
function fieldLine(message: string, field: string): string | undefined {
  return message.split('\n').find((l) => l.startsWith(`  - ${field}`) && /^[:; ]/.test(l.slice(`  - ${field}`.length)));
}

test('the corpus has at least 60 cases, and every class of issue 9', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(60);
  expect(new Set(CASES.map(([klass]) => klass))).toEqual(new Set(['names', 'gateway paths', 'kubernetes names', 'resources and ports', 'namespaces', 'values', 'yaml']));
  expect(new Set(CASES.map(([, what]) => what)).size).toBe(CASES.length);
});

describe('bad configuration through run(), as `cdk8s synth` starts the app', () => {
  let dir = '';
  let out = '';
  let before: Record<string, string> = {};
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bad-config-'));
    // CONTAINER_INFRA_OUT, filled with the committed manifests: a refusal must leave it as it was.
    out = path.join(dir, 'out');
    cpSync(path.join(ROOT, 'dist'), out, { recursive: true });
    before = { ...outputFolders(ROOT), ...outputFolders(dir) };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each(CASES)('[%s] %s: exit 2, the file, the field and what is allowed; no output folder changes', (_klass, _what, text, field, allowed) => {
    const file = path.join(dir, 'env.yaml');
    writeFileSync(file, text);
    const errors: string[] = [];
    const result = run({ CONTAINER_INFRA_CONFIG: file, CONTAINER_INFRA_OUT: out, CDK8S_OUTDIR: STAGING_DIR }, () => undefined, (m) => errors.push(m));
    const message = errors.join('\n');
    expect(result.exitCode).toBe(2);
    expect(message).toContain(`Invalid configuration in ${file}:`);
    expect({ field, line: fieldLine(message, field) }).toEqual({ field, line: expect.stringMatching(allowed) });
    expect({ ...outputFolders(ROOT), ...outputFolders(dir) }).toEqual(before);
  });
});

/**
 * Through the real CLI, in a copy of the project that has dist/ and dist-prod/: a few cases of
 * each class, and where output may go. No stack trace: the CLI's one error line follows ours.
 */
describe('bad input through the real `npx cdk8s synth`', () => {
  let project = '';
  let before: Record<string, string> = {};
  beforeAll(() => {
    project = copyProject();
    const prod = cdk8sSynth(project, { CONTAINER_INFRA_ENV: 'prod' });
    if (prod.status !== 0) throw new Error(`prod synth failed: ${prod.stderr}`);
    before = outputFolders(project);
  }, 120_000);
  afterAll(() => removeProject(project));

  const cliCase = (vars: Record<string, string>) => {
    const r = cdk8sSynth(project, vars);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Nothing was written; the existing output directory is unchanged.');
    expect(r.stderr).toContain('ERROR: synthesis failed');
    // The CLI's own stack trace ("    at ChildProcess…") does not follow the message.
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(outputFolders(project)).toEqual(before);
    expect(Object.keys(before).some((f) => f.startsWith('dist-prod/'))).toBe(true);
    return r.stderr;
  };

  const REPRESENTATIVE = ['a service named like the gateway', 'a Prometheus name too long for a StatefulSet', 'a service named healthz', 'a service name starting with a digit', 'a DNS pod label key with a space', 'a memory request 1 MiB above a 1.5Gi limit', "Jenkins' agent port on its HTTP port", 'an env entry repeating DATASTORE_URL', 'the apps in kube-system', 'a malformed scrape interval', 'malformed YAML'];
  test.each(CASES.filter(([, what]) => REPRESENTATIVE.includes(what)))('[%s] %s', (_klass, _what, text, field, allowed) => {
    writeFileSync(path.join(project, 'bad.yaml'), text);
    const stderr = cliCase({ CONTAINER_INFRA_CONFIG: 'bad.yaml', CONTAINER_INFRA_OUT: 'out/bad' });
    expect(stderr).toContain('Invalid configuration in bad.yaml:');
    expect({ field, line: fieldLine(stderr, field) }).toEqual({ field, line: expect.stringMatching(allowed) });
  });

  // 7. Where output goes: [what, variables, source the message names, field, what is allowed]
  const OUTPUT_CASES: Array<[string, Record<string, string>, string, string, RegExp]> = [
    ['a file named default.yaml without CONTAINER_INFRA_OUT', { CONTAINER_INFRA_CONFIG: 'default.yaml' }, 'default.yaml', 'CONTAINER_INFRA_OUT', /required with CONTAINER_INFRA_CONFIG; name the folder to write, e\.g\. CONTAINER_INFRA_OUT=out\/my-env/],
    ['a file named prod.yml without CONTAINER_INFRA_OUT', { CONTAINER_INFRA_CONFIG: 'prod.yml' }, 'prod.yml', 'CONTAINER_INFRA_OUT', /required with CONTAINER_INFRA_CONFIG/],
    ['a file written into dist/', { CONTAINER_INFRA_CONFIG: 'default.yaml', CONTAINER_INFRA_OUT: 'dist' }, 'default.yaml', 'CONTAINER_INFRA_OUT', /"dist" is the output folder of the environment "default"; allowed: a folder outside dist\/, dist-\*\/ and \.cdk8s-staging\//],
    ['a file written into dist-prod/', { CONTAINER_INFRA_CONFIG: 'prod.yml', CONTAINER_INFRA_OUT: './dist-prod/' }, 'prod.yml', 'CONTAINER_INFRA_OUT', /is the output folder of the environment "prod"/],
    ['a file written into a future environment folder', { CONTAINER_INFRA_CONFIG: 'prod.yml', CONTAINER_INFRA_OUT: 'dist-staging' }, 'prod.yml', 'CONTAINER_INFRA_OUT', /named like the output folder of an environment/],
    ['a file written inside dist/', { CONTAINER_INFRA_CONFIG: 'prod.yml', CONTAINER_INFRA_OUT: 'dist/mine' }, 'prod.yml', 'CONTAINER_INFRA_OUT', /is inside dist\/.*subfolders too/],
    ['a file written into the staging directory', { CONTAINER_INFRA_CONFIG: 'prod.yml', CONTAINER_INFRA_OUT: '.cdk8s-staging' }, 'prod.yml', 'CONTAINER_INFRA_OUT', /staging directory, which `cdk8s synth` deletes on every run/],
    ['prod written into dist/', { CONTAINER_INFRA_ENV: 'prod', CONTAINER_INFRA_OUT: 'dist' }, 'environment "prod"', 'CONTAINER_INFRA_OUT', /output folder of the environment "default".*or dist-prod\/ itself/],
    ['an environment and a file together', { CONTAINER_INFRA_ENV: 'staging', CONTAINER_INFRA_CONFIG: 'prod.yml' }, 'the environment variables', 'CONTAINER_INFRA_ENV="staging" and CONTAINER_INFRA_CONFIG="prod.yml"', /both set; set one of them/],
    ['an unknown environment', { CONTAINER_INFRA_ENV: 'staging' }, 'environment "staging"', 'unknown environment "staging"', /allowed: "default", "prod" \(files in config\/environments\/\)/],
    ['a missing file', { CONTAINER_INFRA_CONFIG: 'missing.yaml', CONTAINER_INFRA_OUT: 'out/x' }, 'missing.yaml', 'cannot read the file (no such file)', /looked for \/.*\/missing\.yaml/],
  ];
  test.each(OUTPUT_CASES)('%s', (_what, vars, source, field, allowed) => {
    for (const name of ['default.yaml', 'prod.yml']) writeFileSync(path.join(project, name), 'services:\n  - name: news\n');
    const stderr = cliCase(vars);
    expect(stderr).toContain(`Invalid configuration in ${source}:`);
    expect({ field, line: fieldLine(stderr, field) }).toEqual({ field, line: expect.stringMatching(allowed) });
  });
});
