import type { Finding } from './findings';
import type { Manifest } from './manifests';
import { refOf } from './manifests';
import { containersOf, podTemplates } from './workloads';

/**
 * Mistakes inside one pod that the API server lets through (at most with a warning) but that break
 * it at run time:
 * - two containers running together on the same port and protocol: they share the pod's network
 *   namespace, so the second one cannot bind (init containers with restartPolicy Always, i.e.
 *   sidecars, run alongside the containers and count);
 * - the same environment variable twice in a container: only the last value takes effect.
 */
export function checkContainers(manifests: readonly Manifest[]): Finding[] {
  const out: Finding[] = [];
  for (const pod of podTemplates(manifests)) {
    const f = (path: string, message: string, fix: string): Finding => ({ check: 'containers', file: pod.manifest.file, object: refOf(pod.workload), path, message, fix });
    const running = containersOf(pod, ['initContainers', 'containers']).filter((c) => c.list === 'containers' || c.container.restartPolicy === 'Always');
    const claimed = new Map<string, string>();
    for (const c of running) {
      ((c.container.ports ?? []) as any[]).forEach((p, i) => {
        const key = `${p.containerPort}/${p.protocol ?? 'TCP'}`;
        const owner = claimed.get(key);
        if (owner === undefined) claimed.set(key, c.container.name);
        else if (owner !== c.container.name) {
          out.push(f(`${c.path}.ports[${i}].containerPort`, `containers "${owner}" and "${c.container.name}" both use port ${key}; containers of a pod share one network namespace, so only one of them can listen there`, `give container "${c.container.name}" its own port (from the configuration), or drop the duplicate declaration`));
        }
      });
    }
    for (const c of containersOf(pod)) {
      const seen = new Set<string>();
      ((c.container.env ?? []) as any[]).forEach((e, i) => {
        if (seen.has(e.name)) {
          out.push(f(`${c.path}.env[${i}].name`, `container "${c.container.name}" sets environment variable ${e.name} twice: only the last value takes effect`, `set ${e.name} once (remove the earlier or later entry)`));
        }
        seen.add(e.name);
      });
    }
  }
  return out;
}
