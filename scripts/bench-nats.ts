// `npm run bench:nats`: what the per-service accounts cost on loopback (real nats-server).
// Reported, never asserted (timings depend on the machine and its load). Sequential rounds of:
// payment publishes through JetStream and waits for the PubAck (publish), webtoon pulls the
// event from its durable (pull), then acknowledges it and waits for the confirmation (ack).
// "accounts" is the generated nats.conf; "one account" is the layout before it: every user in
// the streams account, kept apart by permissions only (no import hop).
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { cpus, loadavg, tmpdir } from 'os';
import * as path from 'path';
import { parseConfig } from '../model/load';
import { ADMIN_USER } from '../config/schema/events';
import { natsServerConfig, renderNatsConfig } from '../constructs/nats-config';
import { JS_API, NatsUser, natsUser, STREAMS_ACCOUNT } from '../model/nats';
import { applyDefinitions, connectAs, documentedSecret, jetStreamOf, serverEnvFor, startBus, synthesizedBus } from '../test/support/nats-bus';

const ROUNDS = Number(process.env.BENCH_NATS_ROUNDS ?? 2000);
const RESULTS = path.join(__dirname, '..', 'bench', 'nats-results.json');

const config = parseConfig({}, '(default)');
const bus = synthesizedBus(config);

/** The layout before accounts: the model's users, all in the streams account, the services' rights on the plain `$JS.API`. */
function oneAccount(): { conf: string; users: readonly NatsUser[] } {
  const events = bus.model.events;
  const users = events.users.map((u): NatsUser =>
    u.account === STREAMS_ACCOUNT ? u : { ...u, account: STREAMS_ACCOUNT, jsApiPrefix: JS_API, permissions: { ...u.permissions, publish: { allow: u.permissions.publish.allow.map((x) => x.replace(u.jsApiPrefix, JS_API)) } } },
  );
  const accounts = [{ name: STREAMS_ACCOUNT, jetstream: true, users: users.map((u) => u.user), exports: [], imports: [] }];
  return { conf: renderNatsConfig(natsServerConfig({ ...bus.model, events: { ...events, users, accounts } })), users };
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;

async function measure(conf: string, users: readonly NatsUser[]): Promise<Record<string, { median: number; p99: number }>> {
  const secret = documentedSecret(bus);
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-nats-'));
  const running = await startBus(conf, (i) => serverEnvFor(bus, secret, i), dir);
  try {
    const as = (name: string) => connectAs(running.urls[0], natsUser({ users }, name), secret[name]);
    const admin = await as(ADMIN_USER);
    await applyDefinitions(await admin.jetstreamManager(), bus.definitions);
    const payment = await as('payment');
    const webtoon = await as('webtoon');
    const js = jetStreamOf(payment, natsUser({ users }, 'payment'));
    const consumer = await jetStreamOf(webtoon, natsUser({ users }, 'webtoon')).consumers.get('PAYMENT', 'webtoon-unlock');
    const t = { publish: [] as number[], pull: [] as number[], ack: [] as number[] };
    for (let i = 0; i < ROUNDS + 100; i++) {
      const a = process.hrtime.bigint();
      await js.publish('events.payment.completed', JSON.stringify({ order: i }));
      const publish = ms(a);
      const b = process.hrtime.bigint();
      const m = await consumer.next({ expires: 5000 });
      if (!m) throw new Error('no message pulled');
      const pull = ms(b);
      const c = process.hrtime.bigint();
      if (!(await m.ackAck())) throw new Error('ack not confirmed');
      if (i >= 100) (t.publish.push(publish), t.pull.push(pull), t.ack.push(ms(c))); // the first 100 warm up
    }
    for (const nc of [admin, payment, webtoon]) await nc.close();
    return Object.fromEntries(Object.entries(t).map(([k, xs]) => [k, { median: +quantile(xs, 0.5).toFixed(3), p99: +quantile(xs, 0.99).toFixed(3) }]));
  } finally {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const before = oneAccount();
  const oneAccountResult = await measure(before.conf, before.users);
  const accountsResult = await measure(bus.natsConf, bus.model.events.users);
  const result = { rounds: ROUNDS, unit: 'ms', machine: { cpus: cpus().length, loadavg: loadavg().map((l) => +l.toFixed(2)) }, oneAccount: oneAccountResult, accounts: accountsResult };
  writeFileSync(RESULTS, JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
