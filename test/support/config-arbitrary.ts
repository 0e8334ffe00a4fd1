import * as fc from 'fast-check';
import type { ConfigInput } from '../../config/schema';

/**
 * Valid configurations, generated: service lists with varied names (up to the length limits),
 * ports, quantities in every form Kubernetes reads, replicas, autoscaling, calls, events, env and
 * datastores; renamed components and namespaces; monitoring, Jenkins, the bus and auth on or off;
 * cluster DNS labels with prefixes. Each one must be accepted and synthesize into objects a
 * cluster accepts (test/config-properties.test.ts).
 *
 * Only names the configuration reserves are kept out (the gateway's own paths, the names other
 * components derive with a suffix); everything else the schema must accept.
 */
const RESERVED_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
/** Suffixes components add to their names (model/claims.ts); a service ending so could take one. */
const DERIVED_SUFFIXES = ['redis', 'nginx', 'bundle', 'headless', 'config', 'streams', 'smoke', 'discovery', 'rules', 'datasources', 'providers', 'dashboards', 'data', 'agent', 'agents', 'deploy'];

/** A DNS-1035 label of `min`..`max` characters: a letter, then letters, digits and inner dashes. */
function label(min: number, max: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'), minLength: min - 1, maxLength: max - 1 }))
    .map(([first, rest]) => `${first}${rest}`.replace(/-+$/, '').replace(/--+/g, '-'))
    .filter((n) => n.length >= min && !DERIVED_SUFFIXES.includes(n.split('-').pop()!) && n !== 'healthz' && n !== 'auth' && n !== 'default-deny');
}

/** A label, often at its longest: the limits are where programs refuse names (fast-check favours short strings). */
function longOrAny(min: number, max: number): fc.Arbitrary<string> {
  return fc.oneof(label(min, max), label(Math.max(min, max - 3), max));
}

/** CPU as people write it: millicores, decimals, whole cores, exponents; with its nanocores. */
const cpu: fc.Arbitrary<[string, number]> = fc.oneof(
  fc.integer({ min: 1, max: 2000 }).map((m): [string, number] => [`${m}m`, m * 1e6]),
  fc.constantFrom<[string, number]>(['0.1', 1e8], ['0.25', 2.5e8], ['1', 1e9], ['1.5', 1.5e9], ['100e-3', 1e8], ['.5', 5e8]),
);
/** Memory in Mi, M, Gi fractions, Ki, plain bytes and exponents; with its bytes. */
const memory: fc.Arbitrary<[string, number]> = fc.oneof(
  fc.integer({ min: 16, max: 1024 }).map((n): [string, number] => [`${n}Mi`, n * 2 ** 20]),
  fc.integer({ min: 17, max: 1000 }).map((n): [string, number] => [`${n}M`, n * 1e6]),
  fc.constantFrom<[string, number]>(['0.5Gi', 2 ** 29], ['1.5Gi', 1.5 * 2 ** 30], ['65536Ki', 2 ** 26], ['67108864', 2 ** 26], ['128e6', 1.28e8]),
);

/** Requests never above limits (compared as numbers here, independently of the schema's exact check). */
const resources = fc.tuple(cpu, memory, memory, fc.option(cpu, { nil: undefined })).map(([[c, cn], m1, m2, cpuLimit]) => {
  const [request, limit] = m1[1] <= m2[1] ? [m1[0], m2[0]] : [m2[0], m1[0]];
  const limits: Record<string, string> = { memory: limit };
  if (cpuLimit && cpuLimit[1] >= cn) limits.cpu = cpuLimit[0];
  return { requests: { cpu: c, memory: request }, limits };
});

const storageSize = fc.constantFrom('1Gi', '1.5Gi', '500Mi', '2G', '1e9', '3Gi');
const storageClassName = fc.option(fc.constantFrom('standard', 'ebs.csi.aws.com', 'local-path', 'fast.ssd.example.com'), { nil: undefined });

