import type { Config } from '../config/schema';
import { ADMIN_USER, STORE_SHARE, subjectMatches } from '../config/schema/events';
import { quantityBytes } from '../validate/quantity';

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

/** A service export of the streams account, to the named accounts only (`accounts`: never public). */
export interface NatsExport {
  readonly service: string;
  readonly accounts: readonly string[];
  readonly response_type?: 'stream';
}

/** A service import into a service's account, from the streams account (renamed `to` a local subject). */
export interface NatsImport {
  readonly service: { readonly account: string; readonly subject: string };
  readonly to?: string;
}

export interface NatsAccount {
  readonly jetstream?: 'enabled';
  readonly users: readonly NatsUser[];
  readonly exports?: readonly NatsExport[];
  readonly imports?: readonly NatsImport[];
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
  readonly accounts: Readonly<Record<string, NatsAccount>>;
}

export const NATS_CONFIG_FILE = 'nats.conf';
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

/** `payment.completed` → `events.payment.completed` */
export function natsSubject(config: Config, subject: string): string {
  return `${config.events.subjectPrefix}.${subject}`;
}

/** The stream that stores a declared (relative) subject; the schema guarantees there is one. */
export function streamOf(config: Config, subject: string): string {
  const s = config.events.streams.find((x) => x.subjects.some((p) => subjectMatches(p, subject)));
  if (!s) throw new Error(`no stream stores "${subject}" (the configuration schema should have refused this)`);
  return s.name;
}

/** Is the bus generated? Only when enabled and some service declares events (nobody else may connect). */
export function eventBusDeployed(config: Config): boolean {
  return eventServices(config).length > 0;
}

/** Services that declare events, in configuration order: the bus's clients. */
export function eventServices(config: Config): Config['services'] {
  if (!config.events.enabled) return [];
  return config.services.filter((s) => s.events.publishes.length + s.events.consumes.length > 0);
}

/**
 * Isolation (docs/event-bus.md): every service is a NATS account of its own, with one user; the
 * streams, their consumers and the stream Job's `admin` user live in the streams account, the only
 * one with JetStream. Nothing crosses between accounts but what the streams account exports to one
 * named account and that account imports: its declared publish subjects and the JetStream API of its
 * own durables, as services: the server gives every request a fresh `_R_.` reply in the streams
 * account that leads back into the requester's account, so a reply subject chosen by a client can
 * never make JetStream write into a stream. Events reach consumers only through their durables (a
 * stream export would not carry them: the server does not pass a message that arrived through a
 * service import on to stream imports). Inside its account each user is further limited to those
 * subjects and its own inbox prefix.
 */
export const STREAMS_ACCOUNT = 'STREAMS';
/** The variable that gives a client its inbox prefix (nats.js `inboxPrefix`, nats CLI `--inbox-prefix`). */
export const INBOX_PREFIX_ENV = 'NATS_INBOX_PREFIX';
/** The variable that gives a service its JetStream API prefix (nats.js `jetstream({ apiPrefix })`, nats CLI `--js-api-prefix`). */
export const JS_API_PREFIX_ENV = 'NATS_JS_API_PREFIX';
/** The JetStream API in the account that holds the streams. */
const JS_API = '$JS.API';
/**
 * Where a service's account sees the streams account's JetStream API. Not `$JS.API`: an account
 * without JetStream answers `$JS.API.>` itself ("JetStream not enabled") unless an import covers
 * `$JS.API.INFO` (nats-server jetstream.go, enableJetStreamInfoServiceImportOnly), and importing
 * that would show every service the streams account's usage. So the imports are renamed (`to`).
 */
export const SERVICE_JS_API_PREFIX = `JS.${STREAMS_ACCOUNT}.API`;

/** How one NATS user connects: the single answer for the pods' environment, the Jobs and the tests. */
export interface NatsClient {
  readonly user: string;
  /** Its account (nats.conf `accounts`); for information: the server finds it by the user. */
  readonly account: string;
  /** Key of its password in the user-created Secret. */
  readonly secretKey: string;
  /** The only inbox it may subscribe to: `<prefix>.>`. The client must set it. */
  readonly inboxPrefix: string;
  /** The prefix of the JetStream API subjects it uses (its consumers' info and pull requests). */
  readonly jsApiPrefix: string;
}

/** `admin` or a service that declares events. */
export function natsClient(user: string): NatsClient {
  const admin = user === ADMIN_USER;
  return { user, account: admin ? STREAMS_ACCOUNT : user, secretKey: user, inboxPrefix: `_INBOX_${user}`, jsApiPrefix: admin ? JS_API : SERVICE_JS_API_PREFIX };
}

