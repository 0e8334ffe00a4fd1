import { ConfigError, parseConfig, parseConfigFile } from '../config/load';
import type { ConfigInput } from '../config/schema';
import { computeFootprint, Manifest as FootprintManifest } from '../report/footprint';
import { checkFlows } from '../validate/flows';
import type { Manifest } from '../validate/manifests';
import { configFrom, find, K8sObject, ofKind, synthFiles, synthObjects } from './support/manifests';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

const config = configFrom();
const ns = config.namespaces.apps;
const objects = synthObjects(config);
const natsConf = (o: K8sObject[] = objects, name = 'nats'): string => find(o, 'ConfigMap', `${name}-config`, ns).data['nats.conf'];
const container = (o: K8sObject[], kind: string, name: string, c: string) => find(o, kind, name, ns).spec.template.spec.containers.find((x: any) => x.name === c);
const streamsJob = (o: K8sObject[]) => ofKind(o, 'Job').find((j) => j.metadata.name.startsWith('nats-streams-'))!;

/** One user's block of nats.conf, parsed back into its allow lists. */
function permissionsOf(conf: string, user: string): { publish: string[]; subscribe: string[] } {
  const start = conf.indexOf(`user: "${user}"`);
  expect(start).toBeGreaterThan(-1);
  const block = conf.slice(start, conf.indexOf('\n    }', start));
  const list = (kind: string) => {
    const m = new RegExp(`${kind}: \\{\\s*allow: \\[([^\\]]*)\\]`).exec(block);
    return m ? [...m[1].matchAll(/"([^"]+)"/g)].map((x) => x[1]) : [];
  };
  return { publish: list('publish'), subscribe: list('subscribe') };
}

function manifestsOf(input: ConfigInput): Manifest[] {
  return [...synthFiles(configFrom(input)).entries()].flatMap(([file, objs]) => objs.map((object) => ({ file, object }) as unknown as Manifest));
}

