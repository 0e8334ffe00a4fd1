import { z } from 'zod';
import { routeAuth } from './auth';
import { dnsLabel, imageRef, port, res, resources, storage, serviceName } from './common';
import { serviceEvents } from './events';

export const DEFAULT_SERVICE_IMAGE = 'ghcr.io/stefanprodan/podinfo:6.7.1';
export const DEFAULT_DATASTORE_IMAGE = 'redis:7.4.6-alpine';
export const DEFAULT_DATASTORE_EXPORTER_IMAGE = 'oliver006/redis_exporter:v1.88.0';

const autoscaling = z
  .strictObject({
    /** Fewest pods the HorizontalPodAutoscaler keeps. */
    minReplicas: z.number().int().min(1, 'must be at least 1'),
    /** Most pods it scales to (at least minReplicas). */
    maxReplicas: z.number().int().min(1, 'must be at least 1'),
    /** Average CPU utilization (percent of the CPU request) the HPA keeps the pods at. */
    targetCPUUtilizationPercentage: z.number().int().min(1).max(100).default(70),
  })
  .refine((a) => a.minReplicas <= a.maxReplicas, {
    message: 'minReplicas must be less than or equal to maxReplicas',
    path: ['minReplicas'],
  });

/**
 * The Redis exporter sidecar in the datastore's pod (only when monitoring is enabled): it reads
 * Redis over the pod's loopback, so Prometheus scrapes the exporter and never reaches Redis itself.
 */
const datastoreExporter = z.strictObject({
  image: imageRef.default(DEFAULT_DATASTORE_EXPORTER_IMAGE),
  /** Metrics port Prometheus scrapes (the exporter's registered default). */
  port: port.default(9121),
  /** The image's USER (59000:59000). */
  runAsUser: z.number().int().min(1).default(59000),
  runAsGroup: z.number().int().min(1).default(59000),
  resources: resources.default(res('5m', '16Mi', '48Mi')),
});

const datastore = z.strictObject({
  /** Each microservice owns its data: a Redis of its own that no other service can reach. */
  enabled: z.boolean().default(true),
  image: imageRef.default(DEFAULT_DATASTORE_IMAGE),
  /** UID/GID the image's redis user has (999:1000 in the official alpine image). */
  runAsUser: z.number().int().min(1).default(999),
  runAsGroup: z.number().int().min(1).default(1000),
  port: port.default(6379),
  storage: storage.prefault({ size: '1Gi' }),
  resources: resources.default(res('10m', '16Mi', '64Mi')),
  exporter: datastoreExporter.prefault({}),
});

export const microservice = z.strictObject({
  /** The Service name, the gateway path prefix (`/<name>/`) and the label `app.kubernetes.io/name`. */
  name: serviceName.max(40, 'must be at most 40 characters (its datastore is named "<name>-redis")'),
  /** Shown by podinfo (PODINFO_UI_MESSAGE); any text. */
  message: z.string().optional(),
  image: imageRef.default(DEFAULT_SERVICE_IMAGE),
  /**
   * Container command and arguments for an image other than podinfo. Unset: podinfo's own
   * (`./podinfo --port=<port> --cache-server=<its redis>`).
   */
  command: z.array(z.string()).min(1).optional(),
  /** With `command`: its arguments. Without: extra podinfo flags after the generated ones. */
  args: z.array(z.string()).optional(),
  /** Numeric non-root UID/GID the container runs as. */
  runAsUser: z.number().int().min(1).default(10001),
  runAsGroup: z.number().int().min(1).default(10001),
  port: port.default(9898),
  /** Path of the Prometheus metrics endpoint on `port`. */
  metricsPath: z.string().startsWith('/').default('/metrics'),
  /** Path of the liveness and startup probes on `port`. */
  livenessPath: z.string().startsWith('/').default('/healthz'),
  /** Path of the readiness probe on `port`: not ready, no traffic. */
  readinessPath: z.string().startsWith('/').default('/readyz'),
  /** Ignored when `autoscaling` is set: the HorizontalPodAutoscaler owns the replica count. */
  replicas: z.number().int().min(0, 'must be 0 or more').default(1),
  autoscaling: autoscaling.optional(),
  resources: resources.default(res('10m', '32Mi', '64Mi')),
  /** Extra environment variables for the service container. */
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name: letters, digits and "_", not starting with a digit'), z.string()).default({}),
  datastore: datastore.prefault({}),
  /** Subjects it publishes and consumes on the event bus (see config/schema/events.ts). */
  events: serviceEvents.prefault({}),
  /** Whether the gateway requires a token (checked by the auth service) on `/<name>/`, and its scope. */
  auth: routeAuth.prefault({}),
  /**
   * Services it calls over REST, by name. For each, the pod gets `<NAME>_URL` (the callee's Service
   * address through cluster DNS; podinfo also gets it as `--backend-url`), and the NetworkPolicies
   * allow exactly that flow: egress here, ingress at the callee.
   */
  calls: z.array(dnsLabel).default([]),
});
export type MicroserviceConfig = z.infer<typeof microservice>;

