import { z } from 'zod';
import { quantityNanos } from '../../validate/quantity';
import { dnsLabel, imageRef, memoryQuantity, port, res, resources, storage, serviceName } from './common';

/**
 * The event bus (NATS with JetStream) and what each service declares it publishes and consumes.
 * Subjects are written relative to `events.subjectPrefix`: `payment.completed` is the NATS subject
 * `events.payment.completed`. A service publishes only under its own name (`payment.…`).
 */

/** Tested together: the helm chart nats-io/k8s pinned these three at commit de51075 (2026-03). */
export const DEFAULT_NATS_IMAGE = 'nats:2.12.6-alpine';
export const DEFAULT_NATS_EXPORTER_IMAGE = 'natsio/prometheus-nats-exporter:0.18.0';
export const DEFAULT_NATS_BOX_IMAGE = 'natsio/nats-box:0.19.3';

/** One NATS subject token: no wildcards, no dots, nothing NATS treats specially. */
const TOKEN = '[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
export const SUBJECT = new RegExp(`^${TOKEN}(\\.${TOKEN})*$`);
/** A stream subject may end in `>` or use `*` tokens. */
const STREAM_SUBJECT = new RegExp(`^(${TOKEN}|\\*)(\\.(${TOKEN}|\\*))*(\\.>)?$`);

