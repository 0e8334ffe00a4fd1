import { mkdtempSync, rmSync } from 'fs';
import * as fc from 'fast-check';
import { tmpdir } from 'os';
import * as path from 'path';
import type { Config } from '../config/schema';
import type { EnvironmentModel } from '../model/environment';
import { parseConfig, parseConfigFile } from '../model/load';
import { NATS_CLIENT_ENV, NatsUser } from '../model/nats';
import { resolve } from '../model/resolve';
import { busObjects } from '../validate/programs/nats-check';
import { validConfig } from './support/config-arbitrary';
import { configFrom, K8sObject, readManifestDir, synthObjects } from './support/manifests';
import { ConfMap, ConfValue, parseNatsConf } from './support/nats-conf';
import { connectAs, documentedSecret, manyServices, serverEnvFor, startBus, synthesizedBus } from './support/nats-bus';
import { ROOT } from './support/project-copy';
import { itWithTool } from './support/tools';

/**
 * The NATS facts of the model (`model.events.accounts`, `.users`, `.routes`) against what was
 * synthesized, read back without the code that rendered it: nats.conf through a reader of NATS's
 * format (test/support/nats-conf.ts), the pods' environment and the route targets from the YAML
 * objects, and on a live nats-server (loopback) through its own monitoring endpoints. Plus rules
 * the model must keep whatever the configuration: checked against the configuration directly.
 */
const itNats = itWithTool('nats-server', 'scripts/install-tools.sh');
jest.setTimeout(120_000);

interface Case {
  readonly model: EnvironmentModel;
  readonly objects: K8sObject[];
}

const fromConfig = (config: Config): Case => ({ model: resolve(config), objects: synthObjects(config) });
const deployedBus = (input: Parameters<typeof parseConfig>[0], i: number) => resolve(parseConfig(input, `(generated ${i})`)).events.deployed;
/** The seeds output:fingerprint uses; the first few whose bus is generated. */
const generated = fc
  .sample(validConfig, { seed: 23, numRuns: 40 })
  .map((input, i) => ({ input, i }))
  .filter(({ input, i }) => deployedBus(input, i))
  .slice(0, 4);

const cases: Array<[string, () => Case]> = [
  ['the default configuration, as committed in dist/', () => ({ model: resolve(configFrom()), objects: [...readManifestDir(path.join(ROOT, 'dist')).values()].flat() })],
  ['the prod example (three servers)', () => fromConfig(parseConfigFile('config/environments/prod.yaml'))],
  ['a generated 24-service configuration', () => fromConfig(configFrom(manyServices()))],
  ...generated.map(({ input, i }): [string, () => Case] => [`generated configuration ${i} (seed 23)`, () => fromConfig(parseConfig(input, `(generated ${i})`))]),
];

