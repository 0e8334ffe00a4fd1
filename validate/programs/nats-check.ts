import { mkdtempSync, rmSync } from 'fs';
import { connect, ConnectionOptions, JetStreamOptions, NatsConnection } from 'nats';
import { tmpdir } from 'os';
import * as path from 'path';
import { ADMIN_USER, NATS_MAX_PAYLOAD } from '../../config/schema/events';
import type { EnvironmentModel } from '../../model/environment';
import { NATS_CONFIG_FILE } from '../../model/events';
import { NATS_CLIENT_ENV } from '../../model/nats';
import type { K8sObject } from '../manifests';
import { podSpecOf } from './container-run';
import { applyDefinitions, clusterRoutes, RunningBus, startBus, whileTransient } from './nats-bus';
import { checkNatsConfig, writeFile } from './nats-server';
import { containerEnv, GeneratedSecrets } from './pod-env';
import { attempt, Installed, notInstalled, ProgramResult, skipped } from './results';

/**
 * The event bus on the real nats-server: `nats-server -t` on the generated nats.conf, then the
 * server (or every server of a cluster) started on loopback, every generated stream and consumer
 * created from the stream Job's own definition files with the Job's identity, and per declared
 * subject one publish with the publishing service's credentials and one pull from each durable that
 * consumes it, with the consuming service's credentials. Credentials are what the pods get: the
 * Deployment's NATS_* variables, with generated values for the Secret keys they reference.
 */

/** What a service declared: subjects as on the wire, and where they are stored (the model's NATS users). */
export interface EventClient {
  readonly service: string;
  readonly publishes: ReadonlyArray<{ readonly subject: string; readonly stream: string }>;
  readonly consumes: ReadonlyArray<{ readonly subject: string; readonly stream: string; readonly durable: string }>;
}

/** The bus's clients other than the stream Job's `admin`: the services that declare events. */
export function eventClients(model: EnvironmentModel): EventClient[] {
  return model.events.users.filter((u) => u.user !== ADMIN_USER).map((u) => ({ service: u.user, publishes: u.publishes, consumes: u.consumes }));
}

/**
 * A client's connection options from its pod's variables. The one place that reads them: when the
 * pods get more (an inbox prefix, another identity scheme), this is what follows.
 */
export function natsClientOptions(env: Record<string, string>): Partial<ConnectionOptions> {
  return {
    ...(env[NATS_CLIENT_ENV.user] !== undefined ? { user: env[NATS_CLIENT_ENV.user] } : {}),
    ...(env[NATS_CLIENT_ENV.password] !== undefined ? { pass: env[NATS_CLIENT_ENV.password] } : {}),
    ...(env[NATS_CLIENT_ENV.inboxPrefix] !== undefined ? { inboxPrefix: env[NATS_CLIENT_ENV.inboxPrefix] } : {}),
  };
}

/** A client's JetStream options from its pod's variables: the API prefix its account imports JetStream under. */
export function jetStreamOptions(env: Record<string, string>): JetStreamOptions {
  return env[NATS_CLIENT_ENV.jsApiPrefix] !== undefined ? { apiPrefix: env[NATS_CLIENT_ENV.jsApiPrefix] } : {};
}

export interface BusObjects {
  readonly conf: string;
  readonly statefulSet: K8sObject;
  readonly serverContainer: any;
  readonly definitions: Record<string, string>;
  readonly job: K8sObject | undefined;
}

export function busObjects(objects: readonly K8sObject[]): BusObjects | undefined {
  const cm = objects.find((o) => o.kind === 'ConfigMap' && typeof o.data?.[NATS_CONFIG_FILE] === 'string');
  if (!cm) return undefined;
  const ns = cm.metadata.namespace;
  const mounting = (o: K8sObject, pred: (data: Record<string, string>) => boolean) =>
    (podSpecOf(o)?.volumes ?? []).some((v: any) => v.configMap && pred(objects.find((c) => c.kind === 'ConfigMap' && c.metadata.name === v.configMap.name && c.metadata.namespace === ns)?.data ?? {}));
  const statefulSet = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.namespace === ns && mounting(o, (d) => d === cm.data));
  if (!statefulSet) return undefined;
  const volume = podSpecOf(statefulSet).volumes.find((v: any) => v.configMap?.name === cm.metadata.name).name;
  const serverContainer = podSpecOf(statefulSet).containers.find((c: any) => (c.volumeMounts ?? []).some((m: any) => m.name === volume));
  const hasDefinitions = (d: Record<string, string>) => Object.keys(d).some((k) => /^stream-.+\.json$/.test(k));
  const job = objects.find((o) => o.kind === 'Job' && o.metadata.namespace === ns && mounting(o, hasDefinitions));
  const definitions = job
    ? objects.find((c) => c.kind === 'ConfigMap' && c.metadata.namespace === ns && podSpecOf(job).volumes.some((v: any) => v.configMap?.name === c.metadata.name) && hasDefinitions(c.data ?? {}))!.data
    : {};
  return { conf: cm.data[NATS_CONFIG_FILE], statefulSet, serverContainer, definitions, job };
}

export interface NatsCheckOptions {
  /** The declarations, when the configuration is known; without them the publish/pull part is skipped. */
  readonly clients?: readonly EventClient[];
  readonly installed: Installed;
}

