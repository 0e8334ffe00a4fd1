import { connect, ConnectionOptions, JetStreamClient, NatsConnection } from 'nats';
import type { Config, ConfigInput } from '../../config/schema';
import type { EnvironmentModel } from '../../model/environment';
import { NatsUser, natsUser } from '../../model/nats';
import { resolve } from '../../model/resolve';
import { busObjects } from '../../validate/programs/nats-check';
import { documentedPassword } from '../../validate/programs/pod-env';
import { K8sObject, synthObjects } from './manifests';

// Starting the bus and applying the stream Job's definitions: one implementation, the validator's.
export { applyDefinitions, startBus } from '../../validate/programs/nats-bus';
export type { Applied, RunningBus } from '../../validate/programs/nats-bus';

/*
 * The bus of one configuration as dist/ ships it (nats.conf, the stream Job's definitions, the
 * password variables the StatefulSet fills from the Secret), and the one way the tests connect as
 * a user: with what the model says that user's pods get (`model.events.users`: NATS_INBOX_PREFIX, NATS_JS_API_PREFIX).
 */

export interface SynthesizedBus {
  readonly config: Config;
  /** The model the objects were synthesized from: its users are who may connect, and how. */
  readonly model: EnvironmentModel;
  readonly natsConf: string;
  /** The StatefulSet: server i is pod `<statefulSet>-i`. */
  readonly statefulSet: string;
  /** The stream Job's ConfigMap data: `stream-<NAME>.json`, `consumer-<STREAM>-<durable>.json`. */
  readonly definitions: Record<string, string>;
  /** Server variable → Secret key, from the StatefulSet's server container. */
  readonly passwordVars: Array<{ name: string; key: string }>;
}

/** Found as the validator finds it (`busObjects`): the ConfigMap with nats.conf, the StatefulSet that mounts it, the Job's files. */
export function synthesizedBus(config: Config, objects: K8sObject[] = synthObjects(config)): SynthesizedBus {
  const bus = busObjects(objects);
  if (!bus || !bus.job) throw new Error('the synthesized objects have no event bus with a stream Job');
  const passwordVars = (bus.serverContainer.env ?? [])
    .filter((e: any) => e.valueFrom?.secretKeyRef)
    .map((e: any) => ({ name: e.name, key: e.valueFrom.secretKeyRef.key }));
  return { config, model: resolve(config), natsConf: bus.conf, statefulSet: bus.statefulSet.metadata.name, definitions: bus.definitions, passwordVars };
}

/** Passwords in the documented form: what `kubectl create secret` would hold. */
export function documentedSecret(bus: SynthesizedBus): Record<string, string> {
  return Object.fromEntries(bus.passwordVars.map(({ key }) => [key, documentedPassword()]));
}

/** Server `index`'s environment: its pod name as SERVER_NAME, the password variables from `secret`. */
export function serverEnvFor(bus: SynthesizedBus, secret: Record<string, string>, index = 0): Record<string, string> {
  return { SERVER_NAME: `${bus.statefulSet}-${index}`, ...Object.fromEntries(bus.passwordVars.map(({ name, key }) => [name, secret[key]])) };
}

/** The model's NATS user `name` of this bus (throws for a name that may not connect). */
export function userOf(bus: Pick<SynthesizedBus, 'model'>, name: string): NatsUser {
  return natsUser(bus.model.events, name);
}

/** Connect as `client` the way its pods do: its password, its own inbox prefix. */
export async function connectAs(servers: string | readonly string[], client: Pick<NatsUser, 'user' | 'inboxPrefix'>, password: string, extra: Partial<ConnectionOptions> = {}): Promise<NatsConnection> {
  return connect({ servers: typeof servers === 'string' ? servers : [...servers], user: client.user, pass: password, inboxPrefix: client.inboxPrefix, reconnect: false, timeout: 5000, ...extra });
}

/** The JetStream client of `client`, on its API prefix. */
export function jetStreamOf(nc: NatsConnection, client: Pick<NatsUser, 'jsApiPrefix'>): JetStreamClient {
  return nc.jetstream({ apiPrefix: client.jsApiPrefix });
}

/** 24 services on their own streams; each consumes its neighbour's event, some also the first one's (svc-0 its own). */
export function manyServices(n = 24): ConfigInput {
  const names = Array.from({ length: n }, (_, i) => `svc-${i}`);
  return {
    services: names.map((name, i) => ({
      name,
      events: {
        publishes: i % 5 === 4 ? [] : [`${name}.created`, ...(i % 3 === 0 ? [`${name}.deleted`] : [])],
        consumes: [
          ...((i + 1) % 5 === 4 ? [] : [{ subject: `${names[(i + 1) % n]}.created`, durable: `${name}-next` }]),
          ...(i % 4 === 0 ? [{ subject: `${names[0]}.created`, durable: `${name}-first` }] : []),
        ],
      },
    })),
    events: { streams: names.map((name, i) => ({ name: `SVC_${i}`, subjects: [`${name}.>`], maxBytes: '8Mi' })) },
  };
}
