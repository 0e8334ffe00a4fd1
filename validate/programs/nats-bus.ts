import { mkdirSync } from 'fs';
import { ConsumerConfig, JetStreamManager, NatsError, StreamConfig } from 'nats';
import * as path from 'path';
import { localNatsConfig, RunningNats, startNatsServer, writeFile } from './nats-server';
import { freePorts } from './processes';

/*
 * The event bus of a synthesized nats.conf, run on loopback, and what the stream Job does to it.
 * The one implementation for the validator (`--programs`), the tests and the benchmark.
 */

export interface RunningBus {
  /** Server i is pod `<StatefulSet>-i`. */
  readonly servers: readonly RunningNats[];
  /** Every server's client URL (what a client is given to fail over between them). */
  readonly urls: readonly string[];
  stop(): Promise<void>;
}

/** The servers nats.conf routes to (`nats://<StatefulSet>-<i>.<headless…>:<port>`), or none for a single server. */
export function clusterRoutes(conf: string): { statefulSet: string; count: number } | undefined {
  const routes = [...conf.matchAll(/"nats:\/\/([a-z0-9-]+)-([0-9]+)\.[^"]+"/g)];
  if (!routes.length) return undefined;
  const names = new Set(routes.map((r) => r[1]));
  if (names.size !== 1) throw new Error(`nats.conf routes to more than one StatefulSet: ${[...names].join(', ')}`);
  const indexes = routes.map((r) => Number(r[2])).sort((a, b) => a - b);
  if (indexes.some((n, i) => n !== i)) throw new Error(`nats.conf routes to servers ${indexes.join(', ')}, not 0..${indexes.length - 1}`);
  return { statefulSet: routes[0][1], count: routes.length };
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Start every server of `conf` on loopback: one, or one per route with the routes pointed at
 * loopback ports. Only addresses, the store and the pid file change (`localNatsConfig`). `env(i)`
 * is server i's environment (SERVER_NAME, the password variables).
 *
 * The servers of a cluster start one after another, and the ones past a quorum only once the
 * JetStream meta group has a leader. nats-server (2.10.27) bootstraps the meta group expecting one
 * peer per route; while it has no leader, it checks every second whether it sees as many servers
 * as it expects but fewer of them with JetStream, and if so shrinks the expected size to the ones
 * it knows run JetStream (server/jetstream_cluster.go, "Adjusting JetStream expected peer set
 * size"). A server whose JetStream status has not arrived yet counts as one without: the group
 * then settles on 2 of 3 peers and places no stream with 3 replicas ("no suitable peers for
 * placement, peer offline"). With a leader elected first, that check is off. Last, bounded, until
 * the leader sees every other server current.
 *
 * Even so, on this loaded machine two servers of 2.10.27 sometimes elect no leader at all (both
 * "JetStream has not established contact with a meta leader" for 20 s and more, routes up), or a
 * group forms without the last server. A cold start that did not form its meta group is not the
 * bus under test: it is stopped and started again from empty stores, at most `ATTEMPTS` times,
 * each failure reported when none succeeds. A server that does not start is never retried.
 */
export async function startBus(conf: string, env: (index: number) => Record<string, string>, dir: string, timeoutMs = 60_000): Promise<RunningBus> {
  const cluster = clusterRoutes(conf);
  if (!cluster) return startServers(conf, undefined, env, dir, timeoutMs);
  const failures: string[] = [];
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      return await startServers(conf, cluster, env, path.join(dir, `attempt-${attempt}`), timeoutMs);
    } catch (e) {
      if (!(e instanceof MetaGroupNotFormed)) throw e;
      failures.push(`attempt ${attempt}: ${e.message}`);
      // Said, not hidden: how often a cold start fails here is worth knowing.
      process.stderr.write(`nats-server cluster of ${cluster.count}: cold start ${attempt} did not form its meta group, ${attempt < ATTEMPTS ? 'starting again' : 'giving up'}: ${e.message}\n`);
    }
  }
  throw new Error(`the cluster of ${cluster.count} did not form its JetStream meta group in ${ATTEMPTS} cold starts:\n${failures.join('\n')}`);
}

const ATTEMPTS = 3;
/** How long a cold start may take to elect a meta leader, and then to see every server current. */
const FORM_MS = 20_000;

class MetaGroupNotFormed extends Error {}

async function startServers(conf: string, cluster: { statefulSet: string; count: number } | undefined, env: (index: number) => Record<string, string>, dir: string, timeoutMs: number): Promise<RunningBus> {
  const count = cluster?.count ?? 1;
  const ports = await freePorts(count * 3);
  const clusterPorts = ports.slice(count * 2);
  const servers: RunningNats[] = [];
  const stop = async () => void (await Promise.all(servers.map((s) => s.stop())));
  try {
    for (let i = 0; i < count; i++) {
      const local = { client: ports[i * 2], monitor: ports[i * 2 + 1] };
      const own = path.join(dir, `server-${i}`);
      mkdirSync(own, { recursive: true });
      const text = localNatsConfig(conf, local, own, cluster ? { statefulSet: cluster.statefulSet, index: i, ports: clusterPorts } : undefined);
      servers.push(await startNatsServer(writeFile(own, 'nats.conf', text), env(i), local, timeoutMs));
      if (count > 1 && servers.length === Math.floor(count / 2) + 1) await untilMeta(servers, count, 'meta leader', (m) => Boolean(m?.leader));
    }
    if (count > 1) await untilMeta(servers, count, `leader that sees all ${count} servers current`, (m) => m?.replicas?.length === count - 1 && m.replicas.every((p) => p.current && !p.offline));
  } catch (e) {
    await stop();
    throw e;
  }
  return { servers, urls: servers.map((s) => s.url), stop };
}

interface MetaCluster {
  readonly leader?: string;
  readonly cluster_size?: number;
  readonly replicas?: ReadonlyArray<{ readonly name: string; readonly current: boolean; readonly offline?: boolean }>;
}

/** What one server's `/jsz` says of the meta group, or undefined while it does not answer. */
async function metaCluster(s: RunningNats): Promise<MetaCluster | undefined> {
  try {
    const r = await fetch(`${s.monitorUrl}/jsz`, { signal: AbortSignal.timeout(2000) });
    return r.ok ? (((await r.json()) as { meta_cluster?: MetaCluster }).meta_cluster ?? undefined) : undefined;
  } catch {
    return undefined;
  }
}

/** Bounded: until one of `servers` reports a meta group (as the leader sees it: replicas are listed there) that passes `ok`. */
async function untilMeta(servers: readonly RunningNats[], count: number, what: string, ok: (m: MetaCluster | undefined) => boolean): Promise<void> {
  const deadline = Date.now() + FORM_MS;
  for (;;) {
    const seen = await Promise.all(servers.map(metaCluster));
    if (seen.some((m) => ok(m) && (m!.replicas !== undefined || count === 1))) return;
    if (Date.now() > deadline) throw new MetaGroupNotFormed(`no ${what} within ${FORM_MS} ms; /jsz meta_cluster of the servers started: ${JSON.stringify(seen)}`);
    await delay(250);
  }
}

/**
 * JetStream errors the server documents as passing (server/errors.json): the system temporarily
 * unavailable (10008), no leader to handle the request (10009), incomplete results (10004), no
 * suitable peers while the meta layer has not heard from every server yet (10005); and no
 * responder or no answer at all while a leader is being elected.
 */
const TRANSIENT_API_ERRORS = new Set([10004, 10005, 10008, 10009]);

export function isTransient(e: unknown): boolean {
  if (!(e instanceof NatsError)) return false;
  const code = e.api_error?.err_code;
  if (code !== undefined) return TRANSIENT_API_ERRORS.has(code);
  return e.code === '503' || e.code === 'TIMEOUT';
}

/** Run `f` again while it fails with a transient JetStream error, for at most `timeoutMs`. */
export async function whileTransient<T>(what: string, f: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await f();
    } catch (e) {
      if (!isTransient(e) || Date.now() > deadline) throw new Error(`${what}: ${(e as Error).message}`);
      await delay(250);
    }
  }
}