const asMap = (v: ConfValue | undefined): ConfMap => {
  if (!v || typeof v !== 'object' || Array.isArray(v) || 'variable' in v) throw new Error(`expected a map, got ${JSON.stringify(v)}`);
  return v as ConfMap;
};
const asList = (v: ConfValue | undefined): ConfValue[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const envOf = (container: any): Record<string, any> => Object.fromEntries((container?.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));

test('the nats.conf reader reads the format’s forms, not only ours', () => {
  const text = ['# comment', 'port = 4222 // trailing', 'name "x"', 'a: { b: [1, 2', '  "three"], c: $VAR_1; d: true }', 'e: [', '  {f: bare-word}', ']', '"quoted key": "\\"q\\""'].join('\n');
  expect(parseNatsConf(text)).toEqual({ port: 4222, name: 'x', a: { b: [1, 2, 'three'], c: { variable: 'VAR_1' }, d: true }, e: [{ f: 'bare-word' }], 'quoted key': '"q"' });
  expect(() => parseNatsConf('a: { b: 1')).toThrow(/missing "}"/);
  expect(() => parseNatsConf('a: 1\na: 2')).toThrow(/key "a" twice/);
  expect(() => parseNatsConf('max: 1GB')).toThrow(/suffixes are not read/);
});

test('the generated cases include generated configurations with a bus', () => {
  expect(generated.length).toBeGreaterThan(0);
});

describe.each(cases)('NATS model facts on %s', (_label, load) => {
  const { model, objects } = load();
  const bus = busObjects(objects)!;
  const conf = parseNatsConf(bus.conf);
  const confAccounts = asMap(conf.accounts);
  const config = model.config;
  const users = new Map(model.events.users.map((u) => [u.user, u]));

  test('nats.conf has the model’s accounts, in order, each with its JetStream flag, users, exports and imports', () => {
    expect(Object.keys(confAccounts)).toEqual(model.events.accounts.map((a) => a.name));
    for (const a of model.events.accounts) {
      const c = asMap(confAccounts[a.name]);
      expect({ account: a.name, jetstream: c.jetstream === 'enabled' }).toEqual({ account: a.name, jetstream: a.jetstream });
      expect(asList(c.users).map((u) => asMap(u).user)).toEqual(a.users);
      const exported = asList(c.exports).map((x) => {
        const m = asMap(x);
        return { subject: m.service, accounts: m.accounts, ...(m.response_type !== undefined ? { responses: m.response_type } : {}) };
      });
      expect(exported).toEqual(a.exports);
      const imported = asList(c.imports).map((x) => {
        const s = asMap(asMap(x).service);
        return { account: s.account, subject: s.subject, local: asMap(x).to ?? s.subject };
      });
      expect(imported).toEqual(a.imports);
    }
  });

  test('each user in nats.conf has the model’s password variable and permissions', () => {
    const confUsers = Object.values(confAccounts).flatMap((a) => asList(asMap(a).users).map(asMap));
    expect(confUsers.map((u) => u.user).sort()).toEqual([...users.keys()].sort());
    for (const c of confUsers) {
      const u = users.get(c.user as string)!;
      expect({ user: u.user, password: c.password }).toEqual({ user: u.user, password: { variable: u.passwordEnv } });
      expect({ user: u.user, permissions: c.permissions }).toEqual({ user: u.user, permissions: { publish: { allow: [...u.permissions.publish.allow] }, subscribe: { allow: [...u.permissions.subscribe.allow] } } });
    }
  });

  test('the routes are the model’s, and each names one server of the StatefulSet through its headless Service', () => {
    const routes = asList(conf.cluster === undefined ? undefined : asMap(conf.cluster).routes);
    expect(routes).toEqual(model.events.routes);
    const sts = bus.statefulSet;
    const replicas: number = sts.spec.replicas ?? 1;
    if (replicas === 1) {
      expect(conf.cluster).toBeUndefined();
      return;
    }
    const headless = objects.find((o) => o.kind === 'Service' && o.metadata.name === sts.spec.serviceName && o.metadata.namespace === sts.metadata.namespace)!;
    expect(headless.spec.clusterIP ?? headless.spec.clusterIp).toBe('None');
    const clusterPort = sts.spec.template.spec.containers.flatMap((c: any) => c.ports ?? []).find((p: any) => p.name === 'cluster').containerPort;
    const expected = Array.from({ length: replicas }, (_, i) => `nats://${sts.metadata.name}-${i}.${headless.metadata.name}.${sts.metadata.namespace}.svc.${config.cluster.domain}:${clusterPort}`);
    expect(routes).toEqual(expected);
  });

  test('the server gets every user’s password variable from the Secret key the model names', () => {
    const fromSecret = (bus.serverContainer.env ?? []).filter((e: any) => e.valueFrom?.secretKeyRef);
    expect(fromSecret.map((e: any) => [e.name, e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key]).sort()).toEqual(
      model.events.users.map((u) => [u.passwordEnv, config.events.secretName, u.secretKey]).sort(),
    );
  });

  test('each service pod and the stream Job connect with their user’s client facts', () => {
    const clientEnv = (u: NatsUser) => ({ NATS_URL: model.events.clientUrl, NATS_USER: u.user, NATS_PASSWORD: { secretKeyRef: { name: config.events.secretName, key: u.secretKey } }, [NATS_CLIENT_ENV.inboxPrefix]: u.inboxPrefix, [NATS_CLIENT_ENV.jsApiPrefix]: u.jsApiPrefix });
    const pick = (env: Record<string, any>) => Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('NATS_')));
    for (const u of model.events.users) {
      const owner = u.account === u.user
        ? objects.find((o) => o.kind === 'Deployment' && o.metadata.name === u.user && o.metadata.namespace === model.events.namespace)!.spec.template.spec.containers[0]
        : bus.job!.spec.template.spec.containers[0];
      expect({ user: u.user, env: pick(envOf(owner)) }).toEqual({ user: u.user, env: clientEnv(u) });
    }
  });

  test('rules the model keeps, checked against the configuration: who exists, what each account imports, what each user may do', () => {
    const declaring = config.events.enabled ? config.services.filter((s) => s.events.publishes.length + s.events.consumes.length > 0) : [];
    expect(model.events.users.map((u) => u.user)).toEqual(['admin', ...declaring.map((s) => s.name)]);
    const streams = model.events.accounts.filter((a) => a.jetstream);
    expect(streams.map((a) => a.users)).toEqual([['admin']]);
    const exports = streams[0].exports;
    const wire = (s: string) => `${config.events.subjectPrefix}.${s}`;
    for (const s of declaring) {
      const u = users.get(s.name)!;
      const account = model.events.accounts.find((a) => a.name === u.account)!;
      // One user per service account; no account holds another service's user.
      expect({ user: u.user, members: account.users }).toEqual({ user: u.user, members: [u.user] });
      expect(account.jetstream).toBe(false);
      // Every import is an export of the streams account to this account alone, and the other way round.
      const mine = exports.filter((x) => x.accounts.includes(account.name));
      for (const x of mine) expect(x.accounts).toEqual([account.name]);
      expect(account.imports.map((i) => [i.account, i.subject]).sort()).toEqual(mine.map((x) => [streams[0].name, x.subject]).sort());
      // May publish exactly what its account imports: its events and its own durables' API.
      expect([...u.permissions.publish.allow].sort()).toEqual([...new Set(account.imports.map((i) => i.local))].sort());
      for (const p of s.events.publishes) expect(u.permissions.publish.allow).toContain(wire(p));
      for (const c of s.events.consumes) expect(account.imports.filter((i) => i.subject.includes(`.${c.durable}`)).length).toBeGreaterThanOrEqual(3);
      expect(u.permissions.subscribe.allow).toEqual([`${u.inboxPrefix}.>`]);
      expect(u.consumes.map((c) => [c.subject, c.durable])).toEqual(s.events.consumes.map((c) => [wire(c.subject), c.durable]));
    }
    // Nothing exported but to the service accounts.
    expect(new Set(exports.flatMap((x) => x.accounts))).toEqual(new Set(declaring.map((s) => s.name)));
  });
});

