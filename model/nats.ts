import type { Config } from '../config/schema';
import { ADMIN_USER } from '../config/schema/events';
import type { GeneratedEnv } from '../config/schema/microservices';
import { eventServices, natsSubject, streamOf } from './events';

/*
 * The NATS users, their accounts and rights, and how each connects: facts of the model
 * (`model.events.accounts`, `.users`, `.routes`), derived once from the configuration. nats.conf
 * (constructs/nats-config.ts) renders them; the pods' environment, the Jobs and the tests read them.
 *
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

/** The account that holds the streams, their consumers and `admin`: the only one with JetStream. */
export const STREAMS_ACCOUNT = 'STREAMS';
/** The variables a NATS client connects with: pods, Jobs and the validator's live check read these names. */
export const NATS_CLIENT_ENV = {
  url: 'NATS_URL',
  user: 'NATS_USER',
  password: 'NATS_PASSWORD',
  /** Its inbox prefix (nats.js `inboxPrefix`, nats CLI `--inbox-prefix`). */
  inboxPrefix: 'NATS_INBOX_PREFIX',
  /** Its JetStream API prefix (nats.js `jetstream({ apiPrefix })`, nats CLI `--js-api-prefix`). */
  jsApiPrefix: 'NATS_JS_API_PREFIX',
} as const satisfies Record<string, GeneratedEnv>;
/** The JetStream API in the account that holds the streams. */
export const JS_API = '$JS.API';
/**
 * Where a service's account sees the streams account's JetStream API. Not `$JS.API`: an account
 * without JetStream answers `$JS.API.>` itself ("JetStream not enabled") unless an import covers
 * `$JS.API.INFO` (nats-server jetstream.go, enableJetStreamInfoServiceImportOnly), and importing
 * that would show every service the streams account's usage. So the imports are renamed (`to`).
 */
export const SERVICE_JS_API_PREFIX = `JS.${STREAMS_ACCOUNT}.API`;

/** The server-side environment variable that carries a NATS user's password. */
export function passwordEnv(user: string): string {
  return `NATS_PASSWORD_${user.toUpperCase().replace(/-/g, '_')}`;
}

export interface NatsPermissions {
  readonly publish: { readonly allow: readonly string[] };
  readonly subscribe: { readonly allow: readonly string[] };
}

/** One NATS user: its account, its rights, and how it connects (the one answer for pods, Jobs and tests). */
export interface NatsUser {
  readonly user: string;
  /** Its account (nats.conf `accounts`); the server finds it by the user. */
  readonly account: string;
  /** Key of its password in the user-created Secret (`events.secretName`). */
  readonly secretKey: string;
  /** The server's environment variable holding its password (nats.conf says `$<passwordEnv>`). */
  readonly passwordEnv: string;
  /** The only inbox it may subscribe to: `<prefix>.>`. The client must set it. */
  readonly inboxPrefix: string;
  /** The prefix of the JetStream API subjects it uses (its consumers' info and pull requests). */
  readonly jsApiPrefix: string;
  readonly permissions: NatsPermissions;
  /** Events it publishes: the subject on the wire and the stream that stores it (none for `admin`). */
  readonly publishes: ReadonlyArray<{ readonly subject: string; readonly stream: string }>;
  /** Its durable pull consumers: the subject on the wire, the stream, the durable (none for `admin`). */
  readonly consumes: ReadonlyArray<{ readonly subject: string; readonly stream: string; readonly durable: string }>;
}

/** A service the streams account serves to the named accounts only (never public). */
export interface NatsExport {
  readonly subject: string;
  readonly accounts: readonly string[];
  /** `stream`: one request is answered by several messages (a pull: the batch, then a status). */
  readonly responses?: 'stream';
}

/** A service an account imports from another, seen locally as `local` (the same subject unless renamed). */
export interface NatsImport {
  readonly account: string;
  readonly subject: string;
  readonly local: string;
}

export interface NatsAccount {
  readonly name: string;
  /** Only the streams account has JetStream. */
  readonly jetstream: boolean;
  /** Its users, by name (`model.events.users`). */
  readonly users: readonly string[];
  readonly exports: readonly NatsExport[];
  readonly imports: readonly NatsImport[];
}

