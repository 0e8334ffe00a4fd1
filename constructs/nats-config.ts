import { NATS_CONFIG_FILE } from '../model/events';
import type { EnvironmentModel } from '../model/environment';
import type { NatsAccount, NatsPermissions, NatsUser } from '../model/nats';
import { STORE_SHARE } from '../config/schema/events';
import { quantityBytes } from '../lib/quantity';

/**
 * nats.conf as typed data, rendered once from the model's accounts, users and routes (model/nats.ts
 * decides who may do what; this file only writes it down). Keys are the ones nats-server 2.10 knows
 * (the version `nats-server -t` and the live tests run); the pinned image is newer and accepts them all.
 * Passwords are never values here: each is a reference (`$NATS_PASSWORD_<USER>`) that the server
 * resolves from its environment, which the pod fills from the user-created Secret.
 */

/** An environment reference, rendered unquoted as `$NAME`. */
export interface EnvRef {
  readonly env: string;
}

export interface NatsConfUser {
  readonly user: string;
  readonly password: EnvRef;
  readonly permissions: NatsPermissions;
}

/** A service export of the streams account, to the named accounts only (`accounts`: never public). */
export interface NatsConfExport {
  readonly service: string;
  readonly accounts: readonly string[];
  readonly response_type?: 'stream';
}

/** A service import into a service's account, from the streams account (renamed `to` a local subject). */
export interface NatsConfImport {
  readonly service: { readonly account: string; readonly subject: string };
  readonly to?: string;
}

export interface NatsConfAccount {
  readonly jetstream?: 'enabled';
  readonly users: readonly NatsConfUser[];
  readonly exports?: readonly NatsConfExport[];
  readonly imports?: readonly NatsConfImport[];
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
  readonly accounts: Readonly<Record<string, NatsConfAccount>>;
}

export { NATS_CONFIG_FILE };
export const NATS_CONFIG_DIR = '/etc/nats-config';
export const NATS_PID_DIR = '/var/run/nats';
export const NATS_STORE_DIR = '/data';
/** Lame duck: stop accepting, then move clients away over this long before exiting (< terminationGracePeriodSeconds). */
export const LAME_DUCK_SECONDS = 30;
export const LAME_DUCK_GRACE_SECONDS = 10;

/** One account of the model as nats.conf writes it; a user's password is a reference to the server's environment. */
function confAccount(account: NatsAccount, users: ReadonlyMap<string, NatsUser>): NatsConfAccount {
  const user = (name: string): NatsConfUser => {
    const u = users.get(name);
    if (!u) throw new Error(`account ${account.name} names user ${name}, whom the model does not have`);
    return { user: u.user, password: { env: u.passwordEnv }, permissions: u.permissions };
  };
  return {
    ...(account.jetstream ? { jetstream: 'enabled' as const } : {}),
    users: account.users.map(user),
    ...(account.exports.length ? { exports: account.exports.map((x) => ({ service: x.subject, accounts: x.accounts, ...(x.responses ? { response_type: x.responses } : {}) })) } : {}),
    ...(account.imports.length ? { imports: account.imports.map((x) => ({ service: { account: x.account, subject: x.subject }, ...(x.local !== x.subject ? { to: x.local } : {}) })) } : {}),
  };
}

export function natsServerConfig(model: EnvironmentModel): NatsServerConfig {
  const e = model.config.events;
  const bus = model.events;
  const users = new Map(bus.users.map((u) => [u.user, u]));
  return {
    // The pod name: unique per server, as JetStream's Raft groups need.
    server_name: { env: 'SERVER_NAME' },
    port: e.ports.client,
    http_port: e.ports.monitor,
    pid_file: `${NATS_PID_DIR}/nats.pid`,
    lame_duck_duration: `${LAME_DUCK_SECONDS}s`,
    lame_duck_grace_period: `${LAME_DUCK_GRACE_SECONDS}s`,
    jetstream: { store_dir: NATS_STORE_DIR, max_file_store: Math.floor(quantityBytes(e.storage.size) * STORE_SHARE), max_memory_store: 0 },
    ...(bus.routes.length ? { cluster: { name: e.name, port: e.ports.cluster, routes: bus.routes, no_advertise: true } } : {}),
    accounts: Object.fromEntries(bus.accounts.map((a) => [a.name, confAccount(a, users)])),
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

/** Keys are written bare; an account named like a service (`my-svc`) is quoted. */
function renderKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key);
}

function renderEntries(obj: Record<string, unknown>, indent: string): string {
  return Object.entries(obj)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${indent}${renderKey(k)}: ${renderValue(v, indent)}`)
    .join('\n');
}

/** The configuration file, in NATS's own format (top-level keys without braces). */
export function renderNatsConfig(model: NatsServerConfig): string {
  return `# Generated by container-infra from the typed configuration: do not edit.\n${renderEntries(model as unknown as Record<string, unknown>, '')}\n`;
}
