import { AUTH_JWKS_ENV, type GeneratedEnv } from '../config/schema/microservices';
import type { Config } from '../config/schema';
import { NATS_CLIENT_ENV, type NatsUser } from './nats';

/** A container environment variable as the model states it: a literal value or a key of a Secret. */
export type EnvVarModel =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly secret: { readonly name: string; readonly key: string } };

/** A service container's variable and who sets it: the generator, or the user's `services[].env`. */
export type ServiceEnvVar = EnvVarModel & { readonly setBy: 'generator' | 'user' };

/** The environment a NATS client needs: where, who, its password from the bus's Secret, its inbox and JetStream API prefixes. */
export function natsClientEnv(clientUrl: string, secretName: string, user: NatsUser): EnvVarModel[] {
  return [
    { name: NATS_CLIENT_ENV.url, value: clientUrl },
    { name: NATS_CLIENT_ENV.user, value: user.user },
    { name: NATS_CLIENT_ENV.password, secret: { name: secretName, key: user.secretKey } },
    { name: NATS_CLIENT_ENV.inboxPrefix, value: user.inboxPrefix },
    { name: NATS_CLIENT_ENV.jsApiPrefix, value: user.jsApiPrefix },
  ];
}

/** What a service's variables are made of, all resolved by the model. */
export interface ServiceEnvInputs {
  readonly config: Config['services'][number];
  /** Its datastore's `tcp://` URL, when the datastore is on. */
  readonly datastoreUrl?: string;
  /** Its NATS client variables, when it declares events on a deployed bus. */
  readonly nats?: readonly EnvVarModel[];
  /** `<NAME>_URL` per call, in configuration order. */
  readonly calls: ReadonlyArray<{ readonly env: string; readonly url: string }>;
  /** The auth service's public keys, for a service that verifies tokens itself. */
  readonly jwksUrl?: string;
}

/**
 * A service container's variables in the order the Deployment lists them. Which of them the
 * generator sets is what the clash check (model/check.ts) compares the user's `env` with.
 */
export function serviceEnv(s: ServiceEnvInputs): ServiceEnvVar[] {
  const generated = (name: string, value: string): ServiceEnvVar => ({ name, value, setBy: 'generator' });
  const svc = s.config;
  return [
    // Any image can learn where its datastore is; podinfo also gets it as --cache-server.
    ...(s.datastoreUrl !== undefined ? [generated('DATASTORE_URL' satisfies GeneratedEnv, s.datastoreUrl)] : []),
    ...(svc.message !== undefined ? [generated('PODINFO_UI_MESSAGE' satisfies GeneratedEnv, svc.message)] : []),
    ...Object.keys(svc.env)
      .sort()
      .map((name): ServiceEnvVar => ({ name, value: svc.env[name], setBy: 'user' })),
    // NATS_URL, NATS_USER, NATS_PASSWORD (its own password only, from the Secret), NATS_INBOX_PREFIX, NATS_JS_API_PREFIX.
    ...(s.nats ?? []).map((v): ServiceEnvVar => ({ ...v, setBy: 'generator' })),
    // Service discovery through cluster DNS: any image reads where each callee is.
    ...s.calls.map((c) => generated(c.env, c.url)),
    ...(s.jwksUrl !== undefined ? [generated(AUTH_JWKS_ENV, s.jwksUrl)] : []),
  ];
}
