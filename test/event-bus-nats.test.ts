import { randomBytes } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { AckPolicy, ConnectionOptions, Events, NatsConnection } from 'nats';
import { tmpdir } from 'os';
import * as path from 'path';
import { parseConfigFile } from '../model/load';
import { configFrom } from './support/manifests';
import { applyDefinitions as applyJobDefinitions, connectAs, documentedSecret, jetStreamOf, serverEnvFor, synthesizedBus, userOf } from './support/nats-bus';
import { checkNatsConfig, localNatsConfig, RunningNats, startNatsServer, writeFile } from './support/nats-server';
import { freePorts } from './support/processes';
import { itWithTool } from './support/tools';

/**
 * The generated nats.conf, exactly as dist/ ships it in the ConfigMap, checked by the real
 * nats-server 2.10.27 (`-t`) and run on loopback: the permissions derived from each service's
 * declared events hold against the `nats` client, durable consumers and the JetStream file store
 * behave, and a wrong password is refused. Passwords are generated per run and passed as the
 * environment variables the StatefulSet fills from the Secret.
 */
const itNats = itWithTool('nats-server', 'scripts/install-tools.sh');
jest.setTimeout(60_000);

const config = configFrom();
const bus = synthesizedBus(config);
const { natsConf, definitions } = bus;
/**
 * What `kubectl create secret` would hold, in the documented form: a letter, then random hex. The
 * letter matters: nats-server parses a variable's value as a configuration value, so "3e8f…" or
 * "10k…" would read as a number (see the test below).
 */
const secret: Record<string, string> = documentedSecret(bus);
const serverEnv = serverEnvFor(bus, secret);

describe('nats-server -t on the generated configuration', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'nats-conf-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const check = (conf: string, env: Record<string, string>) => {
    const file = writeFile(dir, `nats-${randomBytes(4).toString('hex')}.conf`, conf);
    return checkNatsConfig(file, env);
  };

  itNats('accepts the default (single server) configuration', () => {
    const r = check(natsConf, serverEnv);
    expect(r.output).toContain('is valid');
    expect(r.status).toBe(0);
  });

  itNats('accepts the three-server cluster configuration of the prod example', () => {
    const prod = parseConfigFile('config/environments/prod.yaml');
    const conf = synthesizedBus(prod).natsConf;
    expect(conf).toContain('routes');
    const r = check(conf, serverEnv);
    if (r.status !== 0) throw new Error(r.output);
  });

  itNats('refuses a password that reads as a number, which is why the documented ones start with a letter', () => {
    for (const password of ['3e8fab01', '12345', '10kb']) {
      const r = check(natsConf, { ...serverEnv, NATS_PASSWORD_PAYMENT: password });
      expect({ password, refused: r.status !== 0 }).toEqual({ password, refused: true });
    }
    expect(check(natsConf, { ...serverEnv, NATS_PASSWORD_PAYMENT: 'n3e8fab01' }).status).toBe(0);
  });

  itNats('refuses it when a password variable is missing, so the check can fail', () => {
    const { NATS_PASSWORD_PAYMENT: _, ...without } = serverEnv as Record<string, string>;
    const r = check(natsConf, without);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/NATS_PASSWORD_PAYMENT/);
  });
});

