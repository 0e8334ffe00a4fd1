import { readFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { configFrom, find, synthObjects } from './support/manifests';
import { JENKINSFILE_METHODS, JENKINSFILE_PROPERTY_RECEIVERS, JENKINSFILE_STEPS } from '../constructs/jenkinsfile-record';
import { groovyUses } from './support/groovy-uses';

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

test('only the deploy branch reaches the cluster, dry run first, both through scripts/deploy.sh in the kubectl container', () => {
  for (const s of ['server-side dry run', 'deploy']) {
    expect(byStage.get(s)).toContain('onDeployBranch()');
    expect(byStage.get(s)).toContain("container('kubectl')");
  }
  expect(byStage.get('server-side dry run')).toContain("runDeployScript('--dry-run')");
  expect(byStage.get('deploy')).toContain("runDeployScript('')");
  expect(jenkinsfile).toContain(`sh 'sh scripts/deploy.sh "$DEPLOY_DIR" $EXTRA_ARGS'`);
  expect(jenkinsfile).toContain("DEPLOY_DIR=${requiredEnv('CONTAINER_INFRA_DEPLOY_DIR')}");
  // The script owns the kubectl command line: the Jenkinsfile runs no kubectl itself.
  expect(jenkinsfile).not.toMatch(/\bkubectl (apply|delete)/);
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

describe('every step and method the Jenkinsfile uses is in the reviewed record (script-security sandbox)', () => {
  const uses = groovyUses(jenkinsfile);

  test('steps and directives', () => {
    expect(uses.calls.length).toBeGreaterThan(10);
    expect(uses.calls.filter((c) => !(c in JENKINSFILE_STEPS))).toEqual([]);
  });

  test('methods called on values', () => {
    expect(uses.methods).toContain('trim');
    expect(uses.methods.filter((m) => !(m in JENKINSFILE_METHODS))).toEqual([]);
  });

  test('properties are read only from env, and nothing is indexed (env[name] is refused by the sandbox)', () => {
    expect(uses.properties.filter((p) => !JENKINSFILE_PROPERTY_RECEIVERS.includes(p.receiver))).toEqual([]);
    expect(uses.subscripts).toEqual([]);
  });

  test('the reader finds what the sandbox refuses', () => {
    const bad = groovyUses("def v = env[name]\nnode { sh 'x' }\nreturn v.execute().text + Jenkins.instance.name");
    expect(bad.subscripts).toEqual(['env[']);
    expect(bad.calls).toEqual(expect.arrayContaining(['node', 'sh']));
    expect(bad.methods).toEqual(['execute']);
    expect(bad.properties.map((p) => p.receiver)).toEqual(expect.arrayContaining(['Jenkins']));
  });

  test('every recorded entry is still used (the record stays exact)', () => {
    expect(Object.keys(JENKINSFILE_STEPS).filter((s) => !uses.calls.includes(s))).toEqual([]);
    expect(Object.keys(JENKINSFILE_METHODS).filter((m) => !uses.methods.includes(m))).toEqual([]);
  });
});
