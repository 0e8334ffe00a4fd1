import { z } from 'zod';
import { quantityNanos } from '../../lib/quantity';
import { RESERVED_NAMESPACES } from './common';
import type { Config } from './object';
import { calleeEnvName, GENERATED_ENV } from './microservices';

type Path = (string | number)[];

type GeneratedEnv = (typeof GENERATED_ENV)[number];

/**
 * Whether a service receives tokens (a protected route, a public route with `forwardAuthorization`,
 * or in-cluster calls whose caller forwards its token) and so may fetch the auth service's public
 * keys to verify them: only with an asymmetric signing algorithm (HS256 publishes nothing).
 */
export function verifiesTokens(c: Config, s: Config['services'][number]): boolean {
  if (!c.auth.enabled || c.auth.signingAlgorithm === 'HS256') return false;
  return s.auth.required || s.auth.forwardAuthorization || c.services.some((x) => x.calls.includes(s.name));
}

/** The environment variables the generator sets on this service's container (from GENERATED_ENV, and one per call). */
export function generatedEnvNames(s: Config['services'][number], usesEvents: boolean, verifies = false): string[] {
  const fixed: GeneratedEnv[] = [
    ...(verifies ? (['AUTH_JWKS_URL'] as const) : []),
    ...(s.datastore.enabled ? (['DATASTORE_URL'] as const) : []),
    ...(s.message !== undefined ? (['PODINFO_UI_MESSAGE'] as const) : []),
    ...(usesEvents ? (['NATS_URL', 'NATS_USER', 'NATS_PASSWORD', 'NATS_INBOX_PREFIX', 'NATS_JS_API_PREFIX'] as const) : []),
  ];
  return [...fixed, ...s.calls.map(calleeEnvName)];
}

/**
 * Checks across sections, so that an accepted configuration yields objects that fit together: no
 * environment variable set twice, an autoscaler that can compute
 * utilization, and no component in a namespace Kubernetes itself uses. Checks on derived names and
 * ports (one owner per object name and gateway path, one listener per port) run on the resolved model
 * (model/check.ts) once this schema has accepted the configuration.
 */
export function checkConsistency(c: Config, ctx: z.core.$RefinementCtx<Config>): void {
  const issue = (path: Path, message: string) => ctx.addIssue({ code: 'custom', path, message });

  for (const [key, value] of Object.entries(c.namespaces)) {
    if ((RESERVED_NAMESPACES as readonly string[]).includes(value)) {
      issue(['namespaces', key], `"${value}" is a namespace Kubernetes or its users already rely on; this environment labels its namespaces Pod Security "restricted" and denies all traffic by default there, so it needs namespaces of its own (not ${RESERVED_NAMESPACES.join(', ')})`);
    }
  }

  // The deploy identity's Roles go into the listed namespaces: only ones this environment creates.
  const created = [c.namespaces.apps, c.namespaces.ci, ...(c.monitoring.enabled ? [c.namespaces.monitoring, c.namespaces.nodeMonitoring] : [])];
  if (c.jenkins.enabled) {
    c.jenkins.deploy.namespaces?.forEach((n, i) => {
      if (!created.includes(n)) issue(['jenkins', 'deploy', 'namespaces', i], `"${n}" is not a namespace of this environment: the deploy identity's Role there would land in a namespace the manifests do not create (allowed: ${created.join(', ')})`);
    });
  }

  const eventUsers = new Set(c.events.enabled ? c.services.filter((s) => s.events.publishes.length + s.events.consumes.length > 0).map((s) => s.name) : []);
  c.services.forEach((s, i) => {
    if (s.autoscaling && (quantityNanos(s.resources.requests.cpu) ?? 0n) <= 0n) {
      issue(['services', i, 'resources', 'requests', 'cpu'], 'must be above 0 with autoscaling: the HorizontalPodAutoscaler measures CPU use as a share of the request');
    }
    const generated = new Set(generatedEnvNames(s, eventUsers.has(s.name), verifiesTokens(c, s)));
    for (const name of Object.keys(s.env)) {
      if (generated.has(name)) issue(['services', i, 'env', name], `is set by the generator for this service (${[...generated].join(', ')}); remove it or rename it`);
    }
  });
}
