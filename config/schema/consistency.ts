import { z } from 'zod';
import { claimClashes, objectClaims } from '../claims';
import { gatewayOwnedSegments } from '../gateway-paths';
import { quantityNanos } from '../../validate/quantity';
import { RESERVED_NAMESPACES } from './common';
import type { Config } from './index';
import { calleeEnvName } from './microservices';

type Path = (string | number)[];

/** `services[1].name` → ['services', 1, 'name'] (a claim's field as a zod issue path). */
function pathOf(field: string): Path {
  return field
    .replace(/ \(.*\)$/, '')
    .split(/\.|(?=\[)/)
    .map((part) => (part.startsWith('[') ? Number(part.slice(1, -1)) : part));
}

/** Environment variables the generator sets on a service's container (a user `env` entry may not repeat one). */
export function generatedEnvNames(s: Config['services'][number], usesEvents: boolean): string[] {
  return [
    ...(s.datastore.enabled ? ['DATASTORE_URL'] : []),
    ...(s.message !== undefined ? ['PODINFO_UI_MESSAGE'] : []),
    ...(usesEvents ? ['NATS_URL', 'NATS_USER', 'NATS_PASSWORD'] : []),
    ...s.calls.map(calleeEnvName),
  ];
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

  for (const clash of claimClashes(objectClaims(c))) {
    issue(pathOf(clash.field), `names ${clash.what}, which ${clash.other} already names; choose another name for one of them`);
  }

  const owned = gatewayOwnedSegments(c.auth.enabled);
  c.services.forEach((s, i) => {
    const path = owned.get(s.name);
    if (path) issue(['services', i, 'name'], `"${s.name}" would route /${s.name}/ over the gateway's own ${path}; choose another name`);
  });

  const distinct = (ports: [Path, number][]) => {
    const seen = new Map<number, Path>();
    for (const [path, port] of ports) {
      const first = seen.get(port);
      if (first) issue(path, `port ${port} is already ${first.join('.')} in the same pod: two listeners cannot share a port`);
      else seen.set(port, path);
    }
  };
  const gw = c.gateway;
  distinct([
    [['gateway', 'port'], gw.port],
    [['gateway', 'statusPort'], gw.statusPort],
    [['gateway', 'exporter', 'port'], gw.exporter.port],
  ]);
  distinct(Object.entries(c.events.ports).map(([k, v]): [Path, number] => [['events', 'ports', k], v as number]));

  const eventUsers = new Set(c.events.enabled ? c.services.filter((s) => s.events.publishes.length + s.events.consumes.length > 0).map((s) => s.name) : []);
  c.services.forEach((s, i) => {
    if (s.autoscaling && (quantityNanos(s.resources.requests.cpu) ?? 0n) <= 0n) {
      issue(['services', i, 'resources', 'requests', 'cpu'], 'must be above 0 with autoscaling: the HorizontalPodAutoscaler measures CPU use as a share of the request');
    }
    const generated = new Set(generatedEnvNames(s, eventUsers.has(s.name)));
    for (const name of Object.keys(s.env)) {
      if (generated.has(name)) issue(['services', i, 'env', name], `is set by the generator for this service (${[...generated].join(', ')}); remove it or rename it`);
    }
  });
}
