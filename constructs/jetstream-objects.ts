import { natsSubject } from '../model/events';
import { createHash } from 'crypto';
import type { Config } from '../config/schema';
import type { EnvironmentModel } from '../model/environment';
import { durationSeconds } from '../config/schema/events';
import { quantityBytes } from '../lib/quantity';

/**
 * Streams and durable consumers as the JetStream API's own JSON (what `nats stream add --config`
 * and `nats consumer add --config` read), derived from the configuration. The stream Job applies
 * them; its name carries a hash of this content, so a changed definition is a new Job and an
 * unchanged one is nothing new to apply.
 */

/** `7d` → nanoseconds (the API's unit for durations). Exact: the schema keeps them within int64. */
export function durationNanos(d: string): number {
  return durationSeconds(d) * 1e9;
}

export interface JetStreamStream {
  readonly name: string;
  readonly subjects: readonly string[];
  readonly retention: 'limits';
  readonly storage: 'file';
  readonly discard: 'old';
  readonly max_age: number;
  readonly max_bytes: number;
  readonly max_msgs: -1;
  readonly max_msg_size: -1;
  readonly max_consumers: -1;
  readonly num_replicas: number;
  readonly duplicate_window: number;
}

export interface JetStreamConsumer {
  readonly stream: string;
  readonly config: {
    readonly durable_name: string;
    readonly filter_subject: string;
    readonly ack_policy: 'explicit';
    readonly deliver_policy: 'all';
    readonly replay_policy: 'instant';
    readonly ack_wait: number;
    readonly max_ack_pending: number;
  };
}

/** How long a pulled message may stay unacknowledged before it is delivered again. */
export const ACK_WAIT = '30s';
/**
 * Window in which a repeated Nats-Msg-Id is dropped as a duplicate: 2 minutes (the server's
 * default), or the stream's max age when that is shorter, because JetStream refuses a window
 * longer than the max age (server/stream.go checkStreamCfg, 2.10 and 2.12).
 */
export const DUPLICATE_WINDOW = '2m';

export function duplicateWindowNanos(maxAge: string): number {
  return Math.min(durationNanos(DUPLICATE_WINDOW), durationNanos(maxAge));
}

export function jetStreamStreams(config: Config): JetStreamStream[] {
  return config.events.streams.map((s) => ({
    name: s.name,
    subjects: s.subjects.map((x) => natsSubject(config, x)),
    retention: 'limits',
    storage: 'file',
    discard: 'old',
    max_age: durationNanos(s.maxAge),
    max_bytes: quantityBytes(s.maxBytes),
    max_msgs: -1,
    max_msg_size: -1,
    max_consumers: -1,
    num_replicas: s.replicas,
    duplicate_window: duplicateWindowNanos(s.maxAge),
  }));
}

/** One pull consumer per durable of the model's users (each declared `consumes` entry). */
export function jetStreamConsumers(model: EnvironmentModel): JetStreamConsumer[] {
  return model.events.users.flatMap((user) =>
    user.consumes.map((c) => ({
      stream: c.stream,
      config: {
        durable_name: c.durable,
        filter_subject: c.subject,
        ack_policy: 'explicit' as const,
        deliver_policy: 'all' as const,
        replay_policy: 'instant' as const,
        ack_wait: durationNanos(ACK_WAIT),
        max_ack_pending: 1000,
      },
    })),
  );
}

/** ConfigMap data: `stream-<NAME>.json` and `consumer-<STREAM>-<durable>.json`, sorted by key. */
export function jetStreamFiles(model: EnvironmentModel): Record<string, string> {
  const files: Record<string, string> = {};
  for (const s of jetStreamStreams(model.config)) files[`stream-${s.name}.json`] = JSON.stringify(s, null, 2) + '\n';
  for (const c of jetStreamConsumers(model)) files[`consumer-${c.stream}-${c.config.durable_name}.json`] = JSON.stringify(c.config, null, 2) + '\n';
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Short content hash: the stream Job and its ConfigMap are named by it. */
export function definitionsHash(files: Record<string, string>): string {
  return createHash('sha256').update(JSON.stringify(files)).digest('hex').slice(0, 10);
}

/**
 * The Job's script (POSIX sh, nats-box). Waits (bounded) until JetStream itself answers (the list
 * of streams: the server alone is not enough), then creates each stream and consumer, or edits it
 * to the definition when it exists, and removes every durable of a declared stream that is no
 * longer declared (only this Job creates consumers, so any other one is a leftover of a rename or
 * removal, and its pending count would keep an alert firing). Running it twice changes nothing.
 * Every call uses the Job's own inbox prefix, the only inbox its user may subscribe to.
 */
export const STREAMS_SCRIPT = `set -eu
nats() { command nats --inbox-prefix "$NATS_INBOX_PREFIX" "$@"; }
i=0
until nats stream ls --names >/dev/null 2>&1; do
  i=$((i + 1)); [ "$i" -le 60 ] || { echo "JetStream not answering at $NATS_URL" >&2; exit 1; }
  sleep 5
done
for f in "$DEFS"/stream-*.json; do
  name=$(basename "$f" .json); name=\${name#stream-}
  if nats stream info "$name" >/dev/null 2>&1; then nats stream edit "$name" --config "$f" --force; else nats stream add "$name" --config "$f"; fi
done
for f in "$DEFS"/consumer-*.json; do
  [ -e "$f" ] || continue
  stream=$(basename "$f" .json); stream=\${stream#consumer-}; durable=\${stream#*-}; stream=\${stream%%-*}
  if nats consumer info "$stream" "$durable" >/dev/null 2>&1; then nats consumer edit "$stream" "$durable" --config "$f" --force; else nats consumer add "$stream" "$durable" --config "$f"; fi
done
for f in "$DEFS"/stream-*.json; do
  name=$(basename "$f" .json); name=\${name#stream-}
  durables=$(nats consumer ls "$name" --names)
  printf '%s\\n' "$durables" | while IFS= read -r durable; do
    [ -n "$durable" ] && [ ! -e "$DEFS/consumer-$name-$durable.json" ] || continue
    nats consumer rm "$name" "$durable" --force
    echo "removed durable $durable of stream $name: no longer declared"
  done
done
echo "streams and consumers match their definitions"
`;
