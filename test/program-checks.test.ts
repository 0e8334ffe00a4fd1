import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { MIN_STREAM_BYTES, NATS_MAX_PAYLOAD } from '../config/schema/events';
import { jetStreamStreams } from '../constructs/jetstream-objects';
import { NATS_CONFIG_FILE } from '../constructs/nats-config';
import { checkPrograms, eventClients, formatResult, ProgramResult } from '../validate/programs';
import { localNatsConfig, startNatsServer, writeFile } from '../validate/programs/nats-server';
import { freePorts } from '../validate/programs/processes';
import { configErrorFor } from './support/config-errors';
import { configFrom, K8sObject, synthObjects } from './support/manifests';
import { connectAs, jetStreamOf } from './support/nats-bus';
import { natsUser } from '../model/nats';
import { resolve } from '../model/resolve';
import { itWithTool } from './support/tools';

/**
 * The real-program checks (validate/programs/, `npm run validate -- --programs`) on the cases the
 * issue found: each works now, each planted defect is reported FAILED with the program's own
 * words, and a program that is not installed is reported SKIPPED, never passed.
 */
const HINT = 'scripts/install-tools.sh and scripts/install-system-packages.sh';
const itNginx = itWithTool('nginx', HINT);
const itNats = itWithTool('nats-server', HINT);
jest.setTimeout(120_000);

const LONG = `s${'x'.repeat(38)}z`; // 40 characters, the schema's maximum
const issueCases = configFrom({
  services: [
    { name: LONG, events: { publishes: [`${LONG}.done`] } },
    { name: 'reader', events: { consumes: [{ subject: `${LONG}.done`, durable: 'reader' }] } },
  ],
  monitoring: { enabled: false },
  jenkins: { enabled: false },
  events: {
    streams: [
      // Shorter than the 2m duplicate window: JetStream refused it before the window followed max age.
      { name: 'LONG', subjects: [`${LONG}.>`], maxAge: '30s', maxBytes: String(MIN_STREAM_BYTES) },
      // The int64-nanosecond ceiling.
      { name: 'READER', subjects: ['reader.>'], maxAge: '106751d' },
    ],
  },
});

const failedOrSkipped = (results: ProgramResult[]) => results.filter((r) => r.status !== 'passed').map(formatResult);

function withConfigMapText(objects: K8sObject[], key: string, edit: (text: string) => string): K8sObject[] {
  return objects.map((o) => (o.kind === 'ConfigMap' && typeof o.data?.[key] === 'string' ? { ...o, data: { ...o.data, [key]: edit(o.data[key]) } } : o));
}

describe("the issue's configurations run on the real programs", () => {
  itNats('a 40-character service name, a 30s max age and the longest max age: nginx starts and routes, every stream and consumer is created, the event goes through', async () => {
    const results = await checkPrograms(synthObjects(issueCases), { startNginx: true, eventClients: eventClients(resolve(issueCases)) });
    expect(failedOrSkipped(results)).toEqual([]);
    expect(results.map((r) => r.program)).toEqual(expect.arrayContaining(['nginx', 'nats-server']));
    expect(results.find((r) => r.check.includes(`GET /${LONG}/sample`))?.status).toBe('passed');
    expect(results.find((r) => r.check.startsWith('streams, consumers'))?.detail).toBe('3 applied, 1 published, 1 pulled');
    // The duplicate window follows a max age shorter than 2 minutes: 30 s in nanoseconds.
    expect(jetStreamStreams(issueCases).map((s) => [s.name, s.duplicate_window, s.max_age])).toEqual([
      ['LONG', 30_000_000_000, 30_000_000_000],
      ['READER', 120_000_000_000, 9_223_286_400_000_000_000],
    ]);
  });

  test('one day more than the longest max age is refused, naming the field and the limit', () => {
    const message = configErrorFor({ events: { streams: [{ name: 'PAYMENT', subjects: ['payment.>'], maxAge: '106752d' }, { name: 'NEWS', subjects: ['news.>'] }] } });
    expect(message).toMatch(/events\.streams\[0\]\.maxAge: must be at most .*106751d/);
  });
});