/** Not found (stream 10059, consumer 10014): the one answer that means "add it". */
function notFound(e: unknown): boolean {
  return e instanceof NatsError && (e.api_error?.err_code === 10059 || e.api_error?.err_code === 10014);
}

async function exists(f: () => Promise<unknown>): Promise<boolean> {
  try {
    await f();
    return true;
  } catch (e) {
    if (notFound(e)) return false;
    throw e;
  }
}

/** The limits a stream must keep as generated: the server may adjust a value silently. */
const KEPT_LIMITS = ['max_age', 'max_bytes', 'duplicate_window', 'num_replicas'] as const;

export interface Applied {
  /** `stream NAME`, `consumer STREAM/durable`. */
  readonly created: string[];
  readonly updated: string[];
  /** `STREAM/durable`: durables of declared streams that are not declared. */
  readonly removed: string[];
}

/**
 * What the stream Job does (constructs/jetstream-objects.ts STREAMS_SCRIPT), from the same files
 * (`stream-<NAME>.json`, `consumer-<STREAM>-<durable>.json`) in the same order: each stream, then
 * each consumer, added or updated to its definition; then every durable of a declared stream that
 * is not declared is removed. Each stored stream must keep the generated limits. Every step is
 * retried while the error is transient (a cluster electing leaders or still counting its peers).
 */
