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

/**
 * Issue 9's classes: configurations that used to be accepted but gave objects a cluster, nginx or
 * `kubectl apply` would reject or mangle. [what, file text, field, what the message says is allowed]
 */
const svc = (extra: string) => `services:\n  - name: news\n${extra}`;
const CLASS_CASES: Array<[string, string, string, RegExp]> = [
  // 1. one owner per object name
  ['a service named like the gateway', 'services:\n  - name: gateway\n', 'gateway.name', /Deployment "gateway".*services\[0\]\.name/],
  ['a gateway named like a service', 'gateway:\n  name: news\n', 'gateway.name', /"news".*services\[0\]\.name/],
  ['a service named like another one\'s datastore', 'services:\n  - name: news\n  - name: news-redis\n', 'services[1].name', /news-redis.*services\[0\]\.name \(its datastore\)/],
  ['a service named like the auth service', 'services:\n  - name: news\n  - name: auth\n', 'auth.name', /"auth".*services\[1\]\.name/],
  ['a service named like the event bus', 'services:\n  - name: news\n  - name: nats\n', 'events.name', /"nats".*services\[1\]\.name/],
  ['a service named like the bus configuration', 'services:\n  - name: news\n  - name: nats-headless\n', 'events.name', /Service "nats-headless"/],
  ['an auth service named like the gateway ConfigMap owner', 'auth:\n  name: gateway\n', 'auth.name', /gateway\.name/],
  ['Grafana named like Prometheus', 'monitoring:\n  grafana:\n    name: prometheus\n', 'monitoring.grafana.name', /monitoring\.prometheus\.name/],
  ['Alertmanager named like Grafana', 'monitoring:\n  alertmanager:\n    name: grafana\n', 'monitoring.grafana.name', /monitoring\.alertmanager\.name/],
  ['kube-state-metrics named like Alertmanager', 'monitoring:\n  kubeStateMetrics:\n    name: alertmanager\n', 'monitoring.kubeStateMetrics.name', /monitoring\.alertmanager\.name/],
  ['Alertmanager named like the Prometheus ConfigMap', 'monitoring:\n  alertmanager:\n    name: prometheus\n', 'monitoring.alertmanager.name', /monitoring\.prometheus\.name/],
  // 2. paths the gateway serves itself
  ['a service named healthz', 'services:\n  - name: healthz\n', 'services[0].name', /gateway's own \/healthz/],
  ['a service named auth over the token path', 'auth:\n  name: tokens\nservices:\n  - name: auth\n', 'services[0].name', /\/auth\/token/],
  // 3. Kubernetes' name and label rules
  ['a service name starting with a digit', 'services:\n  - name: 1news\n', 'services[0].name', /DNS-1035 label.*starting with a letter/],
  ['a gateway name starting with a digit', 'gateway:\n  name: 9gw\n', 'gateway.name', /DNS-1035/],
  ['an auth name starting with a digit', 'auth:\n  name: 0auth\n', 'auth.name', /DNS-1035/],
  ['a Jenkins name starting with a digit', 'jenkins:\n  name: 2jenkins\n', 'jenkins.name', /DNS-1035/],
  ['a DNS pod label key with a space', 'cluster:\n  dns:\n    podLabels: { "k8s app": kube-dns }\n', 'cluster.dns.podLabels.k8s app', /alphanumerics/],
  ['a DNS pod label value with a space', 'cluster:\n  dns:\n    podLabels: { k8s-app: kube dns }\n', 'cluster.dns.podLabels.k8s-app', /label value/],
  ['a DNS pod label key with two slashes', 'cluster:\n  dns:\n    podLabels: { a/b/c: x }\n', 'cluster.dns.podLabels.a/b/c', /label key/],
  ['a DNS pod label value over 63 characters', `cluster:\n  dns:\n    podLabels: { k8s-app: ${'v'.repeat(64)} }\n`, 'cluster.dns.podLabels.k8s-app', /63/],
  ['a storage class with an underscore', svc('    datastore: { storage: { size: 1Gi, storageClassName: fast_ssd } }\n'), 'services[0].datastore.storage.storageClassName', /DNS-1123 subdomain/],
  // 4. resources and ports that cannot work
  ['a memory request above its limit', svc('    resources: { requests: { cpu: 10m, memory: 128Mi }, limits: { memory: 64Mi } }\n'), 'services[0].resources.requests.memory', /must not be above limits\.memory \(64Mi\)/],
  ['a CPU request above its limit', svc('    resources: { requests: { cpu: 500m, memory: 32Mi }, limits: { memory: 64Mi, cpu: 200m } }\n'), 'services[0].resources.requests.cpu', /must not be above limits\.cpu \(200m\)/],
  ['a datastore memory request above its limit', svc('    datastore: { resources: { requests: { cpu: 10m, memory: 1Gi }, limits: { memory: 512Mi } } }\n'), 'services[0].datastore.resources.requests.memory', /limits\.memory/],
  ['a gateway memory request above its limit', 'gateway:\n  resources: { requests: { cpu: 10m, memory: 1.5Gi }, limits: { memory: 1Gi } }\n', 'gateway.resources.requests.memory', /limits\.memory \(1Gi\)/],
  ['a Prometheus memory request above its limit', 'monitoring:\n  prometheus:\n    resources: { requests: { cpu: 10m, memory: 2Gi }, limits: { memory: 1Gi } }\n', 'monitoring.prometheus.resources.requests.memory', /limits\.memory/],
  ['autoscaling with a CPU request of 0', svc('    autoscaling: { minReplicas: 1, maxReplicas: 3 }\n    resources: { requests: { cpu: "0", memory: 32Mi }, limits: { memory: 64Mi } }\n'), 'services[0].resources.requests.cpu', /above 0 with autoscaling/],
  ['the gateway port on the exporter port', 'gateway:\n  port: 9113\n', 'gateway.exporter.port', /already gateway\.port/],
  ['the gateway status port on its port', 'gateway:\n  statusPort: 8080\n', 'gateway.statusPort', /already gateway\.port/],
  ['the exporter on the status port', 'gateway:\n  exporter: { port: 8081 }\n', 'gateway.exporter.port', /already gateway\.statusPort/],
  ['two NATS ports on one number', 'events:\n  ports: { client: 4222, cluster: 4222 }\n', 'events.ports.cluster', /already events\.ports\.client/],
  ['an env entry repeating DATASTORE_URL', svc('    env: { DATASTORE_URL: redis://elsewhere }\n'), 'services[0].env.DATASTORE_URL', /set by the generator/],
  ['an env entry repeating a callee URL', 'services:\n  - name: news\n    calls: [payment]\n    env: { PAYMENT_URL: http://x }\n  - name: payment\n', 'services[0].env.PAYMENT_URL', /set by the generator/],
  ['an env entry repeating NATS_PASSWORD', 'services:\n  - name: payment\n    events: { publishes: [payment.completed] }\n    env: { NATS_PASSWORD: x }\n', 'services[0].env.NATS_PASSWORD', /set by the generator/],
  // 5. namespaces Kubernetes itself uses
  ['the apps in kube-system', 'namespaces:\n  apps: kube-system\n', 'namespaces.apps', /not kube-system, kube-public, kube-node-lease, default/],
  ['monitoring in kube-public', 'namespaces:\n  monitoring: kube-public\n', 'namespaces.monitoring', /kube-public/],
  ['node monitoring in kube-node-lease', 'namespaces:\n  nodeMonitoring: kube-node-lease\n', 'namespaces.nodeMonitoring', /kube-node-lease/],
  ['CI in default', 'namespaces:\n  ci: default\n', 'namespaces.ci', /needs namespaces of its own/],
  // calls between services
  ['a call to an unknown service', 'services:\n  - name: news\n    calls: [shop]\n', 'services[0].calls[0]', /unknown service "shop"/],
  ['a service calling itself', 'services:\n  - name: news\n    calls: [news]\n', 'services[0].calls[0]', /cannot call itself/],
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

  test('there are at least 60 cases', () => {
    expect(CASES.length + CLASS_CASES.length).toBeGreaterThanOrEqual(60);
  });

  /** Run the app on `text`; asserts a refusal naming the file and an untouched output; returns the message. */
  function refused(text: string): string {
    const file = path.join(dir, 'env.yaml');
    writeFileSync(file, text);
    const before = digest(outdir);
    const errors: string[] = [];
    const result = run({ CONTAINER_INFRA_CONFIG: file, CDK8S_OUTDIR: outdir }, () => undefined, (m) => errors.push(m));
    expect(result.exitCode).not.toBe(0);
    expect(digest(outdir)).toEqual(before);
    const message = errors.join('\n');
    expect(message).toContain(file);
    return message;
  }

  test.each(CLASS_CASES)('%s is refused, naming the field and what is allowed, and leaves the output untouched', (_what, text, field, allowed) => {
    const line = refused(text)
      .split('\n')
      .find((l) => l.startsWith(`  - ${field}:`));
    expect({ field, line }).toEqual({ field, line: expect.stringMatching(allowed) });
  });

  test.each(CASES)('%s is refused, naming the field, and leaves the output untouched', (_what, text, field) => {
    expect(refused(text)).toContain(`  - ${field}`);
  });
});

