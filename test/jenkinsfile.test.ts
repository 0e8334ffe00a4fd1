import { readFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { configFrom, find, synthObjects } from './support/manifests';

const jenkinsfile = readFileSync(path.join(__dirname, '..', 'Jenkinsfile'), 'utf8');
const config = configFrom();

/** stage name → its body (text up to the next stage). */
function stages(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /stage\('([^']+)'\)/g;
  const marks = [...text.matchAll(re)];
  marks.forEach((m, i) => out.set(m[1], text.slice(m.index! + m[0].length, marks[i + 1]?.index ?? text.length)));
  return out;
}

const byStage = stages(jenkinsfile);

test('stages run in order: npm ci, npm test, synth, dist check, dry run, deploy', () => {
  expect([...byStage.keys()]).toEqual(['npm ci', 'npm test', 'synth', 'dist is up to date', 'server-side dry run', 'deploy']);
});

test('the stages call the commands the README documents', () => {
  expect(byStage.get('npm ci')).toContain("sh 'npm ci");
  expect(byStage.get('npm test')).toContain("sh 'npm test'");
  expect(byStage.get('synth')).toContain("sh 'npx cdk8s synth'");
});

test('only the deploy branch reaches the cluster, dry run first, server-side apply pruning only this environment\'s ApplySet', () => {
  for (const s of ['server-side dry run', 'deploy']) {
    expect(byStage.get(s)).toContain('onDeployBranch()');
    expect(byStage.get(s)).toContain("container('kubectl')");
  }
  expect(byStage.get('server-side dry run')).toContain("kubectlApply('--dry-run=server')");
  const apply = jenkinsfile.split('\n').find((l) => l.includes('kubectl apply'))!;
  // kubectl 1.34 refuses --prune with --server-side except for an ApplySet; and an ApplySet refuses -l.
  expect(apply).toContain('--server-side');
  expect(apply).toContain('--field-manager="$FIELD_MANAGER"');
  expect(apply).toContain('--prune --applyset="$APPLYSET"');
  expect(apply).toContain('-f "$DEPLOY_DIR"');
  expect(apply).not.toMatch(/ -l |--selector|--prune-allowlist|--all\b/);
  expect(jenkinsfile).toContain("'KUBECTL_APPLYSET=true'");
  expect(jenkinsfile).toContain("DEPLOY_DIR=${requiredEnv('CONTAINER_INFRA_DEPLOY_DIR')}");
});

test('the synth step selects the configured environment; npm test runs without one', () => {
  expect(byStage.get('synth')).toContain("CONTAINER_INFRA_ENV=${requiredEnv('CONTAINER_INFRA_DEPLOY_ENV')}");
  expect(byStage.get('npm test')).not.toContain('CONTAINER_INFRA_ENV');
  expect(byStage.get('dist is up to date')).toContain('git diff --exit-code -- "$DEPLOY_DIR"');
});

test('the agent label, containers and environment the Jenkinsfile uses exist in the generated JCasC', () => {
  const objects = synthObjects(config);
  const casc = parse(find(objects, 'ConfigMap', `${config.jenkins.name}-config`, config.namespaces.ci).data['jenkins.yaml']);
  const template = casc.jenkins.clouds[0].kubernetes.templates[0];
  const containers = parse(template.yaml).spec.containers.map((c: any) => c.name);
  const env = casc.jenkins.globalNodeProperties[0].envVars.env.map((e: any) => e.key);

  expect(jenkinsfile).toContain(`agent { label '${template.label}' }`);
  for (const used of [...jenkinsfile.matchAll(/container\('([^']+)'\)/g)].map((m) => m[1])) expect(containers).toContain(used);
  for (const used of [...jenkinsfile.matchAll(/requiredEnv\('([A-Z_]+)'\)/g)].map((m) => m[1])) expect(env).toContain(used);
});