export async function applyDefinitions(jsm: JetStreamManager, files: Record<string, string>, timeoutMs = 60_000): Promise<Applied> {
  const done: Applied = { created: [], updated: [], removed: [] };
  const entries = Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1));
  const streams = entries.filter(([k]) => k.startsWith('stream-')).map(([key, text]) => ({ key, cfg: JSON.parse(text) as StreamConfig }));
  const consumers = entries.filter(([k]) => k.startsWith('consumer-')).map(([key, text]) => ({ key, stream: key.replace(/^consumer-/, '').split('-')[0], cfg: JSON.parse(text) as ConsumerConfig }));
  await whileTransient('JetStream answering the stream Job', () => jsm.streams.names().next(), timeoutMs);
  for (const { key, cfg } of streams) {
    await whileTransient(`applying stream ${cfg.name} (${key})`, async () => {
      const update = await exists(() => jsm.streams.info(cfg.name));
      const info = update ? await jsm.streams.update(cfg.name, cfg) : await jsm.streams.add(cfg);
      for (const field of KEPT_LIMITS) {
        if (info.config[field] !== cfg[field]) throw new Error(`stream ${cfg.name} was stored with ${field} ${info.config[field]}, the definition says ${cfg[field]}`);
      }
      (update ? done.updated : done.created).push(`stream ${cfg.name}`);
    }, timeoutMs);
  }
  for (const { key, stream, cfg } of consumers) {
    const durable = cfg.durable_name!;
    await whileTransient(`applying consumer ${stream}/${durable} (${key})`, async () => {
      const update = await exists(() => jsm.consumers.info(stream, durable));
      if (update) await jsm.consumers.update(stream, durable, cfg);
      else await jsm.consumers.add(stream, cfg);
      (update ? done.updated : done.created).push(`consumer ${stream}/${durable}`);
    }, timeoutMs);
  }
  for (const { cfg } of streams) {
    const present = await whileTransient(`listing the durables of ${cfg.name}`, () => jsm.consumers.list(cfg.name).next(), timeoutMs);
    for (const c of present) {
      if (files[`consumer-${cfg.name}-${c.name}.json`] !== undefined) continue;
      // A retried delete that had gone through finds nothing: removed all the same.
      await whileTransient(`removing durable ${cfg.name}/${c.name}`, () => jsm.consumers.delete(cfg.name, c.name).catch((e) => (notFound(e) ? true : Promise.reject(e))), timeoutMs);
      done.removed.push(`${cfg.name}/${c.name}`);
    }
  }
  return done;
}