describe('a live nats-server with the generated configuration', () => {
  let dir: string;
  let server: RunningNats | undefined;
  let confFile: string;
  let ports: { client: number; monitor: number };
  const open: NatsConnection[] = [];

  const as = async (user: string, password = secret[user], extra: Partial<ConnectionOptions> = {}): Promise<NatsConnection> => {
    const nc = await connectAs(server!.url, userOf(bus, user), password, extra);
    open.push(nc);
    return nc;
  };

  /** Publish or subscribe and wait (bounded) for the server's permissions violation on that subject. */
  const refused = async (nc: NatsConnection, op: 'publish' | 'subscription', subject: string): Promise<boolean> => {
    const status = nc.status();
    const seen = (async () => {
      for await (const s of status) {
        const ctx = (s as { permissionContext?: { operation: string; subject: string } }).permissionContext;
        if (s.type === Events.Error && s.data === 'PERMISSIONS_VIOLATION' && ctx?.operation === op && ctx.subject === subject) return true;
      }
      return false;
    })();
    if (op === 'publish') nc.publish(subject, 'x');
    else nc.subscribe(subject, { callback: () => undefined });
    await nc.flush();
    const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), 2000));
    const result = await Promise.race([seen, timeout]);
    return result;
  };

  const start = async () => {
    server = await startNatsServer(confFile, serverEnv, ports);
  };

  beforeAll(async () => {
    if (!itNatsEnabled()) return;
    dir = mkdtempSync(path.join(tmpdir(), 'nats-live-'));
    const [client, monitor] = await freePorts(2);
    ports = { client, monitor };
    confFile = writeFile(dir, 'nats.conf', localNatsConfig(natsConf, ports, dir));
    await start();
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((nc) => nc.close().catch(() => undefined)));
  });

  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const subject = (s: string) => `${config.events.subjectPrefix}.${s}`;
  const applyDefinitions = (jsm: Parameters<typeof applyJobDefinitions>[0]) => applyJobDefinitions(jsm, definitions);

  itNats('the admin identity applies the declared streams and consumers, and applying them again changes nothing', async () => {
    const jsm = await (await as('admin')).jetstreamManager();
    await applyDefinitions(jsm);
    const before = await jsm.streams.info('PAYMENT');
    await applyDefinitions(jsm);
    const after = await jsm.streams.info('PAYMENT');
    expect(after.config).toEqual(before.config);
    expect(after.created).toEqual(before.created);
    expect(before.config.subjects).toEqual([subject('payment.>')]);
    expect((await jsm.consumers.info('PAYMENT', 'webtoon-unlock')).config.filter_subject).toBe(subject('payment.completed'));
  });

  itNats('the admin identity publishes no events', async () => {
    expect(await refused(await as('admin'), 'publish', subject('payment.completed'))).toBe(true);
  });

  itNats('payment publishes its declared event into the stream, and nothing else', async () => {
    const nc = await as('payment');
    const ack = await jetStreamOf(nc, userOf(bus, 'payment')).publish(subject('payment.completed'), JSON.stringify({ order: 1 }));
    expect(ack.stream).toBe('PAYMENT');
    expect(await refused(nc, 'publish', subject('payment.refunded'))).toBe(true);
    expect(await refused(nc, 'publish', subject('news.published'))).toBe(true);
    expect(await refused(nc, 'publish', '$JS.API.STREAM.DELETE.PAYMENT')).toBe(true);
  });

  itNats('news publishes news.published, and may not read payments', async () => {
    const nc = await as('news');
    expect((await jetStreamOf(nc, userOf(bus, 'payment')).publish(subject('news.published'), 'headline')).stream).toBe('NEWS');
    expect(await refused(nc, 'subscription', subject('payment.completed'))).toBe(true);
    expect(await refused(nc, 'publish', '$JS.API.CONSUMER.MSG.NEXT.PAYMENT.webtoon-unlock')).toBe(true);
  });

  itNats('webtoon consumes what it declared and may publish no event', async () => {
    const nc = await as('webtoon');
    expect(await refused(nc, 'publish', subject('payment.completed'))).toBe(true);
    expect(await refused(nc, 'subscription', subject('news.published'))).toBe(true);
    expect(await refused(nc, 'publish', '$JS.API.CONSUMER.CREATE.NEWS')).toBe(true);
  });

  itNats('a client that keeps the default inbox prefix or JetStream API prefix gets no acknowledgement and no consumer', async () => {
    const nc = await as('payment', secret.payment, { inboxPrefix: '_INBOX' });
    await expect(nc.jetstream({ timeout: 1500 }).publish(subject('payment.completed'), 'x')).rejects.toThrow(/Permissions Violation for Subscription to "_INBOX\./);
    const webtoon = await as('webtoon');
    await expect(webtoon.jetstream().consumers.get('PAYMENT', 'webtoon-unlock')).rejects.toThrow(/Permissions Violation for Publish to "\$JS\.API\.CONSUMER\.INFO/);
  });

  itNats('the stream Job removes a durable that is no longer declared, and keeps the declared ones', async () => {
    const jsm = await (await as('admin')).jetstreamManager();
    await jsm.consumers.add('PAYMENT', { durable_name: 'webtoon-old-name', ack_policy: AckPolicy.Explicit, filter_subject: subject('payment.completed') });
    expect((await applyDefinitions(jsm)).removed).toEqual(['PAYMENT/webtoon-old-name']);
    const names = (await jsm.consumers.list('PAYMENT').next()).map((c) => c.name);
    expect(names).toEqual(['webtoon-unlock']);
  });

  const drain = async (nc: NatsConnection): Promise<string[]> => {
    const consumer = await jetStreamOf(nc, userOf(bus, 'webtoon')).consumers.get('PAYMENT', 'webtoon-unlock');
    const got: string[] = [];
    for (;;) {
      const m = await consumer.next({ expires: 1500 });
      if (!m) return got;
      got.push(m.string());
      m.ack();
      await nc.flush();
    }
  };

  itNats('the durable consumer receives the events published while webtoon was disconnected', async () => {
    await drain(await as('webtoon')); // start from an empty backlog
    const pay = await as('payment');
    for (const order of [11, 12, 13]) await jetStreamOf(pay, userOf(bus, 'payment')).publish(subject('payment.completed'), JSON.stringify({ order }));
    const got = await drain(await as('webtoon'));
    expect(got.map((g) => JSON.parse(g).order)).toEqual([11, 12, 13]);
  });

  itNats('events survive a server restart (JetStream file store)', async () => {
    const pay = await as('payment');
    await jetStreamOf(pay, userOf(bus, 'payment')).publish(subject('payment.completed'), JSON.stringify({ order: 21 }));
    await Promise.all(open.splice(0).map((nc) => nc.close()));
    await server!.stop();
    await start();
    const got = await drain(await as('webtoon'));
    expect(got.map((g) => JSON.parse(g).order)).toEqual([21]);
  });

  itNats('a wrong password is refused', async () => {
    await expect(as('payment', 'not-the-password')).rejects.toThrow(/Authorization Violation/i);
    // A user the model does not have (so no helper would connect as it): the server must refuse it too.
    await expect(connectAs(server!.url, { user: 'nobody', inboxPrefix: '_INBOX_nobody' }, secret.payment)).rejects.toThrow(/Authorization Violation/i);
  });

  itNats('the monitoring endpoints carry the fields the exporter turns into alert metrics', async () => {
    const varz = (await (await fetch(`${server!.monitorUrl}/varz`)).json()) as Record<string, unknown>;
    for (const key of ['slow_consumers', 'connections', 'in_msgs', 'out_msgs']) expect(typeof varz[key]).toBe('number');
    const jsz = (await (await fetch(`${server!.monitorUrl}/jsz?consumers=true`)).json()) as { bytes: unknown; config: { max_storage: number } };
    expect(typeof jsz.bytes).toBe('number');
    expect(jsz.config.max_storage).toBeGreaterThan(0);
    const health = await fetch(`${server!.monitorUrl}/healthz?js-enabled-only=true`);
    expect(((await health.json()) as { status: string }).status).toBe('ok');
  });
});

function itNatsEnabled(): boolean {
  return itNats === (it as unknown);
}