const subject = z.string().regex(SUBJECT, 'must be a subject such as "payment.completed": lower-case dot-separated tokens (letters, digits, "-", "_"), no wildcards');
const durable = z
  .string()
  .regex(/^[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/, 'must be a durable consumer name: lower-case letters, digits, "-" and "_"')
  .max(64, 'must be at most 64 characters');

/** Per service: `events: { publishes: [...], consumes: [{subject, durable}] }`. */
export const serviceEvents = z.strictObject({
  /** Subjects this service publishes; each must start with `<service name>.`. */
  publishes: z.array(subject).default([]),
  /** Subjects this service consumes through a durable JetStream consumer of its own. */
  consumes: z
    .array(
      z.strictObject({
        subject,
        /** The durable consumer's name (unique within its stream); it keeps the position while the service is away. */
        durable,
      }),
    )
    .default([]),
});
export type ServiceEvents = z.infer<typeof serviceEvents>;

/** Go-style durations the JetStream API takes in nanoseconds: `90s`, `30m`, `24h`, `7d`. */
const duration = z.string().regex(/^[1-9][0-9]*(s|m|h|d)$/, 'must be a duration such as "30m", "24h" or "7d"');

const SECONDS_PER: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `7d` → seconds (exact up to 2^53; anything that large is refused before it is used). */
export function durationSeconds(d: string): number {
  const m = /^([0-9]+)(s|m|h|d)$/.exec(d);
  if (!m) throw new Error(`unsupported duration "${d}"`);
  return Number(m[1]) * SECONDS_PER[m[2]];
}

/**
 * The longest duration JetStream can hold: its durations are Go time.Duration, int64 nanoseconds
 * (2^63 - 1 ns is 9223372036.85 s). A longer one does not even parse on the server.
 */
export const MAX_DURATION_SECONDS = 9223372036;
const maxDuration = Object.entries(SECONDS_PER)
  .map(([unit, s]) => `${Math.floor(MAX_DURATION_SECONDS / s)}${unit}`)
  .join(' = ');

/**
 * nats-server's limits our nats.conf leaves at their defaults (server/const.go, the same in 2.10.27
 * and 2.12.6): the largest message payload (headers included) and protocol line (which bounds a
 * subject), and the file store's framing of one message (server/filestore.go emptyRecordLen + the
 * header length field).
 */
export const NATS_MAX_PAYLOAD = 1024 * 1024;
export const NATS_MAX_CONTROL_LINE = 4096;
const STORE_RECORD_FRAMING = 34;
/**
 * A stream must hold one message of the largest size a client may publish: with `discard: old`, a
 * message bigger than max_bytes is acknowledged and then removed at once to get under the limit.
 */
export const MIN_STREAM_BYTES = NATS_MAX_PAYLOAD + NATS_MAX_CONTROL_LINE + STORE_RECORD_FRAMING;
/** The same in the exact parser's unit (a malformed quantity is reported by its own rule). */
const MIN_STREAM_NANOS = BigInt(MIN_STREAM_BYTES) * 1_000_000_000n;

export const stream = z.strictObject({
  /** JetStream stream name (upper case by convention). */
  name: z.string().regex(/^[A-Z][A-Z0-9_]{0,31}$/, 'must be a stream name: an upper-case letter, then up to 31 of A-Z, 0-9 and "_"'),
  /** Subjects it stores, relative to `events.subjectPrefix` (`payment.>`). */
  subjects: z.array(z.string().regex(STREAM_SUBJECT, 'must be a subject such as "payment.>" or "payment.*"')).min(1, 'must list at least one subject'),
  /** Retention by age: older events are removed. At most 106751d (int64 nanoseconds). */
  maxAge: duration
    // zod runs refinements after a failed regex too: only a well-formed duration is measured.
    .refine((d) => !/^[0-9]+[smhd]$/.test(d) || durationSeconds(d) <= MAX_DURATION_SECONDS, `must be at most ${maxDuration} (JetStream keeps durations as int64 nanoseconds)`)
    .default('7d'),
  /** Retention by size: the oldest events go first when the stream reaches it. At least one message of the largest size NATS accepts (1052706 bytes). */
  maxBytes: memoryQuantity
    .refine((q) => (quantityNanos(q) ?? MIN_STREAM_NANOS) >= MIN_STREAM_NANOS, `must be at least ${MIN_STREAM_BYTES} bytes (about 1.01Mi): room for one message of the largest size NATS accepts (max_payload ${NATS_MAX_PAYLOAD} bytes, a subject of up to ${NATS_MAX_CONTROL_LINE} bytes and ${STORE_RECORD_FRAMING} bytes of file-store framing); a smaller stream drops each such message right after acknowledging it`)
    .default('64Mi'),
  /** Copies kept on different servers; at most `events.replicas`. */
  replicas: z.number().int().min(1, 'must be at least 1').max(5, 'must be at most 5 (JetStream limit)').default(1),
});
export type StreamConfig = z.infer<typeof stream>;

export const DEFAULT_STREAMS = [
  { name: 'PAYMENT', subjects: ['payment.>'] },
  { name: 'NEWS', subjects: ['news.>'] },
];

export const events = z.strictObject({
  /** Deploy the bus. Off: services get no NATS variables, and their `events` declarations are ignored. */
  enabled: z.boolean().default(true),
  /** Name of the StatefulSet, its client Service and ConfigMap; `<name>-headless` is the route Service. */
  name: serviceName.max(40, 'must be at most 40 characters (objects are named "<name>-streams-<hash>")').default('nats'),
  image: imageRef.default(DEFAULT_NATS_IMAGE),
  exporterImage: imageRef.default(DEFAULT_NATS_EXPORTER_IMAGE),
  /** Runs the stream Job and the smoke check (`nats` CLI). */
  boxImage: imageRef.default(DEFAULT_NATS_BOX_IMAGE),
  /** The official images run as root; any numeric non-root UID works (the volume is group-writable through fsGroup). */
  runAsUser: z.number().int().min(1).default(1000),
  runAsGroup: z.number().int().min(1).default(1000),
  /** 1, or a JetStream cluster of 3 or 5 (routes over the headless Service; Raft needs a majority). */
  replicas: z.union([z.literal(1), z.literal(3), z.literal(5)], { error: 'must be 1, 3 or 5 (a JetStream cluster needs an odd number of at least 3)' }).default(1),
  /** Prefix of every event subject: `<prefix>.<service>.…`. */
  subjectPrefix: z.string().regex(SUBJECT, 'must be a subject prefix such as "events"').default('events'),
  ports: z
    .strictObject({
      client: port.default(4222),
      cluster: port.default(6222),
      monitor: port.default(8222),
      /** prometheus-nats-exporter (scraped by Prometheus). */
      metrics: port.default(7777),
    })
    .prefault({}),
  /**
   * The Secret you create (keys: `admin` and one per service that uses events, named like the
   * service). See docs/event-bus.md for the `kubectl create secret` line.
   */
  secretName: dnsLabel.default('nats-credentials'),
  /** The JetStream file store; 90 % of it is given to JetStream (`max_file_store`). */
  storage: storage.prefault({ size: '1Gi' }),
  resources: resources.default(res('50m', '160Mi', '256Mi')),
  exporterResources: resources.default(res('10m', '16Mi', '32Mi')),
  /** The stream Job and the smoke Job (short-lived). */
  jobResources: resources.default(res('10m', '32Mi', '64Mi')),
  streams: z.array(stream).default(() => z.array(stream).parse(DEFAULT_STREAMS)),
  /** A Job that publishes one event as a publisher and receives it as a consumer, with their real credentials. */
  smoke: z.strictObject({ enabled: z.boolean().default(false) }).prefault({}),
});
export type EventsConfig = z.infer<typeof events>;

/** Does the stream subject `pattern` (with `*` / `>` wildcards) cover `subject`? */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

/** Could one subject match both patterns? (JetStream refuses streams whose subjects overlap.) */
export function subjectsOverlap(a: string, b: string): boolean {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] === '>' || y[i] === '>') return x[i] !== undefined && y[i] !== undefined;
    if (x[i] === undefined || y[i] === undefined) return false;
    if (x[i] !== y[i] && x[i] !== '*' && y[i] !== '*') return false;
  }
  return true;
}

/** The NATS user reserved for the stream Job; no service that uses events may take the name. */
export const ADMIN_USER = 'admin';

/** Share of the volume JetStream may fill (the rest: filesystem overhead and Raft/index files). */
export const STORE_SHARE = 0.9;

