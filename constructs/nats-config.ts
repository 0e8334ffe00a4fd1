import { NATS_CONFIG_FILE, natsSubject, streamOf } from '../model/events';
import { eventServices } from '../model/events';
import type { Config } from '../config/schema';
import { ADMIN_USER, STORE_SHARE } from '../config/schema/events';
import { quantityBytes } from '../lib/quantity';

/**
 * nats.conf as typed data, rendered once. Keys are the ones nats-server 2.10 knows (the version
 * `nats-server -t` and the live tests run); the pinned image is newer and accepts them all.
 * Passwords are never values here: each is a reference (`$NATS_PASSWORD_<USER>`) that the server
 * resolves from its environment, which the pod fills from the user-created Secret.
 */

/** An environment reference, rendered unquoted as `$NAME`. */
export interface EnvRef {
  readonly env: string;
}

export interface NatsPermissions {
  readonly publish: { readonly allow: readonly string[] };
  readonly subscribe: { readonly allow: readonly string[] };
}

export interface NatsUser {
  readonly user: string;
  readonly password: EnvRef;
  readonly permissions: NatsPermissions;
}

export interface NatsServerConfig {
  readonly server_name: EnvRef;
  readonly port: number;
  readonly http_port: number;
  readonly pid_file: string;
  readonly lame_duck_duration: string;
  readonly lame_duck_grace_period: string;
  readonly jetstream: { readonly store_dir: string; readonly max_file_store: number; readonly max_memory_store: number };
  readonly cluster?: { readonly name: string; readonly port: number; readonly routes: readonly string[]; readonly no_advertise: boolean };
  readonly authorization: { readonly users: readonly NatsUser[] };
}

export { NATS_CONFIG_FILE };
export const NATS_CONFIG_DIR = '/etc/nats-config';
export const NATS_PID_DIR = '/var/run/nats';
export const NATS_STORE_DIR = '/data';
/** Lame duck: stop accepting, then move clients away over this long before exiting (< terminationGracePeriodSeconds). */
export const LAME_DUCK_SECONDS = 30;
export const LAME_DUCK_GRACE_SECONDS = 10;

/** The environment variable that carries a NATS user's password (server side). */
export function passwordEnv(user: string): string {
  return `NATS_PASSWORD_${user.toUpperCase().replace(/-/g, '_')}`;
}

/**
 * A service's rights: publish its declared subjects; for each durable consumer, exactly the
 * JetStream API calls a pull consumer makes (consumer info, next message) and the acks; receive
 * replies (publish acks, pulled messages) on `_INBOX.>`, and the subjects it consumes. Creating
 * or changing streams and consumers is the stream Job's (admin) right only.
 */
export function servicePermissions(config: Config, service: Config['services'][number]): NatsPermissions {
  const pub: string[] = service.events.publishes.map((s) => natsSubject(config, s));
  const sub: string[] = ['_INBOX.>'];
  for (const c of service.events.consumes) {
    const stream = streamOf(config, c.subject);
    pub.push(`$JS.API.CONSUMER.INFO.${stream}.${c.durable}`, `$JS.API.CONSUMER.MSG.NEXT.${stream}.${c.durable}`, `$JS.ACK.${stream}.${c.durable}.>`);
    sub.push(natsSubject(config, c.subject));
  }
  return { publish: { allow: [...new Set(pub)] }, subscribe: { allow: [...new Set(sub)] } };
}

/** The stream Job's identity: the JetStream API and its replies, nothing else (it publishes no events). */
export const ADMIN_PERMISSIONS: NatsPermissions = { publish: { allow: ['$JS.API.>'] }, subscribe: { allow: ['_INBOX.>'] } };

/** `nats-0.nats-headless.<ns>.svc.<domain>` … one route per server, itself included (the server skips it). */
export function routeUrls(config: Config, headlessService: string): string[] {
  const e = config.events;
  return Array.from({ length: e.replicas }, (_, i) => `nats://${e.name}-${i}.${headlessService}.${config.namespaces.apps}.svc.${config.cluster.domain}:${e.ports.cluster}`);
}

export function natsServerConfig(config: Config, headlessService: string): NatsServerConfig {
  const e = config.events;
  const users: NatsUser[] = [
    { user: ADMIN_USER, password: { env: passwordEnv(ADMIN_USER) }, permissions: ADMIN_PERMISSIONS },
    ...eventServices(config).map((s) => ({ user: s.name, password: { env: passwordEnv(s.name) }, permissions: servicePermissions(config, s) })),
  ];
  return {
    // The pod name: unique per server, as JetStream's Raft groups need.
    server_name: { env: 'SERVER_NAME' },
    port: e.ports.client,
    http_port: e.ports.monitor,
    pid_file: `${NATS_PID_DIR}/nats.pid`,
    lame_duck_duration: `${LAME_DUCK_SECONDS}s`,
    lame_duck_grace_period: `${LAME_DUCK_GRACE_SECONDS}s`,
    jetstream: { store_dir: NATS_STORE_DIR, max_file_store: Math.floor(quantityBytes(e.storage.size) * STORE_SHARE), max_memory_store: 0 },
    ...(e.replicas > 1 ? { cluster: { name: e.name, port: e.ports.cluster, routes: routeUrls(config, headlessService), no_advertise: true } } : {}),
    authorization: { users },
  };
}

function renderValue(value: unknown, indent: string): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const inner = indent + '  ';
    return `[\n${value.map((v) => inner + renderValue(v, inner)).join('\n')}\n${indent}]`;
  }
  if (value && typeof value === 'object') {
    if ('env' in value && Object.keys(value).length === 1) return `$${(value as EnvRef).env}`;
    return `{\n${renderEntries(value as Record<string, unknown>, indent + '  ')}\n${indent}}`;
  }
  throw new Error(`cannot render ${String(value)} in nats.conf`);
}

function renderEntries(obj: Record<string, unknown>, indent: string): string {
  return Object.entries(obj)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${indent}${k}: ${renderValue(v, indent)}`)
    .join('\n');
}

/** The configuration file, in NATS's own format (top-level keys without braces). */
export function renderNatsConfig(model: NatsServerConfig): string {
  return `# Generated by container-infra from the typed configuration: do not edit.\n${renderEntries(model as unknown as Record<string, unknown>, '')}\n`;
}
