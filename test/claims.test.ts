import { claimClashes, nameProblems } from '../model/claims';
import { loadConfig } from '../model/load';
import { registryMismatches } from './support/claims-check';
import { configFrom, synthObjects } from './support/manifests';

/**
 * The registry of names, ports, paths and generated variables (model/claims.ts and friends) is
 * only a guard if it is the truth: each configuration here synthesizes and must match it exactly.
 * The property test (config-properties.test.ts) checks the same on generated configurations.
 */
const EVERYTHING_ON = configFrom({
  gateway: { ingress: { enabled: true, host: 'shop.example.com' }, service: { type: 'NodePort' } },
  monitoring: { grafana: { persistence: { enabled: true, storageClassName: 'ebs.csi.aws.com' } } },
  jenkins: { deploy: { namespaces: ['container-infra', 'monitoring'] } },
  services: [
    { name: 'news', env: { LOG_FORMAT: 'json' }, events: { publishes: ['news.published'] } },
    { name: 'reader', autoscaling: { minReplicas: 1, maxReplicas: 4 }, calls: ['news'], events: { consumes: [{ subject: 'news.published', durable: 'reader' }] } },
    { name: 'static', datastore: { enabled: false } },
  ],
  events: { streams: [{ name: 'NEWS', subjects: ['news.>'] }] },
});

describe('the registry of names, ports and paths matches what the charts create', () => {
  test.each([
    ['the default environment', loadConfig().config],
    ['prod', loadConfig({ env: 'prod' }).config],
    ['every optional object on', EVERYTHING_ON],
    ['monitoring, Jenkins, the bus and auth off', configFrom({ monitoring: { enabled: false }, jenkins: { enabled: false }, events: { enabled: false }, auth: { enabled: false }, services: [{ name: 'news' }] })],
  ])('%s', (_what, config) => {
    expect(registryMismatches(config, synthObjects(config))).toEqual([]);
  });

  test('a component that forgot a claim is found (the check can fail)', () => {
    const config = EVERYTHING_ON;
    const objects = synthObjects(config);
    const extra = { ...objects.find((o) => o.kind === 'ConfigMap')!, metadata: { name: 'unclaimed', namespace: 'container-infra', labels: {}, annotations: {} } };
    expect(registryMismatches(config, [...objects, extra])).toEqual(['not claimed in model/claims.ts: ConfigMap container-infra/unclaimed']);
  });
});

describe('claims', () => {
  test('the default environment has no clash and no name Kubernetes refuses', () => {
    const claims = loadConfig().model.objects;
    expect(claimClashes(claims)).toEqual([]);
    expect(nameProblems(claims)).toEqual([]);
  });

  test('a name inside a hash-named prefix of the same kind clashes; another kind does not', () => {
    const base = { kinds: ['Job'], namespace: 'apps' };
    expect(claimClashes([{ ...base, name: 'nats-streams-', prefix: true, field: 'events.name' }, { ...base, name: 'nats-streams-abc', field: 'x.name' }])).toEqual([
      { field: 'x.name', other: 'events.name', what: 'Job "nats-streams-abc" in namespace "apps" (events.name names Job objects "nats-streams-<hash>")' },
    ]);
    expect(claimClashes([{ ...base, name: 'nats-streams-', prefix: true, field: 'events.name' }, { kinds: ['Deployment'], namespace: 'apps', name: 'nats-streams-abc', field: 'x.name' }])).toEqual([]);
  });

  test.each([
    ['StatefulSet', 'p'.repeat(52), 0],
    ['StatefulSet', 'p'.repeat(53), 1],
    ['Service', 'a'.repeat(63), 0],
    ['Service', '1abc', 1],
    ['Deployment', 'a'.repeat(63), 0],
    ['ClusterRole', `${'a'.repeat(63)}-${'b'.repeat(63)}`, 0],
  ])('a %s named %s: %i problem(s)', (kind, name, count) => {
    expect(nameProblems([{ kinds: [kind], name, field: 'f' }])).toHaveLength(count);
  });
});