describe('the NATS server', () => {
  const sts = find(objects, 'StatefulSet', 'nats', ns);
  const nats = container(objects, 'StatefulSet', 'nats', 'nats');

  test('one server by default, on the pinned official image, with a JetStream volume', () => {
    expect(sts.spec.replicas).toBe(1);
    expect(nats.image).toBe('nats:2.12.6-alpine');
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('1Gi');
    expect(nats.volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
    expect(natsConf()).toMatch(/store_dir: "\/data"/);
    // 90 % of 1 GiB
    expect(natsConf()).toMatch(/max_file_store: 966367641\n/);
  });

  test('runs as a numeric non-root user with a read-only root filesystem (the image would run as root)', () => {
    const pod = sts.spec.template.spec;
    for (const c of pod.containers) {
      expect(c.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    }
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  });

  test('probes NATS health as upstream does, and enters lame duck mode before it stops', () => {
    expect(nats.startupProbe.httpGet.path).toBe('/healthz');
    expect(nats.readinessProbe.httpGet.path).toBe('/healthz?js-server-only=true');
    expect(nats.livenessProbe.httpGet.path).toBe('/healthz?js-enabled-only=true');
    expect(nats.lifecycle.preStop.exec.command).toEqual(['nats-server', '--signal', 'ldm=/var/run/nats/nats.pid']);
    expect(natsConf()).toContain('pid_file: "/var/run/nats/nats.pid"');
    expect(sts.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(30 + 10);
  });

  test('the prod example is a three-server cluster routed over the headless Service', () => {
    const prod = synthObjects(parseConfigFile('config/environments/prod.yaml'));
    expect(find(prod, 'StatefulSet', 'nats', ns).spec.replicas).toBe(3);
    const headless = find(prod, 'Service', 'nats-headless', ns);
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.publishNotReadyAddresses).toBe(true);
    for (const i of [0, 1, 2]) expect(natsConf(prod)).toContain(`"nats://nats-${i}.nats-headless.${ns}.svc.cluster.local:6222"`);
  });

  test('the exporter sidecar is pinned and scraped on its own port', () => {
    const exporter = container(objects, 'StatefulSet', 'nats', 'exporter');
    expect(exporter.image).toBe('natsio/prometheus-nats-exporter:0.18.0');
    expect(exporter.args).toEqual(expect.arrayContaining(['-port=7777', '-jsz=all', '-varz', '-healthz_js_enabled_only', '-prefix=nats', 'http://localhost:8222']));
    expect(sts.spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '7777' });
    // It listens only once the server answers: its start-up may take as long as the server's.
    expect(exporter.startupProbe).toMatchObject({ tcpSocket: { port: 'metrics' }, periodSeconds: 5, failureThreshold: 90 });
    expect(exporter.startupProbe.periodSeconds * exporter.startupProbe.failureThreshold).toBeGreaterThanOrEqual(nats.startupProbe.periodSeconds * nats.startupProbe.failureThreshold);
  });
});

describe('identities and permissions, from the declared events', () => {
  test('payment may publish payment.completed only', () => {
    expect(permissionsOf(natsConf(), 'payment')).toEqual({ publish: ['events.payment.completed'], subscribe: ['_INBOX_payment.>'] });
  });

  test('webtoon may use its durable consumer on PAYMENT and nothing else', () => {
    expect(permissionsOf(natsConf(), 'webtoon')).toEqual({
      publish: ['JS.STREAMS.API.CONSUMER.INFO.PAYMENT.webtoon-unlock', 'JS.STREAMS.API.CONSUMER.MSG.NEXT.PAYMENT.webtoon-unlock', '$JS.ACK.PAYMENT.webtoon-unlock.>'],
      subscribe: ['_INBOX_webtoon.>'],
    });
  });

  test('the admin identity manages JetStream only', () => {
    expect(permissionsOf(natsConf(), 'admin')).toEqual({ publish: ['$JS.API.>'], subscribe: ['_INBOX_admin.>'] });
  });

  test('each service is an account of its own; only the streams account has JetStream and exports, each to one account', () => {
    const conf = natsConf();
    expect(conf).not.toContain('authorization');
    expect([...conf.matchAll(/^  "?([A-Za-z0-9_-]+)"?: \{$/gm)].map((m) => m[1])).toEqual(['STREAMS', 'news', 'webtoon', 'payment']);
    expect(conf.match(/jetstream: "enabled"/g)).toHaveLength(1);
    const exportsBlock = conf.slice(conf.indexOf('exports: ['), conf.indexOf('\n    ]', conf.indexOf('exports: [')));
    // Never public: every export names the accounts that may import it.
    expect(exportsBlock.match(/(service|stream): "/g)!.length).toBe(exportsBlock.match(/accounts: \[/g)!.length);
    expect(exportsBlock).toContain('service: "$JS.API.CONSUMER.MSG.NEXT.PAYMENT.webtoon-unlock"');
    expect(exportsBlock).toMatch(/MSG\.NEXT\.PAYMENT\.webtoon-unlock"\n +accounts: \[\n +"webtoon"\n +\]\n +response_type: "stream"/);
    expect(conf).toMatch(/subject: "\$JS\.API\.CONSUMER\.INFO\.PAYMENT\.webtoon-unlock"\n +\}\n +to: "JS\.STREAMS\.API\.CONSUMER\.INFO\.PAYMENT\.webtoon-unlock"/);
  });

  test('an account named like a service with a dash is quoted in nats.conf', () => {
    const o = synthObjects(configFrom({ services: [{ name: 'pay-ments', events: { publishes: ['pay-ments.done'] } }], events: { streams: [{ name: 'PAY', subjects: ['pay-ments.>'] }] } }));
    expect(natsConf(o)).toContain('  "pay-ments": {');
  });

  test('passwords are environment references, never values; the Secret is not generated', () => {
    for (const m of natsConf().matchAll(/password: (.*)/g)) expect(m[1]).toMatch(/^\$NATS_PASSWORD_[A-Z_]+$/);
    expect(ofKind(objects, 'Secret')).toEqual([]);
  });

  test('each service pod gets its own password only, as NATS_URL / NATS_USER / NATS_PASSWORD, and its inbox and JetStream API prefixes', () => {
    for (const name of ['news', 'webtoon', 'payment']) {
      const env = container(objects, 'Deployment', name, 'app').env;
      const nats = env.filter((e: any) => e.name.startsWith('NATS_'));
      expect(nats).toEqual([
        { name: 'NATS_URL', value: `nats://nats.${ns}.svc.cluster.local:4222` },
        { name: 'NATS_USER', value: name },
        { name: 'NATS_PASSWORD', valueFrom: { secretKeyRef: { name: 'nats-credentials', key: name } } },
        { name: 'NATS_INBOX_PREFIX', value: `_INBOX_${name}` },
        { name: 'NATS_JS_API_PREFIX', value: 'JS.STREAMS.API' },
      ]);
    }
  });

  test('a service that declares no events gets no NATS variables and no route to the bus', () => {
    const o = synthObjects(configFrom({ services: [{ name: 'quiet' }, { name: 'payment', events: { publishes: ['payment.completed'] } }] }));
    expect(container(o, 'Deployment', 'quiet', 'app').env?.some((e: any) => e.name.startsWith('NATS_')) ?? false).toBe(false);
    expect(natsConf(o)).not.toContain('user: "quiet"');
    const policy = find(o, 'NetworkPolicy', 'quiet', ns);
    expect(JSON.stringify(policy.spec.egress)).not.toContain('4222');
  });

  test('when no service declares events the bus is not generated', () => {
    const o = synthObjects(configFrom({ services: [{ name: 'quiet' }] }));
    expect(o.filter((x) => JSON.stringify(x).includes('nats'))).toEqual([]);
  });

  test('with the bus disabled nothing of it is generated and services get no NATS variables', () => {
    const o = synthObjects(configFrom({ events: { enabled: false } }));
    expect(o.filter((x) => JSON.stringify(x).includes('nats'))).toEqual([]);
  });
});

describe('the stream Job', () => {
  test('applies the stream and consumer definitions with the pinned nats-box as the admin identity', () => {
    const job = streamsJob(objects);
    const c = job.spec.template.spec.containers[0];
    expect(c.image).toBe('natsio/nats-box:0.19.3');
    expect(c.env).toContainEqual({ name: 'NATS_USER', value: 'admin' });
    expect(c.env).toContainEqual({ name: 'NATS_PASSWORD', valueFrom: { secretKeyRef: { name: 'nats-credentials', key: 'admin' } } });
    const defs = find(objects, 'ConfigMap', job.metadata.name, ns);
    expect(defs.immutable).toBe(true);
    expect(Object.keys(defs.data)).toEqual(['consumer-PAYMENT-webtoon-unlock.json', 'stream-NEWS.json', 'stream-PAYMENT.json']);
    const payment = JSON.parse(defs.data['stream-PAYMENT.json']);
    expect(payment).toMatchObject({ name: 'PAYMENT', subjects: ['events.payment.>'], storage: 'file', max_age: 7 * 24 * 3600 * 1e9, max_bytes: 64 * MiB, num_replicas: 1 });
    expect(c.command[2]).toMatch(/nats stream edit "\$name" --config "\$f" --force/);
    expect(c.env).toContainEqual({ name: 'NATS_INBOX_PREFIX', value: '_INBOX_admin' });
    // Waits for JetStream itself (not `nats account info`, which also asks the system account).
    expect(c.command[2]).toMatch(/until nats stream ls --names/);
    expect(c.command[2]).not.toContain('account info');
    expect(c.command[2]).toContain('nats() { command nats --inbox-prefix "$NATS_INBOX_PREFIX" "$@"; }');
    expect(c.command[2]).toMatch(/nats consumer rm "\$name" "\$durable" --force/);
  });

  test('is named by its definitions: unchanged by unrelated configuration, renamed by a stream change', () => {
    const same = streamsJob(synthObjects(configFrom({ gateway: { replicas: 3 } }))).metadata.name;
    const changed = streamsJob(synthObjects(configFrom({ events: { streams: [{ name: 'PAYMENT', subjects: ['payment.>'], maxAge: '1d' }, { name: 'NEWS', subjects: ['news.>'] }] } }))).metadata.name;
    expect(same).toBe(streamsJob(objects).metadata.name);
    expect(changed).not.toBe(same);
  });

  test('the smoke Job is off by default; on, it publishes as payment and reads the durable as webtoon', () => {
    expect(ofKind(objects, 'Job').map((j) => j.metadata.name).filter((n) => n.includes('smoke'))).toEqual([]);
    const o = synthObjects(configFrom({ events: { smoke: { enabled: true } } }));
    const smoke = ofKind(o, 'Job').find((j) => j.metadata.name.startsWith('nats-smoke-'))!;
    const env = smoke.spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'PUB_PASSWORD', valueFrom: { secretKeyRef: { name: 'nats-credentials', key: 'payment' } } });
    expect(env).toContainEqual({ name: 'PUB_INBOX_PREFIX', value: '_INBOX_payment' });
    expect(smoke.spec.template.spec.containers[0].command[2]).toContain('--inbox-prefix "$PUB_INBOX_PREFIX" pub');
    expect(env).toEqual(expect.arrayContaining([{ name: 'STREAM', value: 'PAYMENT' }, { name: 'DURABLE', value: 'webtoon-unlock' }, { name: 'SUB_JS_API_PREFIX', value: 'JS.STREAMS.API' }]));
    expect(smoke.spec.template.spec.containers[0].command[2]).toContain('--js-api-prefix "$SUB_JS_API_PREFIX" consumer info "$STREAM" "$DURABLE"');
    expect(env).toContainEqual({ name: 'SUB_PASSWORD', valueFrom: { secretKeyRef: { name: 'nats-credentials', key: 'webtoon' } } });
    expect(env).toContainEqual({ name: 'SUBJECT', value: 'events.payment.completed' });
  });
});

describe('network policies of the bus', () => {
  test('the validator finds every needed flow allowed and nothing more, by default and with the smoke Job and a cluster', () => {
    expect(checkFlows(manifestsOf({}))).toEqual([]);
    const cluster = { events: { replicas: 3 as const, smoke: { enabled: true } } };
    expect(checkFlows(manifestsOf(cluster))).toEqual([]);
  });

  test('the client port admits exactly the services that use events and the Jobs', () => {
    const policy = find(objects, 'NetworkPolicy', 'nats', ns);
    const client = policy.spec.ingress.find((r: any) => r.ports[0].port === 4222);
    expect(client.from.map((p: any) => p.podSelector.matchLabels['app.kubernetes.io/instance']).sort()).toEqual(['nats-streams', 'news', 'payment', 'webtoon']);
    expect(policy.spec.ingress.map((r: any) => r.ports[0].port).sort()).toEqual([4222, 7777]);
  });

  test('a service whose egress to the bus is missing is a validator finding (the flow comes from NATS_URL)', () => {
    const manifests = manifestsOf({});
    const webtoon = manifests.find((m) => m.object.kind === 'NetworkPolicy' && m.object.metadata.name === 'webtoon')!;
    (webtoon.object.spec as any).egress = (webtoon.object.spec as any).egress.filter((r: any) => r.ports[0].port !== 4222);
    const findings = checkFlows(manifests);
    expect(findings.map((f) => f.message).join('\n')).toMatch(/webtoon.*→ .*nats.* port 4222\/TCP/);
  });
});

describe('configuration errors name the field', () => {
  const errorFor = (input: unknown): string => {
    try {
      parseConfig(input, 'bad.yaml');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error(`accepted: ${JSON.stringify(input)}`);
  };
  const services = (payment: object, webtoon: object = { consumes: [{ subject: 'payment.completed', durable: 'w' }] }) => ({
    services: [
      { name: 'payment', events: payment },
      { name: 'webtoon', events: webtoon },
    ],
  });

  test.each([
    ['publishing outside the own prefix', services({ publishes: ['news.published'] }), 'services[0].events.publishes[0]', /payment may publish only "payment\.<event>"/],
    ['consuming what nobody publishes', services({ publishes: ['payment.completed'] }, { consumes: [{ subject: 'payment.refunded', durable: 'w' }] }), 'services[1].events.consumes[0].subject', /no service publishes "payment\.refunded"; published subjects: "payment\.completed"/],
    ['a wildcard subject', services({ publishes: ['payment.*'] }), 'services[0].events.publishes[0]', /no wildcards/],
    ['a subject no stream stores', { ...services({ publishes: ['payment.completed'] }), events: { streams: [{ name: 'NEWS', subjects: ['news.>'] }] } }, 'services[0].events.publishes[0]', /no stream stores "payment\.completed"/],
    ['stream replicas above the cluster', { events: { streams: [{ name: 'PAYMENT', subjects: ['payment.>'], replicas: 3 }, { name: 'NEWS', subjects: ['news.>'] }] } }, 'events.streams[0].replicas', /at most events\.replicas \(1\)/],
    ['overlapping streams', { events: { streams: [{ name: 'PAYMENT', subjects: ['payment.>'] }, { name: 'ALL', subjects: ['*.completed'] }, { name: 'NEWS', subjects: ['news.>'] }] } }, 'events.streams[1].subjects', /overlaps "payment\.>"/],
    ['streams larger than the store', { events: { streams: [{ name: 'PAYMENT', subjects: ['payment.>'], maxBytes: '2Gi' }, { name: 'NEWS', subjects: ['news.>'] }] } }, 'events.streams', /more than the .* bytes JetStream gets/],
    ['two services on one durable', { services: [{ name: 'payment', events: { publishes: ['payment.completed'] } }, { name: 'a', events: { consumes: [{ subject: 'payment.completed', durable: 'd' }] } }, { name: 'b', events: { consumes: [{ subject: 'payment.completed', durable: 'd' }] } }] }, 'services[2].events.consumes[0].durable', /already used in stream PAYMENT/],
    ['an even cluster size', { events: { replicas: 2 } }, 'events.replicas', /1, 3 or 5/],
    // JetStream's own rules (nats-server server/stream.go checkStreamCfg, 2.10.27 and 2.12.6).
    ['a max age past int64 nanoseconds', { events: { streams: [{ name: 'PAYMENT', subjects: ['payment.>'], maxAge: '106752d' }, { name: 'NEWS', subjects: ['news.>'] }] } }, 'events.streams[0].maxAge', /at most 9223372036s = 153722867m = 2562047h = 106751d \(JetStream keeps durations as int64 nanoseconds\)/],
    ['a max age past int64 nanoseconds, in seconds', { events: { streams: [{ name: 'PAYMENT', subjects: ['payment.>'], maxAge: '9223372037s' }, { name: 'NEWS', subjects: ['news.>'] }] } }, 'events.streams[0].maxAge', /at most 9223372036s/],
    ['a stream smaller than one message', { events: { streams: [{ name: 'PAYMENT', subjects: ['payment.>'], maxBytes: '1Mi' }, { name: 'NEWS', subjects: ['news.>'] }] } }, 'events.streams[0].maxBytes', /at least 1052706 bytes .*one message of the largest size NATS accepts/],
    ['one byte short of one message', { events: { streams: [{ name: 'PAYMENT', subjects: ['payment.>'], maxBytes: '1052705' }, { name: 'NEWS', subjects: ['news.>'] }] } }, 'events.streams[0].maxBytes', /at least 1052706 bytes/],
    ['a stream whose subjects overlap', { events: { streams: [{ name: 'PAYMENT', subjects: ['payment.>', 'payment.completed'] }, { name: 'NEWS', subjects: ['news.>'] }] } }, 'events.streams[0].subjects[1]', /"payment\.completed" overlaps "payment\.>" \(subjects\[0\]\); JetStream refuses/],
    ['a stream subject listed twice', { events: { streams: [{ name: 'PAYMENT', subjects: ['payment.>', 'payment.>'] }, { name: 'NEWS', subjects: ['news.>'] }] } }, 'events.streams[0].subjects[1]', /repeats "payment\.>"/],
    ['a store too large to count in bytes exactly', { events: { storage: { size: '9Pi' } } }, 'events.storage.size', /less than 8Pi/],
  ])('%s', (_label, input, field, allowed) => {
    const message = errorFor(input);
    expect(message).toContain('bad.yaml');
    expect(message).toContain(`${field}:`);
    expect(message).toMatch(allowed);
  });
});

describe('footprint', () => {
  const footprint = computeFootprint(objects as FootprintManifest[]);

  test('the bus requests at most 0.1 CPU and 256 MiB (server and exporter)', () => {
    const bus = footprint.workloads.find((w) => w.kind === 'StatefulSet' && w.name === 'nats')!;
    expect(bus.containers.map((c) => c.name).sort()).toEqual(['exporter', 'nats']);
    const { cpu, memory } = bus.podRequests;
    expect(cpu).toBeGreaterThan(0);
    expect(cpu).toBeLessThanOrEqual(0.1);
    expect(memory).toBeLessThanOrEqual(256 * MiB);
  });

  test('the whole default environment stays within 1 CPU and 2.5 GiB requested', () => {
    const t = footprint.total;
    expect(t.requestsMax.cpu + t.requestsPerNode.cpu).toBeLessThanOrEqual(1);
    expect(t.requestsMax.memory + t.requestsPerNode.memory).toBeLessThanOrEqual(2.5 * GiB);
  });
});