/** The bus's identities, accounts and cluster routes, as the model holds them. */
export interface NatsFacts {
  /** The streams account first, then one per service that declares events, in configuration order. */
  readonly accounts: readonly NatsAccount[];
  /** `admin` first, then one per service that declares events, in configuration order. */
  readonly users: readonly NatsUser[];
  /** `nats://<name>-<i>.<headless>.<ns>.svc.<domain>:<cluster port>`, one per server, itself included (the server skips it); none for a single server (no cluster). */
  readonly routes: readonly string[];
}

/** How `user` connects: `admin` on the plain JetStream API in the streams account, a service through its own account. */
function clientOf(user: string): Pick<NatsUser, 'user' | 'account' | 'secretKey' | 'passwordEnv' | 'inboxPrefix' | 'jsApiPrefix'> {
  const admin = user === ADMIN_USER;
  return { user, account: admin ? STREAMS_ACCOUNT : user, secretKey: user, passwordEnv: passwordEnv(user), inboxPrefix: `_INBOX_${user}`, jsApiPrefix: admin ? JS_API : SERVICE_JS_API_PREFIX };
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
 * The bus's users, accounts and routes. A service's rights: publish its declared subjects; for
 * each durable consumer, exactly the JetStream API calls a pull consumer makes (consumer info,
 * next messages) and the acks; receive replies (acknowledgements, pulled events) on its own inbox
 * prefix only. `admin` (the stream Job) has the JetStream API and its own inbox, nothing else:
 * creating or changing streams and consumers is its right only.
 */
export function natsFacts(config: Config, headless: string): NatsFacts {
  const admin = clientOf(ADMIN_USER);
  const users: NatsUser[] = [
    { ...admin, permissions: { publish: { allow: [`${JS_API}.>`] }, subscribe: { allow: [`${admin.inboxPrefix}.>`] } }, publishes: [], consumes: [] },
  ];
  const accounts: NatsAccount[] = [];
  const served: NatsExport[] = [];
  for (const s of eventServices(config)) {
    const client = clientOf(s.name);
    const publishes = s.events.publishes.map((x) => ({ subject: natsSubject(config, x), stream: streamOf(config, x) }));
    const consumes = s.events.consumes.map((c) => ({ subject: natsSubject(config, c.subject), stream: streamOf(config, c.subject), durable: c.durable }));
    // What crosses from the streams account into this account, and back.
    const links = [...publishes.map((p) => ({ subject: p.subject, local: p.subject, responses: undefined })), ...consumes.flatMap((c) => durableApi(c.stream, c.durable))];
    const pub = [...publishes.map((p) => p.subject), ...consumes.flatMap((c) => durableApi(c.stream, c.durable).map((a) => a.local))];
    users.push({ ...client, permissions: { publish: { allow: [...new Set(pub)] }, subscribe: { allow: [`${client.inboxPrefix}.>`] } }, publishes, consumes });
    served.push(...links.map((l) => ({ subject: l.subject, accounts: [client.account], ...(l.responses ? { responses: l.responses } : {}) })));
    accounts.push({ name: client.account, jetstream: false, users: [client.user], exports: [], imports: links.map((l) => ({ account: admin.account, subject: l.subject, local: l.local })) });
  }
  accounts.unshift({ name: admin.account, jetstream: true, users: [admin.user], exports: served, imports: [] });
  const e = config.events;
  const routes = e.replicas > 1 ? Array.from({ length: e.replicas }, (_, i) => `nats://${e.name}-${i}.${headless}.${config.namespaces.apps}.svc.${config.cluster.domain}:${e.ports.cluster}`) : [];
  return { accounts, users, routes };
}

/** The user named `name` (admin or a service that declares events); throws for anyone else: nobody else may connect. */
export function natsUser(facts: Pick<NatsFacts, 'users'>, name: string): NatsUser {
  const u = facts.users.find((x) => x.user === name);
  if (!u) throw new Error(`"${name}" is no NATS user of this environment (users: ${facts.users.map((x) => x.user).join(', ')})`);
  return u;
}

/** The smoke Job's pair: the first declared consumer and the user that publishes its subject (on the wire). */
export function smokePair(users: readonly NatsUser[]): { publisher: NatsUser; consumer: NatsUser; subject: string; stream: string; durable: string } | undefined {
  for (const c of users) {
    for (const { subject, stream, durable } of c.consumes) {
      const p = users.find((u) => u.publishes.some((x) => x.subject === subject));
      if (p) return { publisher: p, consumer: c, subject, stream, durable };
    }
  }
  return undefined;
}