describe('a planted defect is reported FAILED, in the program’s words', () => {
  const objects = synthObjects(configFrom({ monitoring: { enabled: false }, jenkins: { enabled: false } }));

  itNginx('a variable name longer than nginx’s hash bucket takes: nginx -t fails', async () => {
    const planted = withConfigMapText(objects, 'nginx.conf', (t) => {
      if (!t.includes('$route_upstream')) throw new Error('nginx.conf has no $route_upstream');
      return t.split('$route_upstream').join(`$route_upstream_${'x'.repeat(40)}`);
    });
    const results = await checkPrograms(planted, { startNginx: true });
    const nginx = results.filter((r) => r.program === 'nginx');
    expect(nginx.map((r) => r.status)).toEqual(['failed']);
    expect(nginx[0].detail).toMatch(/could not build variables_hash/);
  });

  itNats('a duplicate window longer than the max age: JetStream refuses the stream', async () => {
    const planted = objects.map((o) => {
      if (o.kind !== 'ConfigMap' || !Object.keys(o.data ?? {}).some((k) => k.startsWith('stream-'))) return o;
      const data = { ...o.data };
      const key = Object.keys(data).find((k) => k.startsWith('stream-'))!;
      data[key] = JSON.stringify({ ...JSON.parse(data[key]), max_age: 30e9, duplicate_window: 120e9 });
      return { ...o, data };
    });
    const results = await checkPrograms(planted, { startNginx: false });
    const live = results.find((r) => r.check.startsWith('streams, consumers'))!;
    expect(live.status).toBe('failed');
    expect(live.detail).toMatch(/duplicates window can not be larger then max age/);
  });
});

describe('why a stream holds at least one largest message (MIN_STREAM_BYTES), on the live server', () => {
  itNats('below it, an acknowledged message is gone at once; at it, a message of the largest payload stays', async () => {
    const config = configFrom();
    const users = resolve(config).events;
    const conf = synthObjects(config).find((o) => o.kind === 'ConfigMap' && o.data?.[NATS_CONFIG_FILE])!.data[NATS_CONFIG_FILE];
    const dir = mkdtempSync(path.join(tmpdir(), 'nats-min-bytes-'));
    const [client, monitor] = await freePorts(2);
    const env: Record<string, string> = { SERVER_NAME: 'nats-0' };
    for (const user of ['ADMIN', 'NEWS', 'WEBTOON', 'PAYMENT']) env[`NATS_PASSWORD_${user}`] = 'nsecret';
    const server = await startNatsServer(writeFile(dir, 'nats.conf', localNatsConfig(conf, { client, monitor }, dir)), env, { client, monitor });
    const nc = await connectAs(server.url, natsUser(users, 'admin'), 'nsecret');
    try {
      const jsm = await nc.jetstreamManager();
      // The admin identity publishes no events (nats.conf): payment publishes.
      const pay = await connectAs(server.url, natsUser(users, 'payment'), 'nsecret');
      try {
        const subject = `${config.events.subjectPrefix}.payment.completed`;
        await jsm.streams.add({ name: 'SMALL', subjects: [subject], max_bytes: 4096, duplicate_window: 1e9 } as any);
        const ack = await jetStreamOf(pay, natsUser(users, 'payment')).publish(subject, new Uint8Array(8192));
        expect(ack.stream).toBe('SMALL');
        expect((await jsm.streams.info('SMALL')).state.messages).toBe(0);
        await jsm.streams.delete('SMALL');

        await jsm.streams.add({ name: 'SMALLEST', subjects: [subject], max_bytes: MIN_STREAM_BYTES } as any);
        await jetStreamOf(pay, natsUser(users, 'payment')).publish(subject, new Uint8Array(NATS_MAX_PAYLOAD - 64));
        expect((await jsm.streams.info('SMALLEST')).state.messages).toBe(1);
      } finally {
        await pay.close();
      }
    } finally {
      await nc.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('a program that is not installed is reported SKIPPED with how to install it, never passed', async () => {
  const results = await checkPrograms(synthObjects(configFrom()), { startNginx: true, installed: () => false });
  expect(results.length).toBeGreaterThanOrEqual(5);
  expect(results.filter((r) => r.status !== 'skipped')).toEqual([]);
  expect(new Set(results.map((r) => r.program))).toEqual(new Set(['nginx', 'nats-server', 'promtool', 'amtool', 'redis-server']));
  for (const r of results) expect(formatResult(r)).toMatch(/^\[program\] SKIPPED .* is not installed \(scripts\/install-(tools|system-packages)\.sh\): not checked/s);
});