export const DEFAULT_SERVICES = [
  { name: 'news', message: 'news: the latest headlines', events: { publishes: ['news.published'] } },
  {
    name: 'webtoon',
    message: 'webtoon: only this service scales when its traffic spikes',
    autoscaling: { minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 70 },
    // Buying an episode: webtoon asks payment over REST.
    calls: ['payment'],
    // An episode unlocks once its payment completed.
    events: { consumes: [{ subject: 'payment.completed', durable: 'webtoon-unlock' }] },
  },
  {
    name: 'payment',
    message: 'payment: isolated, so a failure elsewhere never stops it',
    events: { publishes: ['payment.completed'] },
    auth: { required: true, scope: 'payment' },
  },
];

/** The variable that carries a callee's URL: `payment` → `PAYMENT_URL`, `shop-api` → `SHOP_API_URL`. */
export function calleeEnvName(callee: string): string {
  return `${callee.toUpperCase().replace(/-/g, '_')}_URL`;
}

/**
 * Every environment variable the generator itself may set on a service's container, besides
 * `<CALLEE>_URL` for each call: a user `env` entry may not repeat one the generator sets for that
 * service, and no callee name may produce one. A new generated variable is added here
 * (test/claims.test.ts fails on a synthesized variable that is neither listed nor the user's).
 */
export const GENERATED_ENV = ['DATASTORE_URL', 'PODINFO_UI_MESSAGE', 'NATS_URL', 'NATS_USER', 'NATS_PASSWORD', 'NATS_INBOX_PREFIX', 'NATS_JS_API_PREFIX', 'AUTH_JWKS_URL'] as const;
export type GeneratedEnv = (typeof GENERATED_ENV)[number];
/** Where a service that receives tokens finds the auth service's public keys (model: `services[].verifiesTokens`, `auth.jwksUrl`). */
export const AUTH_JWKS_ENV: (typeof GENERATED_ENV)[number] = 'AUTH_JWKS_URL';

export const microservices = z
  .array(microservice)
  .min(1, 'must list at least one service')
  .superRefine((services, ctx) => {
    const seen = new Map<string, number>();
    services.forEach((s, i) => {
      const first = seen.get(s.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          message: `duplicate service name "${s.name}" (already used by services[${first}]); every service needs its own name`,
        });
      } else {
        seen.set(s.name, i);
      }
    });
    // Calls name other services of the list, once each.
    services.forEach((s, i) => {
      s.calls.forEach((callee, j) => {
        const path = [i, 'calls', j];
        if (callee === s.name) {
          ctx.addIssue({ code: 'custom', path, message: `"${s.name}" cannot call itself; list other services only` });
        } else if (!seen.has(callee)) {
          ctx.addIssue({ code: 'custom', path, message: `unknown service "${callee}"; allowed: ${[...seen.keys()].filter((n) => n !== s.name).join(', ') || 'no other service'}` });
        } else if ((GENERATED_ENV as readonly string[]).includes(calleeEnvName(callee))) {
          ctx.addIssue({ code: 'custom', path, message: `a callee named "${callee}" would set ${calleeEnvName(callee)}, which the generator already sets; rename the service` });
        } else if (s.calls.indexOf(callee) !== j) {
          ctx.addIssue({ code: 'custom', path, message: `"${callee}" is listed twice; list each callee once` });
        }
      });
    });
  });
