import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { ConfigError } from '../config/load';
import { loadConfig, parseConfigFile } from '../model/load';
import { configErrorFor as errorFor } from './support/config-errors';

const svc = (extra: object) => ({ services: [{ name: 'news', ...extra }] });

// Each case: the input, the field path the message must name, and words of what is allowed.
const cases: Array<[string, unknown, string, RegExp]> = [
  ['unknown top-level key', { servics: [] }, 'servics', /unknown key; allowed keys here: .*services/],
  ['unknown nested key', svc({ replica: 2 }), 'services[0].replica', /unknown key; allowed keys here: .*replicas/],
  ['wrong type', svc({ replicas: 'two' }), 'services[0].replicas', /expected number/],
  ['negative replicas', svc({ replicas: -1 }), 'services[0].replicas', /must be 0 or more \(got -1\)/],
  ['fractional replicas', svc({ replicas: 1.5 }), 'services[0].replicas', /integer/],
  ['service name not DNS-1035', { services: [{ name: 'News_Service' }] }, 'services[0].name', /DNS-1035/],
  ['service name too long', { services: [{ name: 'n'.repeat(41) }] }, 'services[0].name', /at most 40/],
  ['duplicate service names', { services: [{ name: 'news' }, { name: 'news' }] }, 'services[1].name', /duplicate service name "news"/],
  ['empty service list', { services: [] }, 'services', /at least one service/],
  ['image without a tag', svc({ image: 'ghcr.io/stefanprodan/podinfo' }), 'services[0].image', /exact tag/],
  ['image with latest', svc({ image: 'redis:latest' }), 'services[0].image', /latest/],
  ['registry port but no tag', svc({ image: 'localhost:5000/podinfo' }), 'services[0].image', /exact tag/],
  ['autoscaling min > max', svc({ autoscaling: { minReplicas: 5, maxReplicas: 2 } }), 'services[0].autoscaling.minReplicas', /less than or equal to maxReplicas/],
  ['autoscaling min 0', svc({ autoscaling: { minReplicas: 0, maxReplicas: 2 } }), 'services[0].autoscaling.minReplicas', /at least 1/],
  ['bad cpu quantity', svc({ resources: { requests: { cpu: 'lots', memory: '1Mi' }, limits: { memory: '1Mi' } } }), 'services[0].resources.requests.cpu', /CPU quantity/],
  ['bad memory quantity', svc({ resources: { requests: { cpu: '1m', memory: '1GB' }, limits: { memory: '1Mi' } } }), 'services[0].resources.requests.memory', /quantity of bytes/],
  ['missing memory limit', svc({ resources: { requests: { cpu: '1m', memory: '1Mi' }, limits: {} } }), 'services[0].resources.limits.memory', /expected string/],
  ['port out of range', svc({ port: 70000 }), 'services[0].port', /port from 1 to 65535/],
  ['unknown service type', { gateway: { service: { type: 'External' } } }, 'gateway.service.type', /"ClusterIP"\|"NodePort"\|"LoadBalancer"/],
  ['nodePort outside range', { gateway: { service: { type: 'NodePort', nodePort: 80 } } }, 'gateway.service.nodePort', /30000-32767/],
  ['nodePort with ClusterIP', { gateway: { service: { nodePort: 30080 } } }, 'gateway.service.nodePort', /needs type NodePort or LoadBalancer/],
  ['namespace not DNS-1123', { namespaces: { apps: 'Apps' } }, 'namespaces.apps', /DNS-1123/],
  ['two components in one namespace', { namespaces: { ci: 'container-infra' } }, 'namespaces.ci', /already the apps namespace/],
  ['storage size not a quantity', svc({ datastore: { storage: { size: 'big' } } }), 'services[0].datastore.storage.size', /quantity of bytes/],
  ['datastore exporter on the Redis port', svc({ datastore: { port: 7000, exporter: { port: 7000 } } }), 'services[0].datastore.exporter.port', /port 7000 is already services\[0\]\.datastore\.port in the same pod/],
  ['datastore memory alert above 99%', { monitoring: { prometheus: { alerts: { datastoreMemoryPercent: 100 } } } }, 'monitoring.prometheus.alerts.datastoreMemoryPercent', /99/],
  ['invalid pull policy', { imagePullPolicy: 'Sometimes' }, 'imagePullPolicy', /"IfNotPresent"\|"Always"\|"Never"/],
  ['root is not a mapping', ['services'], '(root)', /expected object/],
];

describe('invalid configuration gives one clear error naming the file, the field and what is allowed', () => {
  test.each(cases)('%s', (_title, input, fieldPath, allowed) => {
    const message = errorFor(input);
    expect(message).toContain('bad.yaml');
    const line = message.split('\n').find((l) => l.includes(`- ${fieldPath}:`));
    expect(line).toBeDefined();
    expect(line).toMatch(allowed);
  });

  test('there are at least 20 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });
});

describe('configuration files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ci-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const messageOf = (fn: () => unknown): string => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('no error raised');
  };

  test('malformed YAML names the file and the position', () => {
    const file = write('broken.yaml', 'services:\n  - name: news\n   replicas: 2\n');
    const msg = messageOf(() => parseConfigFile(file));
    expect(msg).toContain(file);
    expect(msg).toMatch(/malformed YAML: .*line 3/);
  });

  test('a duplicated YAML key is refused', () => {
    const file = write('dup.yaml', 'gateway:\n  replicas: 1\ngateway:\n  replicas: 2\n');
    expect(messageOf(() => parseConfigFile(file))).toMatch(/malformed YAML: .*[Mm]ap keys must be unique/);
  });

  test('a missing file is reported by name', () => {
    const file = path.join(dir, 'missing.yaml');
    expect(messageOf(() => parseConfigFile(file))).toContain(`${file}:\n  - cannot read the file (no such file); looked for ${file}`);
  });

  // root reads any file whatever its mode, so as root (CI) this case cannot be produced: it shows as skipped.
  (process.getuid?.() === 0 ? test.skip : test)('an unreadable file is reported by name', () => {
    const file = write('secret.yaml', 'gateway: {}\n');
    chmodSync(file, 0o000);
    expect(messageOf(() => parseConfigFile(file))).toMatch(/cannot read the file \(EACCES\)/);
  });

  test('a directory instead of a file is reported', () => {
    expect(messageOf(() => parseConfigFile(dir))).toMatch(/cannot read the file \(a directory, not a file\)/);
  });

  test('an unknown environment lists the known ones', () => {
    const msg = messageOf(() => loadConfig({ env: 'staging' }));
    expect(msg).toMatch(/unknown environment "staging"; allowed: "default", "prod"/);
  });

  test('an empty file means every default', () => {
    const file = write('empty.yaml', '# nothing\n');
    expect(parseConfigFile(file)).toEqual(loadConfig().config);
  });

  test('the prod example is valid and differs from the default', () => {
    const prod = loadConfig({ env: 'prod' }).config;
    expect(prod.gateway.replicas).toBeGreaterThan(loadConfig().config.gateway.replicas);
  });
});
