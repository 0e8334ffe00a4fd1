import { mkdtempSync, rmSync } from 'fs';
import { ConnectionOptions, JetStreamManager, NatsConnection } from 'nats';
import { tmpdir } from 'os';
import * as path from 'path';
import { parseConfigFile } from '../model/load';
import type { Config } from '../config/schema';
import { subjectMatches } from '../config/schema/events';
import { NatsServerConfig, natsServerConfig, renderNatsConfig } from '../constructs/nats-config';
import { durableApi } from '../model/nats';
import { eventServices, natsSubject, streamOf } from '../model/events';
import { configFrom } from './support/manifests';
import { applyDefinitions, connectAs, documentedSecret, jetStreamOf, manyServices, serverEnvFor, startBus, synthesizedBus, SynthesizedBus, userOf } from './support/nats-bus';
import { itWithTool } from './support/tools';

/**
 * Isolation between the services on a real nats-server (2.10.27, loopback), with the nats.conf
 * that dist/ ships, for the default, the prod (a three-server cluster) and a generated
 * 24-service configuration. For each service, a spy connection subscribes to `>`, `_INBOX.>`,
 * `_R_.>`, `$JS.>` and every other service's inbox prefix, and sends pull and info requests for the
 * others' durables; meanwhile every declared event is published (each must be acknowledged by its
 * stream) and every durable pulled and acknowledged. Then every service sends its declared
 * publishes and its own pull, info and ack requests with reply subjects inside the other streams.
 * Found: anything the spy received that is not its own service's declared traffic, a stream whose
 * message count changed other than by its owner's publishes, a missing acknowledgement or delivery.
 *
 * "Without permissions" runs the same with every service user's permissions removed: the
 * account boundaries alone must hold (the permissions are a second layer).
 */
const itNats = itWithTool('nats-server', 'scripts/install-tools.sh');
jest.setTimeout(240_000);

type Service = Config['services'][number];

/** A subject stored by `stream` (wildcards made concrete). */
function subjectIn(config: Config, stream: string): string {
  const s = config.events.streams.find((x) => x.name === stream)!;
  return natsSubject(config, s.subjects[0].replace(/\*/g, 'probe').replace(/>$/, 'probe'));
}

interface Seen {
  readonly subject: string;
  readonly data: string;
}

/**
 * What service `s` may see in its own account: its declared subjects, its own inbox, its durables'
 * API, and the reply subjects it chose itself in the attacks (answers it asked for, inside its account).
 */
function ownTraffic(bus: SynthesizedBus, s: Service, subject: string): boolean {
  const { config } = bus;
  const own = [...s.events.publishes, ...s.events.consumes.map((c) => c.subject)].map((x) => natsSubject(config, x));
  own.push(...config.events.streams.map((t) => subjectIn(config, t.name)));
  const api = s.events.consumes.flatMap((c) => durableApi(streamOf(config, c.subject), c.durable).map((a) => a.local));
  return own.includes(subject) || subject.startsWith(`${userOf(bus, s.name).inboxPrefix}.`) || api.some((a) => subjectMatches(a, subject));
}

/** A leak: traffic not of `s`, or content about events or durables `s` did not declare. */
function leak(bus: SynthesizedBus, s: Service, m: Seen): string | undefined {
  let body: any;
  try {
    body = JSON.parse(m.data);
  } catch {
    body = undefined;
  }
  // JetStream audits a `$JS.API` request in the account that sent it (here: the spy's own probes).
  const ownAudit = m.subject === '$JS.EVENT.ADVISORY.API' && body?.client?.acc === userOf(bus, s.name).account;
  if (!ownAudit && !ownTraffic(bus, s, m.subject)) return `${s.name} saw a message on ${m.subject}`;
  const events = [...s.events.publishes, ...s.events.consumes.map((c) => c.subject)];
  if (typeof body?.event === 'string' && !events.includes(body.event)) return `${s.name} received event ${body.event} of ${body.from} on ${m.subject}`;
  const durable = body?.config?.durable_name ?? body?.name;
  const owned = s.events.consumes.map((c) => c.durable);
  if (typeof durable === 'string' && body?.stream_name && !owned.includes(durable)) return `${s.name} received the info of durable ${durable} on ${m.subject}`;
  return undefined;
}