/** Ports from a range, distinct within one pod. */
const distinctPorts = (n: number) => fc.uniqueArray(fc.integer({ min: 1024, max: 65000 }), { minLength: n, maxLength: n });

const service = (name: string) =>
  fc.record({
    name: fc.constant(name),
    ports: distinctPorts(3),
    replicas: fc.integer({ min: 0, max: 4 }),
    autoscaling: fc.option(
      fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 100 })).map(([min, extra, target]) => ({ minReplicas: min, maxReplicas: min + extra, targetCPUUtilizationPercentage: target })),
      { nil: undefined },
    ),
    resources,
    datastore: fc.boolean(),
    datastoreResources: resources,
    storage: storageSize,
    storageClassName,
    env: fc.dictionary(fc.stringMatching(/^APP_[A-Z0-9_]{1,8}$/), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
    message: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
  });

/**
 * JetStream limits across their whole range: max ages from 1s to the int64-nanosecond ceiling in
 * every unit (shorter than the 2m duplicate window too), sizes from one largest message up.
 */
const maxAge = fc.oneof(
  fc.constantFrom('1s', '30s', '119s', '2m', '7d', '106751d', '2562047h', '153722867m', '9223372036s'),
  fc.tuple(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('s', 'm', 'h', 'd')).map(([n, u]) => `${n}${u}`),
);
const maxBytes = fc.constantFrom('1052706', '1.1Mi', '2Mi', '64Mi', '100M', '128Mi');
const streamLimits = fc.record({ maxAge, maxBytes, replicated: fc.boolean() });

const componentNames = fc.record({
  gateway: longOrAny(3, 63),
  auth: longOrAny(3, 63),
  events: longOrAny(3, 40),
  prometheus: longOrAny(3, 52),
  alertmanager: longOrAny(3, 63),
  grafana: longOrAny(3, 63),
  kubeStateMetrics: longOrAny(3, 63),
  jenkins: longOrAny(3, 50),
});