describe('invalid configuration through the real `npx cdk8s synth`', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bad-config-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const CLI_CASES: Array<[string, string, string]> = [
    ...CASES.filter(([what]) => ['the latest tag', 'an unknown nested key', 'malformed YAML'].includes(what)),
    ...CLASS_CASES.filter(([what]) => ['a service named healthz', 'the apps in kube-system', 'a memory request above its limit', 'a service named like the gateway'].includes(what)).map(
      ([what, text, field]): [string, string, string] => [what, text, field],
    ),
  ];
  const outputDirs = () => readdirSync(ROOT).filter((d) => d === 'dist' || d.startsWith('dist-'));

  test.each(CLI_CASES)('%s: non-zero exit, the field named, dist/ byte-identical', (_what, text, field) => {
    const file = path.join(dir, 'env.yaml');
    writeFileSync(file, text);
    // dist/ and every dist-*/ folder present.
    const before = outputDirs().map((d) => [d, digest(path.join(ROOT, d))]);
    const r = spawnSync('npx', ['cdk8s', 'synth'], {
      cwd: ROOT,
      env: { ...process.env, CONTAINER_INFRA_ENV: '', CONTAINER_INFRA_CONFIG: file, CONTAINER_INFRA_OUT: path.join(dir, 'out'), CDK8S_CHECK_UPGRADE: 'false' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain(field);
    expect(outputDirs().map((d) => [d, digest(path.join(ROOT, d))])).toEqual(before);
  });
});