/**
 * The JetStream API subjects a pull consumer uses on its own durable (consumer info, next
 * messages, acks), as the streams account names them and as the service's account sees them.
 */
export function durableApi(stream: string, durable: string): Array<{ subject: string; local: string; responses?: 'stream' }> {
  const api = (prefix: string, call: string) => `${prefix}.CONSUMER.${call}.${stream}.${durable}`;
  const ack = `$JS.ACK.${stream}.${durable}.>`;
  return [
    { subject: api(JS_API, 'INFO'), local: api(SERVICE_JS_API_PREFIX, 'INFO') },
    // A pull request is answered by several messages (the batch, then a status).
    { subject: api(JS_API, 'MSG.NEXT'), local: api(SERVICE_JS_API_PREFIX, 'MSG.NEXT'), responses: 'stream' },
    { subject: ack, local: ack },
  ];
}

/**
 * A service's rights: publish its declared subjects; for each durable consumer, exactly the
 * JetStream API calls a pull consumer makes (consumer info, next messages) and the acks; receive
 * replies (acknowledgements, pulled events) on its own inbox prefix only. Creating or changing
 * streams and consumers is the stream Job's (admin) right only.
 */
export function servicePermissions(config: Config, service: Config['services'][number]): NatsPermissions {
  const pub: string[] = service.events.publishes.map((s) => natsSubject(config, s));
  const sub: string[] = [`${natsClient(service.name).inboxPrefix}.>`];
  for (const c of service.events.consumes) pub.push(...durableApi(streamOf(config, c.subject), c.durable).map((a) => a.local));
  return { publish: { allow: [...new Set(pub)] }, subscribe: { allow: [...new Set(sub)] } };
}

/** The stream Job's identity: the JetStream API and its own inbox, nothing else (it publishes no events). */
export const ADMIN_PERMISSIONS: NatsPermissions = { publish: { allow: ['$JS.API.>'] }, subscribe: { allow: [`${natsClient(ADMIN_USER).inboxPrefix}.>`] } };

/** A subject the streams account answers for one service: exported under `subject`, imported as `local`. */
interface ServiceLink {
  readonly subject: string;
  readonly local: string;
  readonly responses?: 'stream';
}

/** What crosses from the streams account into one service's account, and back. */
function serviceLinks(config: Config, service: Config['services'][number]): ServiceLink[] {
  const links: ServiceLink[] = service.events.publishes.map((s) => ({ subject: natsSubject(config, s), local: natsSubject(config, s) }));
  for (const c of service.events.consumes) links.push(...durableApi(streamOf(config, c.subject), c.durable));
  return links;
}

/** The accounts: the streams account (JetStream, admin, the exports) and one per service that declares events. */
export function natsAccounts(config: Config): Record<string, NatsAccount> {
  const links = eventServices(config).map((s) => ({ client: natsClient(s.name), service: s, services: serviceLinks(config, s) }));
  const admin = natsClient(ADMIN_USER);
  const accounts: Record<string, NatsAccount> = {
    [admin.account]: {
      jetstream: 'enabled',
      users: [{ user: admin.user, password: { env: passwordEnv(admin.user) }, permissions: ADMIN_PERMISSIONS }],
      exports: links.flatMap((l) => l.services.map((x) => ({ service: x.subject, accounts: [l.client.account], ...(x.responses ? { response_type: x.responses } : {}) }))),
    },
  };
  for (const l of links) {
    accounts[l.client.account] = {
      users: [{ user: l.client.user, password: { env: passwordEnv(l.client.user) }, permissions: servicePermissions(config, l.service) }],
      imports: l.services.map((x) => ({ service: { account: admin.account, subject: x.subject }, ...(x.local !== x.subject ? { to: x.local } : {}) })),
    };
  }
  return accounts;
}

/** `nats-0.nats-headless.<ns>.svc.<domain>` … one route per server, itself included (the server skips it). */
export function routeUrls(config: Config, headlessService: string): string[] {
  const e = config.events;
  return Array.from({ length: e.replicas }, (_, i) => `nats://${e.name}-${i}.${headlessService}.${config.namespaces.apps}.svc.${config.cluster.domain}:${e.ports.cluster}`);
}

export function natsServerConfig(config: Config, headlessService: string): NatsServerConfig {
  const e = config.events;
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
    accounts: natsAccounts(config),
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