export const validConfig: fc.Arbitrary<ConfigInput> = fc
  .tuple(fc.uniqueArray(longOrAny(1, 40), { minLength: 1, maxLength: 5 }), componentNames)
  // Every name distinct: a service named like a component is a clash (tested in the bad-input corpus).
  .filter(([services, c]) => new Set([...services, ...Object.values(c)]).size === services.length + Object.keys(c).length)
  .chain(([names, components]) =>
    fc.record({
      services: fc.tuple(...names.map(service)),
      calls: fc.array(fc.tuple(fc.nat(names.length - 1), fc.nat(names.length - 1)), { maxLength: 4 }),
      events: fc.boolean(),
      monitoring: fc.boolean(),
      jenkins: fc.boolean(),
      gitops: fc.constantFrom('none', 'argocd', 'flux'),
      auth: fc.boolean(),
      busReplicas: fc.constantFrom(1, 1, 3),
      streams: fc.array(streamLimits, { minLength: names.length, maxLength: names.length }),
      publishers: fc.integer({ min: 1, max: names.length }),
      consumers: fc.array(fc.tuple(fc.nat(names.length - 1), fc.nat(names.length - 1)), { maxLength: 4 }),
      namespaces: fc.uniqueArray(label(2, 30).filter((n) => !RESERVED_NAMESPACES.has(n)), { minLength: 4, maxLength: 4 }),
      domain: fc.constantFrom('cluster.local', 'k8s.example.internal'),
      dnsLabels: fc.constantFrom<Record<string, string>>({ 'k8s-app': 'kube-dns' }, { 'app.kubernetes.io/name': 'coredns' }, { 'example.com/dns': 'yes', tier: 'control_plane.v1' }),
      // The DNS Service keeps kube-dns's name on most clusters; some name it after CoreDNS.
      dnsService: fc.constantFrom('kube-dns', 'kube-dns', 'coredns'),
      gatewayPorts: distinctPorts(3),
      serviceType: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer'),
      gatewayResources: resources,
      components: fc.constant(components),
    }),
  )
  .map(({ services, calls, events, monitoring, jenkins, gitops, auth, busReplicas, streams, publishers, consumers, namespaces, domain, dnsLabels, dnsService, gatewayPorts, serviceType, gatewayResources, components }) => {
    const callsOf = new Map<string, Set<string>>();
    for (const [a, b] of calls) {
      if (a === b) continue;
      const caller = services[a].name;
      callsOf.set(caller, (callsOf.get(caller) ?? new Set()).add(services[b].name));
    }
    // The first `publishers` services publish `<name>.happened` into a stream of their own; other
    // services consume some of them (the last service always the first's, when there are two).
    const published = services.slice(0, publishers).map((p) => `${p.name}.happened`);
    const consumes = new Map<string, Array<{ subject: string; durable: string }>>();
    const consume = (i: number, p: number) => {
      const list = consumes.get(services[i].name) ?? [];
      if (i === p || p >= publishers || list.some((c) => c.subject === published[p])) return;
      consumes.set(services[i].name, [...list, { subject: published[p], durable: `${services[i].name}-reader` }]);
    };
    if (services.length > 1) consume(services.length - 1, 0);
    for (const [i, p] of consumers) consume(i, p);
    return {
      namespaces: { apps: namespaces[0], ci: namespaces[1], monitoring: namespaces[2], nodeMonitoring: namespaces[3] },
      cluster: { domain, dns: { service: dnsService, podLabels: dnsLabels } },
      gateway: {
        name: components.gateway,
        port: gatewayPorts[0],
        statusPort: gatewayPorts[1],
        exporter: { port: gatewayPorts[2] },
        service: { type: serviceType },
        resources: gatewayResources,
      },
      auth: { enabled: auth, name: components.auth },
      events: events
        ? {
            name: components.events,
            replicas: busReplicas,
            streams: services.slice(0, publishers).map((p, i) => ({ name: `S${i}_${p.name.toUpperCase().replace(/-/g, '_')}`.slice(0, 32), subjects: [`${p.name}.>`], maxAge: streams[i].maxAge, maxBytes: streams[i].maxBytes, replicas: streams[i].replicated ? busReplicas : 1 })),
          }
        : { enabled: false },
      monitoring: {
        enabled: monitoring,
        prometheus: { name: components.prometheus },
        alertmanager: { name: components.alertmanager },
        grafana: { name: components.grafana },
        kubeStateMetrics: { name: components.kubeStateMetrics },
      },
      jenkins: { enabled: jenkins, name: components.jenkins },
      // A GitOps tool deploys instead of Jenkins (its objects are synthesized and validated too).
      ...(gitops === 'none' ? {} : { repository: { url: 'https://git.example.org/team/container-infra.git' }, gitops: { mode: gitops } }),
      services: services.map((s, i) => ({
        name: s.name,
        ...(s.message !== undefined ? { message: s.message } : {}),
        port: s.ports[0],
        replicas: s.replicas,
        // The HPA measures CPU against the request: autoscaled services request CPU (every generated request is > 0).
        ...(s.autoscaling ? { autoscaling: s.autoscaling } : {}),
        resources: s.resources,
        env: s.env,
        datastore: {
          enabled: s.datastore,
          port: s.ports[1],
          exporter: { port: s.ports[2] },
          resources: s.datastoreResources,
          storage: { size: s.storage, ...(s.storageClassName ? { storageClassName: s.storageClassName } : {}) },
        },
        calls: [...(callsOf.get(s.name) ?? [])],
        ...(events && (i < publishers || consumes.has(s.name)) ? { events: { publishes: i < publishers ? [published[i]] : [], consumes: consumes.get(s.name) ?? [] } } : {}),
        ...(auth && i === 0 ? { auth: { required: true, scope: 'payment' } } : {}),
      })),
    } as ConfigInput;
  });