export async function checkNats(objects: readonly K8sObject[], o: NatsCheckOptions): Promise<ProgramResult[]> {
  const bus = busObjects(objects);
  if (!bus) return [];
  const sts = bus.statefulSet;
  const ns = sts.metadata.namespace ?? 'default';
  const where = `${ns}/${sts.metadata.name}`;
  if (!o.installed('nats-server')) return [notInstalled('nats-server', `nats-server -t ${where}`), notInstalled('nats-server', `streams, consumers, publish and pull on ${where}`)];
  const secrets = new GeneratedSecrets();
  const replicas: number = sts.spec.replicas ?? 1;
  const serverEnv = (i: number) => containerEnv(bus.serverContainer, { podName: `${sts.metadata.name}-${i}`, namespace: ns, secrets });
  const dir = mkdtempSync(path.join(tmpdir(), 'nats-check-'));
  const results: ProgramResult[] = [];
  let running: RunningBus | undefined;
  const open: NatsConnection[] = [];
  try {
    results.push(
      await attempt('nats-server', `nats-server -t ${where}`, async () => {
        const r = checkNatsConfig(writeFile(dir, 'nats.conf', bus.conf), serverEnv(0));
        if (r.status !== 0) throw new Error(r.output);
        return undefined;
      }),
    );
    if (!bus.job) {
      results.push(skipped('nats-server', `streams and consumers on ${where}`, 'no Job mounts stream definitions (stream-*.json)'));
      return results;
    }
    const live = `streams, consumers${o.clients ? ', a publish and a pull per declared subject' : ''} on ${replicas === 1 ? 'a live nats-server' : `a live cluster of ${replicas}`} (${where})`;
    const withServerLogs = (r: ProgramResult): ProgramResult =>
      r.status === 'failed' && running ? { ...r, detail: `${r.detail}\n${running.servers.map((s, i) => `server ${i}:\n${s.output().trim().split('\n').slice(-8).join('\n')}`).join('\n')}` } : r;
    results.push(
      withServerLogs(await attempt('nats-server', live, async () => {
        const routed = clusterRoutes(bus.conf)?.count ?? 1;
        if (routed !== replicas) throw new Error(`nats.conf routes to ${routed} server(s), the StatefulSet runs ${replicas}`);
        running = await startBus(bus.conf, serverEnv, dir);
        const url = [...running.urls];
        const as = async (who: string, env: Record<string, string>) => {
          const nc = await connect({ servers: url, ...natsClientOptions(env), reconnect: false, timeout: 5000 }).catch((e: Error) => {
            throw new Error(`${who} could not connect: ${e.message}`);
          });
          open.push(nc);
          return nc;
        };
        const jobEnv = containerEnv(podSpecOf(bus.job!).containers[0], { podName: bus.job!.metadata.name, namespace: ns, secrets });
        const admin = await as(`the stream Job (${bus.job!.metadata.name})`, jobEnv);
        const jsm = await whileTransient('JetStream answering the stream Job', () => admin.jetstreamManager());
        const { created, updated } = await applyDefinitions(jsm, bus.definitions);
        // On a fresh store everything is created; a retried add that had gone through counts as updated.
        const applied = created.length + updated.length;
        if (!o.clients) return `${applied} applied`;
        const clientEnv = (service: string) => {
          const deployment = objects.find((x) => x.kind === 'Deployment' && x.metadata.namespace === ns && x.metadata.name === service);
          if (!deployment) throw new Error(`no Deployment ${ns}/${service} for the service that declares events`);
          return containerEnv(podSpecOf(deployment).containers.find((c: any) => (c.env ?? []).some((e: any) => /^NATS_/.test(e.name))) ?? {}, { podName: `${service}-0`, namespace: ns, secrets });
        };
        const connections = new Map<string, NatsConnection>();
        const conn = async (service: string) => connections.get(service) ?? connections.set(service, await as(service, clientEnv(service))).get(service)!;
        const js = async (service: string) => (await conn(service)).jetstream(jetStreamOptions(clientEnv(service)));
        // The largest payload the server takes: each stream must keep it (config/schema/events.ts MIN_STREAM_BYTES).
        const payload = new Uint8Array(NATS_MAX_PAYLOAD - 64).fill(0x61);
        let pulls = 0;
        for (const pub of o.clients!.flatMap((c) => c.publishes.map((p) => ({ ...p, service: c.service })))) {
          const ack = await whileTransient(`${pub.service} publishing ${pub.subject}`, () => js(pub.service).then((j) => j.publish(pub.subject, payload)));
          if (ack.stream !== pub.stream) throw new Error(`${pub.service} published ${pub.subject} into stream ${ack.stream}, expected ${pub.stream}`);
          for (const c of o.clients!) {
            for (const con of c.consumes.filter((x) => x.subject === pub.subject)) {
              const consumer = await (await js(c.service)).consumers.get(con.stream, con.durable);
              const m = await consumer.next({ expires: 5000 });
              if (!m) throw new Error(`${c.service} pulled nothing from ${con.stream}/${con.durable} after ${pub.service} published ${pub.subject}`);
              if (m.subject !== pub.subject || m.data.length !== payload.length) throw new Error(`${c.service} pulled ${m.subject} (${m.data.length} bytes) from ${con.stream}/${con.durable}, expected ${pub.subject} (${payload.length} bytes)`);
              m.ack();
              pulls++;
            }
          }
        }
        const publishes = o.clients!.reduce((n, c) => n + c.publishes.length, 0);
        return `${applied} applied, ${publishes} published, ${pulls} pulled`;
      })),
    );
    if (!o.clients) results.push(skipped('nats-server', `publish and pull per declared subject on ${where}`, 'the declarations are in the configuration: pass --env NAME or --config FILE'));
    return results;
  } finally {
    await Promise.all(open.map((nc) => nc.close().catch(() => undefined)));
    await running?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
