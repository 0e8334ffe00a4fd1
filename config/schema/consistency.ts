import { z } from 'zod';
import { claimClashes, nameProblems, objectClaims, podPorts } from '../claims';
import { gatewayOwnedSegments } from '../gateway-paths';
import { quantityNanos } from '../../validate/quantity';
import { RESERVED_NAMESPACES } from './common';
import type { Config } from './index';
import { calleeEnvName, GENERATED_ENV } from './microservices';

type Path = (string | number)[];

/** `services[1].name` → ['services', 1, 'name'] (a claim's field as a zod issue path). */
function pathOf(field: string): Path {
  return field
    .replace(/ \(.*\)$/, '')
    .split(/\.|(?=\[)/)
    .map((part) => (part.startsWith('[') ? Number(part.slice(1, -1)) : part));
}

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
 * Checks across sections, so that an accepted configuration yields objects that fit together: one
 * owner per object name, no route over a gateway path, no two listeners on one port in a pod, no
 * environment variable set twice, an autoscaler that can compute utilization, and no component in
 * a namespace Kubernetes itself uses.
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

  const claims = objectClaims(c);
  for (const clash of claimClashes(claims)) {
    issue(pathOf(clash.field), `names ${clash.what}, which ${clash.other} already names; choose another name for one of them`);
  }
  for (const problem of nameProblems(claims)) issue(pathOf(problem.field), problem.message);

  const owned = gatewayOwnedSegments(c.auth.enabled);
  c.services.forEach((s, i) => {
    const path = owned.get(s.name);
    if (path) issue(['services', i, 'name'], `"${s.name}" would route /${s.name}/ over the gateway's own ${path}; choose another name`);
  });

  for (const pod of podPorts(c)) {
    const seen = new Map<number, string>();
    for (const { field, port } of pod.ports) {
      const first = seen.get(port);
      if (first) issue(pathOf(field), `port ${port} is already ${first} in the same pod (${pod.kind} ${pod.name}): two listeners cannot share a port; choose another`);
      else seen.set(port, field);
    }
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
