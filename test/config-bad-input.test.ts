import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { run } from '../synth/run';

/**
 * Bad configuration: each case is refused with a message that names the field, a non-zero exit,
 * and an output directory left byte-identical.
 */
const ROOT = path.join(__dirname, '..');

// [what, configuration file text, field (or phrase) the message must name]
const CASES: Array<[string, string, string]> = [
  ['an upper-case service name', 'services:\n  - name: News\n', 'services[0].name'],
  ['a duplicate service name', 'services:\n  - name: news\n  - name: news\n', 'services[1].name'],
  ['an empty service list', 'services: []\n', 'services'],
  ['a port above 65535', 'gateway:\n  port: 70000\n', 'gateway.port'],
  ['a port written as a string', 'gateway:\n  port: "8080"\n', 'gateway.port'],
  ['the latest tag', 'gateway:\n  image: nginx:latest\n', 'gateway.image'],
  ['an image without a tag', 'gateway:\n  image: nginx\n', 'gateway.image'],
  ['an unknown top-level key', 'servcies: []\n', 'servcies'],
  ['an unknown nested key', 'gateway:\n  replica: 2\n', 'gateway.replica'],
  ['minReplicas above maxReplicas', 'services:\n  - name: news\n    autoscaling: { minReplicas: 5, maxReplicas: 2 }\n', 'services[0].autoscaling.minReplicas'],
  ['a malformed CPU quantity', 'services:\n  - name: news\n    resources: { requests: { cpu: 10 cores, memory: 32Mi }, limits: { memory: 64Mi } }\n', 'services[0].resources.requests.cpu'],
  ['a memory limit in MB', 'services:\n  - name: news\n    resources: { requests: { cpu: 10m, memory: 32Mi }, limits: { memory: 64MB } }\n', 'services[0].resources.limits.memory'],
  ['two namespaces with the same name', 'namespaces:\n  apps: shared\n  ci: shared\n', 'namespaces.ci'],
  ['a nodePort on a ClusterIP Service', 'gateway:\n  service: { type: ClusterIP, nodePort: 30080 }\n', 'gateway.service.nodePort'],
  ['a nodePort outside the NodePort range', 'gateway:\n  service: { type: NodePort, nodePort: 80 }\n', 'gateway.service.nodePort'],
  ['a TLS secret without a host', 'gateway:\n  ingress: { enabled: true, tlsSecretName: tls }\n', 'gateway.ingress.tlsSecretName'],
  ['an unknown imagePullPolicy', 'imagePullPolicy: Sometimes\n', 'imagePullPolicy'],
  ['an invalid cluster domain', 'cluster:\n  domain: Cluster_Local\n', 'cluster.domain'],
  ['a metrics path without a slash', 'services:\n  - name: news\n    metricsPath: metrics\n', 'services[0].metricsPath'],
  ['root as the user', 'services:\n  - name: news\n    runAsUser: 0\n', 'services[0].runAsUser'],
  ['negative replicas', 'gateway:\n  replicas: -1\n', 'gateway.replicas'],
  ['an invalid environment variable name', 'services:\n  - name: news\n    env: { BAD-NAME: x }\n', 'services[0].env'],
  ['a port of 0', 'jenkins:\n  agentPort: 0\n', 'jenkins.agentPort'],
  ['a storage size in GB', 'services:\n  - name: news\n    datastore: { storage: { size: 1GB } }\n', 'services[0].datastore.storage.size'],
  ['malformed YAML', 'gateway: [unclosed\n', 'malformed YAML'],
  ['a duplicate YAML key', 'gateway:\n  port: 1\n  port: 2\n', 'malformed YAML'],
  ['a list at the root', '- a\n- b\n', '(root)'],
];

function digest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) out[f] = createHash('sha256').update(readFileSync(path.join(dir, f))).digest('hex');
  return out;
}

describe('invalid configuration', () => {
  let dir = '';
  let outdir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bad-config-'));
    outdir = path.join(dir, 'out');
    mkdirSync(outdir);
    for (const f of readdirSync(path.join(ROOT, 'dist'))) writeFileSync(path.join(outdir, f), readFileSync(path.join(ROOT, 'dist', f)));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('there are at least 20 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
  });

  test.each(CASES)('%s is refused, naming the field, and leaves the output untouched', (_what, text, field) => {
    const file = path.join(dir, 'env.yaml');
    writeFileSync(file, text);
    const before = digest(outdir);
    const errors: string[] = [];
    const result = run({ CONTAINER_INFRA_CONFIG: file, CDK8S_OUTDIR: outdir }, () => undefined, (m) => errors.push(m));
    expect(result.exitCode).not.toBe(0);
    const message = errors.join('\n');
    expect(message).toContain(file);
    expect(message).toContain(`  - ${field}`);
    expect(digest(outdir)).toEqual(before);
  });
});

describe('invalid configuration through the real `npx cdk8s synth`', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bad-config-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each(CASES.filter(([what]) => ['the latest tag', 'an unknown nested key', 'malformed YAML'].includes(what)))('%s: non-zero exit, the field named, dist/ byte-identical', (_what, text, field) => {
    const file = path.join(dir, 'env.yaml');
    writeFileSync(file, text);
    const before = digest(path.join(ROOT, 'dist'));
    const r = spawnSync('npx', ['cdk8s', 'synth'], { cwd: ROOT, env: { ...process.env, CONTAINER_INFRA_CONFIG: file, CDK8S_CHECK_UPGRADE: 'false' }, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain(field);
    expect(digest(path.join(ROOT, 'dist'))).toEqual(before);
  });
});
