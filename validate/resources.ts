import type { Finding } from './findings';
import type { Manifest } from './manifests';
import { refOf } from './manifests';
import { compareQuantities } from '../lib/quantity';
import { containersOf, podTemplateOf, podTemplates } from './workloads';

/**
 * Resource settings the API server rejects or an autoscaler cannot use:
 * - a request above its limit (the API server rejects the pod: "must be less than or equal to
 *   the limit"), compared exactly as Kubernetes parses quantities (lib/quantity.ts);
 * - a HorizontalPodAutoscaler scaling on CPU utilization (a percentage of the CPU request) whose
 *   target has a container without a CPU request: the HPA reports "missing request for cpu" and
 *   never scales.
 */
export function checkResources(manifests: readonly Manifest[]): Finding[] {
  return [...checkRequestsWithinLimits(manifests), ...checkUtilizationTargets(manifests)];
}

function checkRequestsWithinLimits(manifests: readonly Manifest[]): Finding[] {
  const out: Finding[] = [];
  for (const pod of podTemplates(manifests)) {
    for (const c of containersOf(pod)) {
      const requests = (c.container.resources?.requests ?? {}) as Record<string, string | number>;
      const limits = (c.container.resources?.limits ?? {}) as Record<string, string | number>;
      for (const [resource, request] of Object.entries(requests)) {
        if (limits[resource] === undefined || compareQuantities(request, limits[resource]) !== 1) continue;
        out.push({
          check: 'resources',
          file: pod.manifest.file,
          object: refOf(pod.workload),
          path: `${c.path}.resources.requests.${resource}`,
          message: `container "${c.container.name}" requests ${resource} ${request}, above its limit ${limits[resource]}: the API server rejects the pod (a request must be less than or equal to the limit)`,
          fix: `lower the ${resource} request to at most ${limits[resource]}, or raise the limit, in the service's resources configuration`,
        });
      }
    }
  }
  return out;
}

/** The HPA's metrics that are a percentage of the CPU request: [field path, container name or undefined for all]. */
function cpuUtilizationMetrics(hpa: any): Array<[string, string | undefined]> {
  const out: Array<[string, string | undefined]> = [];
  if (hpa.spec?.targetCPUUtilizationPercentage !== undefined) out.push(['spec.targetCPUUtilizationPercentage', undefined]); // autoscaling/v1
  ((hpa.spec?.metrics ?? []) as any[]).forEach((metric, i) => {
    if (metric.type === 'Resource' && metric.resource?.name === 'cpu' && metric.resource?.target?.type === 'Utilization') out.push([`spec.metrics[${i}]`, undefined]);
    if (metric.type === 'ContainerResource' && metric.containerResource?.name === 'cpu' && metric.containerResource?.target?.type === 'Utilization') {
      out.push([`spec.metrics[${i}]`, metric.containerResource.container]);
    }
  });
  return out;
}

function checkUtilizationTargets(manifests: readonly Manifest[]): Finding[] {
  const workloads = new Map<string, Manifest>();
  for (const m of manifests) workloads.set(`${m.object.kind}/${m.object.metadata.namespace ?? 'default'}/${m.object.metadata.name}`, m);
  const out: Finding[] = [];
  for (const m of manifests) {
    if (m.object.kind !== 'HorizontalPodAutoscaler') continue;
    const ref = m.object.spec?.scaleTargetRef;
    const target = workloads.get(`${ref?.kind}/${m.object.metadata.namespace ?? 'default'}/${ref?.name}`);
    const pod = target && podTemplateOf(target);
    if (!pod) continue; // references.ts reports a missing target
    for (const [path, only] of cpuUtilizationMetrics(m.object)) {
      for (const c of containersOf(pod, ['containers'])) {
        if (only !== undefined && c.container.name !== only) continue;
        if (c.container.resources?.requests?.cpu !== undefined) continue;
        out.push({
          check: 'resources',
          file: m.file,
          object: refOf(m.object),
          path,
          message: `scales ${ref.kind} ${ref.name} on CPU utilization, a percentage of the CPU request, but its container "${c.container.name}" (${c.path}) requests no CPU: the autoscaler reports "missing request for cpu" and never scales`,
          fix: `give container "${c.container.name}" a CPU request (resources.requests.cpu), or scale on another metric`,
        });
      }
    }
  }
  return out;
}