/** Flush, bounded: nats.js may leave a flush pending after the server refused a subscription. */
async function settle(nc: NatsConnection): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([nc.flush(), new Promise((r) => (timer = setTimeout(r, 2000)))]);
  clearTimeout(timer);
}

async function streamCounts(jsm: JetStreamManager, config: Config): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const s of config.events.streams) out[s.name] = (await jsm.streams.info(s.name)).state.messages;
  return out;
}

/** The nats.conf of `config` with every service user's permissions removed (accounts unchanged). */
function withoutPermissions(bus: SynthesizedBus, shipped: string): string {
  const model = natsServerConfig(bus.model);
  // The shipped text is exactly the rendered model: the change below is the only difference.
  expect(renderNatsConfig(model)).toBe(shipped);
  const accounts = Object.fromEntries(
    Object.entries(model.accounts).map(([name, a]) => [name, a.jetstream ? a : { ...a, users: a.users.map(({ permissions: _, ...u }) => u) }]),
  );
  return renderNatsConfig({ ...model, accounts } as unknown as NatsServerConfig);
}

interface Outcome {
  readonly findings: string[];
  readonly refusedSpySubscriptions: number;
  readonly acks: number;
  readonly deliveries: number;
}

async function isolationRun(bus: SynthesizedBus, natsConf: string): Promise<Outcome> {
  const { config } = bus;
  const secret = documentedSecret(bus);
  const dir = mkdtempSync(path.join(tmpdir(), 'nats-isolation-'));
  const running = await startBus(natsConf, (i) => serverEnvFor(bus, secret, i), dir);
  const open: NatsConnection[] = [];
  const as = async (user: string, extra: Partial<ConnectionOptions> = {}) => {
    const nc = await connectAs(running.urls[0], userOf(bus, user), secret[user], extra);
    open.push(nc);
    return nc;
  };
  try {
    const jsm = await (await as('admin')).jetstreamManager({ checkAPI: false });
    await applyDefinitions(jsm, bus.definitions);
    const services = eventServices(config);
    const findings: string[] = [];
    const seen = new Map<string, Seen[]>();
    const refused: string[] = [];

    // Spies: every service listens wherever the others' traffic could pass, and asks for their durables.
    for (const s of services) {
      // No echo: the spy's own probes are not what it is looking for.
      const spy = await as(s.name, { noEcho: true });
      const got: Seen[] = [];
      seen.set(s.name, got);
      const others = services.filter((o) => o !== s);
      const targets = ['>', '_INBOX.>', '_R_.>', '$JS.>', `${userOf(bus, s.name).inboxPrefix}.>`, ...others.map((o) => `${userOf(bus, o.name).inboxPrefix}.>`)];
      for (const subject of targets) {
        spy.subscribe(subject, {
          callback: (e, m) => {
            if (e && /Permissions Violation for Subscription/.test(e.message)) refused.push(subject);
            else if (m) got.push({ subject: m.subject, data: m.string() });
          },
        });
      }
      await settle(spy);
      for (const o of others) {
        for (const c of o.events.consumes) {
          for (const a of durableApi(streamOf(config, c.subject), c.durable)) {
            for (const subject of [a.local, a.subject]) spy.publish(subject.replace(/>$/, '1.1.1.1.1'), JSON.stringify({ batch: 5, expires: 500_000_000 }), { reply: `${userOf(bus, s.name).inboxPrefix}.steal` });
          }
        }
      }
      await settle(spy);
    }

    // Declared traffic: every publish is acknowledged by its stream, every durable delivers.
    let acks = 0;
    let deliveries = 0;
    const conns = new Map<string, NatsConnection>();
    for (const s of services) conns.set(s.name, await as(s.name));
    for (const p of services) {
      for (const event of p.events.publishes) {
        const ack = await jetStreamOf(conns.get(p.name)!, userOf(bus, p.name)).publish(natsSubject(config, event), JSON.stringify({ event, from: p.name }));
        if (ack.stream === streamOf(config, event)) acks++;
        else findings.push(`${p.name}: ${event} acknowledged by ${ack.stream}`);
      }
    }
    for (const c of services) {
      for (const { subject, durable } of c.events.consumes) {
        const consumer = await jetStreamOf(conns.get(c.name)!, userOf(bus, c.name)).consumers.get(streamOf(config, subject), durable);
        const m = await consumer.next({ expires: 5000 });
        if (m && JSON.parse(m.string()).event === subject && (await m.ackAck())) deliveries++;
        else findings.push(`${c.name}: durable ${durable} delivered ${m ? m.string() : 'nothing'}`);
      }
    }

    // Replies into the other streams: publishes first (they give the pulls something to answer).
    const before = await streamCounts(jsm, config);
    const expected = { ...before };
    for (const s of services) {
      const nc = conns.get(s.name)!;
      const ownStreams = new Set(s.events.publishes.map((e) => streamOf(config, e)));
      for (const target of config.events.streams.filter((t) => !ownStreams.has(t.name))) {
        const reply = subjectIn(config, target.name);
        for (const event of s.events.publishes) {
          nc.publish(natsSubject(config, event), JSON.stringify({ event, from: s.name }), { reply });
          expected[streamOf(config, event)]++;
        }
      }
    }
    await Promise.all([...conns.values()].map((nc) => nc.flush()));
    for (const s of services) {
      const nc = conns.get(s.name)!;
      const ownStreams = new Set(s.events.publishes.map((e) => streamOf(config, e)));
      for (const target of config.events.streams.filter((t) => !ownStreams.has(t.name))) {
        const reply = subjectIn(config, target.name);
        for (const c of s.events.consumes) {
          const [info, next, ack] = durableApi(streamOf(config, c.subject), c.durable);
          nc.publish(next.local, JSON.stringify({ batch: 2, no_wait: true }), { reply });
          nc.publish(info.local, '', { reply });
          nc.publish(ack.local.replace(/>$/, '1.1.1.1.1'), '+NXT', { reply });
        }
      }
    }
    await Promise.all([...conns.values()].map((nc) => nc.flush()));
    await new Promise((r) => setTimeout(r, 1000));
    const after = await streamCounts(jsm, config);
    for (const name of Object.keys(before)) {
      if (after[name] !== expected[name]) findings.push(`stream ${name}: ${after[name]} messages, expected ${expected[name]} (before ${before[name]})`);
    }

    for (const s of services) for (const m of seen.get(s.name)!) {
      const l = leak(bus, s, m);
      if (l) findings.push(l + (process.env.DEBUG_LEAK ? ` ${m.data}` : ""));
    }
    return { findings: [...new Set(findings)], refusedSpySubscriptions: refused.length, acks, deliveries };
  } finally {
    await Promise.all(open.map((nc) => nc.close().catch(() => undefined)));
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const declared = (config: Config) => ({
  publishes: eventServices(config).reduce((n, s) => n + s.events.publishes.length, 0),
  durables: eventServices(config).reduce((n, s) => n + s.events.consumes.length, 0),
});

describe.each<[string, () => Config]>([
  ['the default configuration', () => configFrom()],
  ['the prod example (a three-server cluster)', () => parseConfigFile('config/environments/prod.yaml')],
  ['a generated 24-service configuration', () => configFrom(manyServices())],
])('isolation on %s', (_label, load) => {
  const config = load();
  const bus = synthesizedBus(config);
  const { publishes, durables } = declared(config);

  itNats('no service sees or writes another’s traffic; every declared publish is acknowledged and every durable delivers', async () => {
    const r = await isolationRun(bus, bus.natsConf);
    expect(r.findings).toEqual([]);
    expect({ acks: r.acks, deliveries: r.deliveries }).toEqual({ acks: publishes, deliveries: durables });
    // `>`, `_INBOX.>`, `_R_.>`, `$JS.>` and the others' prefixes are refused by the permissions.
    expect(r.refusedSpySubscriptions).toBe(eventServices(config).length * (4 + eventServices(config).length - 1));
  });

  if (config.events.replicas === 1) {
    itNats('the account boundaries alone hold: the same with every service user’s permissions removed', async () => {
      const r = await isolationRun(bus, withoutPermissions(bus, bus.natsConf));
      expect(r.findings).toEqual([]);
      expect(r.refusedSpySubscriptions).toBe(0);
      expect({ acks: r.acks, deliveries: r.deliveries }).toEqual({ acks: publishes, deliveries: durables });
    });
  }
});
