import { randomBytes } from 'crypto';
import { mkdirSync } from 'fs';
import { connect, ConnectionOptions, ConsumerConfig, JetStreamClient, JetStreamManager, NatsConnection, StreamConfig } from 'nats';
import * as path from 'path';
import type { Config } from '../../config/schema';
import { NATS_CONFIG_FILE, natsClient } from '../../constructs/nats-config';
import { find, K8sObject, ofKind, synthObjects } from './manifests';
import { localNatsConfig, RunningNats, startNatsServer, writeFile } from './nats-server';
import { freePorts } from './processes';

/*
 * The bus of one configuration as dist/ ships it (nats.conf, the stream Job's definitions, the
 * password variables the StatefulSet fills from the Secret), run on loopback, and the one way the
 * tests connect as a user: with what `natsClient` says that user's pods get (NATS_INBOX_PREFIX,
 * NATS_JS_API_PREFIX).
 */

export interface SynthesizedBus {
  readonly config: Config;
  readonly natsConf: string;
  /** The stream Job's ConfigMap data: `stream-<NAME>.json`, `consumer-<STREAM>-<durable>.json`. */
  readonly definitions: Record<string, string>;
  /** Server variable → Secret key, from the StatefulSet's `nats` container. */
  readonly passwordVars: Array<{ name: string; key: string }>;
}

export function synthesizedBus(config: Config, objects: K8sObject[] = synthObjects(config)): SynthesizedBus {
  const ns = config.namespaces.apps;
  const natsConf: string = find(objects, 'ConfigMap', `${config.events.name}-config`, ns).data[NATS_CONFIG_FILE];
  const definitions: Record<string, string> = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name.startsWith(`${config.events.name}-streams-`))!.data;
  const passwordVars = find(objects, 'StatefulSet', config.events.name, ns)
    .spec.template.spec.containers.find((c: any) => c.name === 'nats')
    .env.filter((e: any) => e.valueFrom?.secretKeyRef)
    .map((e: any) => ({ name: e.name, key: e.valueFrom.secretKeyRef.key }));
  return { config, natsConf, definitions, passwordVars };
}

/** Passwords in the documented form (a letter, then hex): what `kubectl create secret` would hold. */
export function documentedSecret(bus: SynthesizedBus): Record<string, string> {
  return Object.fromEntries(bus.passwordVars.map(({ key }) => [key, `n${randomBytes(12).toString('hex')}`]));
}

export function serverEnvFor(bus: SynthesizedBus, secret: Record<string, string>, serverName = 'nats-0'): Record<string, string> {
  return { SERVER_NAME: serverName, ...Object.fromEntries(bus.passwordVars.map(({ name, key }) => [name, secret[key]])) };
}

/** Connect as `user` the way its pods do: its password, its own inbox prefix. */
export async function connectAs(url: string, user: string, password: string, extra: Partial<ConnectionOptions> = {}): Promise<NatsConnection> {
  return connect({ servers: url, user, pass: password, inboxPrefix: natsClient(user).inboxPrefix, reconnect: false, timeout: 5000, ...extra });
}

/** The JetStream client of `user`, on its API prefix. */
export function jetStreamOf(nc: NatsConnection, user: string): JetStreamClient {
  return nc.jetstream({ apiPrefix: natsClient(user).jsApiPrefix });
}

/**
 * What the stream Job does, as admin, from the same JSON files: add or update each stream and
 * consumer, then remove the durables of declared streams that are not declared. Retries while a
 * cluster has no JetStream leader yet (bounded), as the Job waits for `nats stream ls`.
 */
export async function applyDefinitions(jsm: JetStreamManager, definitions: Record<string, string>, timeoutMs = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await jsm.streams.names().next();
      break;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const streams = Object.entries(definitions).filter(([k]) => k.startsWith('stream-'));
  const consumers = Object.entries(definitions).filter(([k]) => k.startsWith('consumer-'));
  for (const [, text] of streams) {
    const cfg = JSON.parse(text) as StreamConfig;
    const exists = await jsm.streams.info(cfg.name).then(() => true, () => false);
    if (exists) await jsm.streams.update(cfg.name, cfg);
    else await jsm.streams.add(cfg);
  }
  for (const [key, text] of consumers) {
    const stream = key.replace(/^consumer-/, '').split('-')[0];
    const cfg = JSON.parse(text) as ConsumerConfig;
    const exists = await jsm.consumers.info(stream, cfg.durable_name!).then(() => true, () => false);
    if (exists) await jsm.consumers.update(stream, cfg.durable_name!, cfg);
    else await jsm.consumers.add(stream, cfg);
  }
  const removed: string[] = [];
  for (const [, text] of streams) {
    const name = (JSON.parse(text) as StreamConfig).name;
    for (const c of await jsm.consumers.list(name).next()) {
      if (definitions[`consumer-${name}-${c.name}.json`] === undefined) {
        await jsm.consumers.delete(name, c.name);
        removed.push(`${name}/${c.name}`);
      }
    }
  }
  return removed;
}

export interface RunningBus {
  readonly servers: RunningNats[];
  /** Client URL of the first server. */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Start the bus on loopback: one server, or (when nats.conf has a cluster block) one server per
 * route, with the routes pointed at loopback ports. Only addresses, the store and the pid file
 * change; accounts, users, permissions and limits stay as generated.
 */
export async function startBus(natsConf: string, env: (serverName: string) => Record<string, string>, dir: string): Promise<RunningBus> {
  const routes = [...natsConf.matchAll(/^ +"(nats:\/\/[^"]+)"$/gm)].map((m) => m[1]);
  const count = routes.length || 1;
  const ports = await freePorts(count * 3);
  const servers: RunningNats[] = [];
  try {
    const starting = Array.from({ length: count }, (_, i) => {
      const local = { client: ports[i * 3], monitor: ports[i * 3 + 1] };
      const serverDir = path.join(dir, `server-${i}`);
      mkdirSync(serverDir, { recursive: true });
      let conf = localNatsConfig(natsConf, local, serverDir);
      if (routes.length) {
        conf = conf.replace(/^( +)port: [0-9]+$/m, `$1port: ${ports[i * 3 + 2]}\n$1host: "127.0.0.1"`);
        routes.forEach((r, j) => (conf = conf.replace(`"${r}"`, JSON.stringify(`nats://127.0.0.1:${ports[j * 3 + 2]}`))));
      }
      const file = writeFile(serverDir, 'nats.conf', conf);
      return startNatsServer(file, env(`nats-${i}`), local, 30_000).then((s) => (servers.push(s), s));
    });
    const results = await Promise.allSettled(starting);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (e) {
    await Promise.all(servers.map((s) => s.stop()));
    throw e;
  }
  servers.sort((a, b) => a.url.localeCompare(b.url));
  const first = servers.find((s) => s.url.endsWith(`:${ports[0]}`))!;
  return { servers, url: first.url, stop: async () => void (await Promise.all(servers.map((s) => s.stop()))) };
}
