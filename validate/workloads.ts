import type { K8sObject, Manifest } from './manifests';
import { LabelIndex } from './selector-index';

/**
 * Workloads and the pods they create. Everything that reasons about pods (references, network
 * flows, Pod Security) starts from here, so a new workload kind is added in one place.
 */
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'] as const;

export interface PodTemplate {
  readonly manifest: Manifest;
  readonly workload: K8sObject;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly spec: any;
  /** Field path of the pod spec inside the workload, e.g. `spec.template.spec`. */
  readonly specPath: string;
  /** Field path of the pod metadata inside the workload. */
  readonly metadataPath: string;
}

export interface ContainerAt {
  readonly container: any;
  /** `containers`, `initContainers` or `ephemeralContainers` */
  readonly list: string;
  readonly index: number;
  /** Field path relative to the workload, e.g. `spec.template.spec.containers[0]`. */
  readonly path: string;
}

export function isWorkload(o: K8sObject): boolean {
  return (WORKLOAD_KINDS as readonly string[]).includes(o.kind);
}

export function podTemplateOf(m: Manifest): PodTemplate | undefined {
  const o = m.object;
  let meta: any;
  let spec: any;
  let base: string;
  if (o.kind === 'Pod') {
    meta = o.metadata;
    spec = o.spec;
    base = '';
  } else if (o.kind === 'CronJob') {
    meta = o.spec?.jobTemplate?.spec?.template?.metadata;
    spec = o.spec?.jobTemplate?.spec?.template?.spec;
    base = 'spec.jobTemplate.spec.template';
  } else if (isWorkload(o)) {
    meta = o.spec?.template?.metadata;
    spec = o.spec?.template?.spec;
    base = 'spec.template';
  } else {
    return undefined;
  }
  if (!spec || typeof spec !== 'object') return undefined;
  return {
    manifest: m,
    workload: o,
    namespace: o.metadata.namespace ?? 'default',
    labels: meta?.labels ?? {},
    annotations: meta?.annotations ?? {},
    spec,
    specPath: base ? `${base}.spec` : 'spec',
    metadataPath: base ? `${base}.metadata` : 'metadata',
  };
}

export function podTemplates(manifests: readonly Manifest[]): PodTemplate[] {
  return manifests.map(podTemplateOf).filter((p): p is PodTemplate => p !== undefined);
}

/** Pod templates by namespace and label, to answer selectors without scanning every pod. */
export function podsByLabels(pods: readonly PodTemplate[]): LabelIndex<PodTemplate> {
  const index = new LabelIndex<PodTemplate>();
  for (const p of pods) index.add(p.namespace, p.labels, p);
  return index;
}

export function containersOf(pod: PodTemplate, lists: string[] = ['initContainers', 'containers', 'ephemeralContainers']): ContainerAt[] {
  return lists.flatMap((list) =>
    ((pod.spec[list] ?? []) as any[]).map((container, index) => ({ container, list, index, path: `${pod.specPath}.${list}[${index}]` })),
  );
}

export interface DeclaredPort {
  readonly containerPort: number;
  readonly name?: string;
  readonly protocol: string;
  readonly container: string;
}

/** Ports the pod's containers declare (init containers too: a sidecar init container can serve). */
export function declaredPorts(pod: PodTemplate): DeclaredPort[] {
  return containersOf(pod, ['initContainers', 'containers']).flatMap(({ container }) =>
    ((container.ports ?? []) as any[]).map((p) => ({ containerPort: p.containerPort, name: p.name, protocol: p.protocol ?? 'TCP', container: container.name })),
  );
}

/** Resolve a Service targetPort / probe port / policy port (number or name) on a pod. */
export function resolvePort(pod: PodTemplate, port: number | string, protocol = 'TCP'): DeclaredPort | undefined {
  return declaredPorts(pod).find((p) => p.protocol === protocol && (typeof port === 'number' ? p.containerPort === port : p.name === port));
}

export function podName(pod: PodTemplate): string {
  return `${pod.workload.kind} ${pod.namespace}/${pod.workload.metadata.name}`;
}
