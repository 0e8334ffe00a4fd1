import { gatewayOwnedSegments } from '../config/gateway-paths';
import { claimClashes, nameProblems } from './claims';
import type { EnvironmentModel } from './environment';

/** A problem with the resolved environment, at the configuration field that caused it. */
export interface ModelProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

/** `services[1].name` → ['services', 1, 'name'] (a claim's field as a path). */
export function pathOf(field: string): (string | number)[] {
  return field
    .replace(/ \(.*\)$/, '')
    .split(/\.|(?=\[)/)
    .map((part) => (part.startsWith('[') ? Number(part.slice(1, -1)) : part));
}

/**
 * Checks on what the configuration resolves to: one owner per object name (two components
 * claiming one kind, namespace and name would overwrite each other on `kubectl apply`), names that
 * fit their kind's rule, no user variable that repeats a generated one, no service route over a path the gateway serves itself, and no two listeners on one port in a pod (the container could not bind).
 */
export function modelProblems(model: EnvironmentModel): ModelProblem[] {
  const problems: ModelProblem[] = [];
  for (const clash of claimClashes(model.objects)) {
    problems.push({ path: pathOf(clash.field), message: `names ${clash.what}, which ${clash.other} already names; choose another name for one of them` });
  }
  for (const problem of nameProblems(model.objects)) problems.push({ path: pathOf(problem.field), message: problem.message });
  const owned = gatewayOwnedSegments(model.auth.enabled);
  for (const route of model.services) {
    const path = owned.get(route.name);
    if (path) problems.push({ path: pathOf(route.field), message: `"${route.name}" would route /${route.name}/ over the gateway's own ${path}; choose another name` });
  }
  for (const pod of model.podPorts) {
    const seen = new Map<number, string>();
    for (const { field, port } of pod.ports) {
      const first = seen.get(port);
      if (first) problems.push({ path: pathOf(field), message: `port ${port} is already ${first} in the same pod (${pod.kind} ${pod.name}): two listeners cannot share a port; choose another` });
      else seen.set(port, field);
    }
  }
  // A user variable may not repeat one the generator sets on the same container (one would silently win).
  model.services.forEach((s, i) => {
    const generated = s.env.filter((v) => v.setBy === 'generator').map((v) => v.name);
    for (const v of s.env) {
      if (v.setBy === 'user' && generated.includes(v.name)) problems.push({ path: ['services', i, 'env', v.name], message: `is set by the generator for this service (${generated.join(', ')}); remove it or rename it` });
    }
  });
  return problems;
}
