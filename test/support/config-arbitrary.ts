import * as fc from 'fast-check';
import type { ConfigInput } from '../../config/schema';

/**
 * Valid configurations, generated: service lists with varied names, ports, resources, replicas,
 * autoscaling, calls and events, and varied namespaces, domain and gateway ports. Each one must
 * synthesize into objects a cluster accepts (test/config-properties.test.ts).
 */
const RESERVED_SERVICE_NAMES = new Set(['gateway', 'auth', 'nats', 'healthz']);

const serviceName = fc
  .stringMatching(/^[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,5})?$/)
  .filter((n) => !RESERVED_SERVICE_NAMES.has(n) && !n.startsWith('nats-') && !n.startsWith('gateway-') && !n.startsWith('auth-') && !n.endsWith('-redis'));

/** Memory in the forms people write, request never above limit. */
const memoryPair = fc.tuple(fc.integer({ min: 16, max: 512 }), fc.integer({ min: 0, max: 512 }), fc.constantFrom('Mi', 'M')).map(([req, extra, unit]) => ({
  request: `${req}${unit}`,
  limit: `${req + extra}${unit}`,
}));
const cpu = fc.oneof(fc.integer({ min: 1, max: 2000 }).map((m) => `${m}m`), fc.constantFrom('0.1', '0.25', '1'));

const service = (name: string) =>
  fc.record({
    name: fc.constant(name),
    port: fc.integer({ min: 1024, max: 65000 }).filter((p) => p !== 9121 && p !== 6379),
    replicas: fc.integer({ min: 0, max: 4 }),
    autoscaling: fc.option(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 5 })).map(([min, extra]) => ({ minReplicas: min, maxReplicas: min + extra })), { nil: undefined }),
    mem: memoryPair,
    cpu,
    datastore: fc.boolean(),
    storage: fc.constantFrom('1Gi', '1.5Gi', '500Mi', '2G'),
    storageClassName: fc.option(fc.constantFrom('standard', 'ebs.csi.aws.com', 'local-path'), { nil: undefined }),
  });

export const validConfig: fc.Arbitrary<ConfigInput> = fc
  .uniqueArray(serviceName, { minLength: 1, maxLength: 5 })
  .chain((names) =>
    fc.record({
      services: fc.tuple(...names.map(service)),
      calls: fc.array(fc.tuple(fc.nat(names.length - 1), fc.nat(names.length - 1)), { maxLength: 4 }),
      events: fc.boolean(),
      apps: fc.constantFrom('container-infra', 'apps', 'shop-prod'),
      domain: fc.constantFrom('cluster.local', 'k8s.example.internal'),
      gatewayPort: fc.integer({ min: 1024, max: 9000 }).filter((p) => p !== 8081 && p !== 9113),
      auth: fc.boolean(),
    }),
  )
  .map(({ services, calls, events, apps, domain, gatewayPort, auth }) => {
    const callsOf = new Map<string, Set<string>>();
    for (const [a, b] of calls) {
      if (a === b) continue;
      const caller = services[a].name;
      callsOf.set(caller, (callsOf.get(caller) ?? new Set()).add(services[b].name));
    }
    const publisher = services[0].name;
    return {
      namespaces: { apps },
      cluster: { domain },
      gateway: { port: gatewayPort },
      auth: { enabled: auth },
      events: events ? { streams: [{ name: 'EVENTS', subjects: [`${publisher}.>`] }] } : { enabled: false },
      services: services.map((s, i) => ({
        name: s.name,
        port: s.port,
        replicas: s.replicas,
        ...(s.autoscaling ? { autoscaling: s.autoscaling } : {}),
        resources: { requests: { cpu: s.cpu, memory: s.mem.request }, limits: { memory: s.mem.limit } },
        datastore: { enabled: s.datastore, storage: { size: s.storage, ...(s.storageClassName ? { storageClassName: s.storageClassName } : {}) } },
        calls: [...(callsOf.get(s.name) ?? [])],
        ...(events && i === 0 ? { events: { publishes: [`${publisher}.happened`] } } : {}),
        ...(events && i === services.length - 1 && services.length > 1 ? { events: { consumes: [{ subject: `${publisher}.happened`, durable: `${s.name}-reader` }] } } : {}),
        ...(auth && i === 0 ? { auth: { required: true, scope: 'payment' } } : {}),
      })),
    } as ConfigInput;
  });