/**
 * The same facts as the real nats-server reads nats.conf (2.10.27, loopback, one server): its
 * `/accountz` for each account (JetStream, exports to whom, imports from where under which local
 * subject) and `/connz?auth=true` for the account each user lands in.
 */
describe.each<[string, () => Config]>([
  ['the default configuration', () => configFrom()],
  ['a generated 24-service configuration', () => configFrom(manyServices())],
])('the model’s NATS facts on a live nats-server: %s', (_label, load) => {
  const config = load();
  const synthesized = synthesizedBus(config);
  const model = synthesized.model;

  itNats('accounts, exports, imports and each user’s account as the server reports them', async () => {
    const secret = documentedSecret(synthesized);
    const dir = mkdtempSync(path.join(tmpdir(), 'nats-model-'));
    const running = await startBus(synthesized.natsConf, (i) => serverEnvFor(synthesized, secret, i), dir);
    const open: Awaited<ReturnType<typeof connectAs>>[] = [];
    try {
      const monitor = running.servers[0].monitorUrl;
      const get = async (q: string) => (await fetch(`${monitor}/${q}`, { signal: AbortSignal.timeout(5000) })).json() as Promise<any>;
      const listed: string[] = (await get('accountz')).accounts.filter((a: string) => !a.startsWith('$'));
      expect(listed.sort()).toEqual(model.events.accounts.map((a) => a.name).sort());
      for (const a of model.events.accounts) {
        const d = (await get(`accountz?acc=${encodeURIComponent(a.name)}`)).account_detail;
        const served = (d.exports ?? []).map((x: any) => ({ subject: x.subject, accounts: x.approved_accounts, ...(x.response_type === 'Streamed' ? { responses: 'stream' } : {}) }));
        // The server adds imports of its own system account to every account: not ours.
        const imported = (d.imports ?? []).filter((x: any) => x.account !== d.system_account && x.account !== '$SYS').map((x: any) => ({ account: x.account, subject: x.subject, local: x.local_subject }));
        const byKey = (x: { subject: string }, y: { subject: string }) => (x.subject < y.subject ? -1 : 1);
        expect({ account: a.name, jetstream: d.jetstream_enabled, exports: served.sort(byKey), imports: imported.sort(byKey) }).toEqual({
          account: a.name,
          jetstream: a.jetstream,
          exports: [...a.exports].sort(byKey),
          imports: [...a.imports].sort(byKey),
        });
      }
      for (const u of model.events.users) open.push(await connectAs(running.urls, u, secret[u.secretKey], { name: `model-${u.user}` }));
      const conns: any[] = (await get(`connz?auth=true&limit=${open.length + 10}`)).connections;
      const seen = Object.fromEntries(conns.filter((c) => c.name?.startsWith('model-')).map((c) => [c.authorized_user, c.account]));
      expect(seen).toEqual(Object.fromEntries(model.events.users.map((u) => [u.user, u.account])));
    } finally {
      await Promise.all(open.map((nc) => nc.close().catch(() => undefined)));
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
