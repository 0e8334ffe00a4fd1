import type { Finding } from './findings';
import type { LabelIndex } from './selector-index';
import type { K8sObject, Manifest } from './manifests';
import { refOf } from './manifests';
import { defaultUserCreated, isUserCreated, UserCreatedObject } from './user-created';
import { containersOf, declaredPorts, podsByLabels, podTemplates, PodTemplate, resolvePort } from './workloads';

/**
 * References the API server accepts but a running system would not: a Service that selects no
 * pods, a targetPort nobody listens on, a Secret that does not exist, an HPA aimed at nothing,
 * a PDB that blocks every drain, a probe on an undeclared port, an upgrade that deadlocks on a
 * ReadWriteOnce volume.
 */
export interface ReferenceOptions {
  readonly userCreated?: readonly UserCreatedObject[];
}

function finding(m: Manifest, path: string, message: string, fix: string): Finding {
  return { check: 'references', file: m.file, object: refOf(m.object), path, message, fix };
}

function nsOf(o: K8sObject): string {
  return o.metadata.namespace ?? 'default';
}

class Index {
  readonly pods: PodTemplate[];
  readonly podIndex: LabelIndex<PodTemplate>;
  private readonly byKey = new Map<string, Manifest>();
  /** The first HPA aimed at each `kind/namespace/name`. */
  private readonly autoscalers = new Map<string, Manifest>();

  constructor(readonly manifests: readonly Manifest[]) {
    this.pods = podTemplates(manifests);
    this.podIndex = podsByLabels(this.pods);
    for (const m of manifests) this.byKey.set(`${m.object.kind}/${nsOf(m.object)}/${m.object.metadata.name}`, m);
    for (const m of manifests.filter((x) => x.object.kind === 'HorizontalPodAutoscaler')) {
      const ref = m.object.spec?.scaleTargetRef;
      const key = `${ref?.kind}/${nsOf(m.object)}/${ref?.name}`;
      if (!this.autoscalers.has(key)) this.autoscalers.set(key, m);
    }
  }

  get(kind: string, namespace: string, name: string): Manifest | undefined {
    return this.byKey.get(`${kind}/${namespace}/${name}`);
  }

  autoscalerOf(w: K8sObject): Manifest | undefined {
    return this.autoscalers.get(`${w.kind}/${nsOf(w)}/${w.metadata.name}`);
  }
}

export function checkReferences(manifests: readonly Manifest[], options: ReferenceOptions = {}): Finding[] {
  const idx = new Index(manifests);
  const userCreated = options.userCreated ?? defaultUserCreated();
  return [
    ...checkServices(idx),
    ...idx.pods.flatMap((p) => checkPodReferences(idx, p, userCreated)),
    ...idx.pods.flatMap(checkProbes),
    ...checkAutoscalers(idx),
    ...checkDisruptionBudgets(idx),
    ...checkReadWriteOnce(idx, userCreated),
  ];
}

function checkServices(idx: Index): Finding[] {
  const out: Finding[] = [];
  for (const m of idx.manifests.filter((x) => x.object.kind === 'Service')) {
    const svc = m.object;
    const selector = svc.spec?.selector as Record<string, string> | undefined;
    // No selector: endpoints are managed by hand (or ExternalName); nothing to match.
    if (!selector || Object.keys(selector).length === 0 || svc.spec?.type === 'ExternalName') continue;
    const pods = idx.podIndex.selectMap(nsOf(svc), selector);
    if (pods.length === 0) {
      out.push(
        finding(m, 'spec.selector', `selects no pods: no workload in namespace ${nsOf(svc)} has pod labels ${JSON.stringify(selector)}`, 'use selectorLabels() of the workload the Service fronts, or fix the workload\'s pod labels'),
      );
      continue;
    }
    ((svc.spec?.ports ?? []) as any[]).forEach((port, i) => {
      const target = port.targetPort ?? port.port;
      const protocol = port.protocol ?? 'TCP';
      for (const pod of pods) {
        if (!resolvePort(pod, target, protocol)) {
          out.push(
            finding(
              m,
              `spec.ports[${i}].targetPort`,
              `targetPort ${JSON.stringify(target)}/${protocol} is not a port of ${pod.workload.kind} ${pod.workload.metadata.name}'s containers (declared: ${describePorts(pod)})`,
              'point targetPort at a declared containerPort (by name, e.g. "http", or by number)',
            ),
          );
        }
      }
    });
  }
  return out;
}

function describePorts(pod: PodTemplate): string {
  const ports = declaredPorts(pod);
  return ports.length ? ports.map((p) => `${p.name ? `${p.name}=` : ''}${p.containerPort}/${p.protocol}`).join(', ') : 'none';
}

interface PodRef {
  kind: 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim' | 'ServiceAccount';
  name: string;
  path: string;
  optional: boolean;
}

/** Every object a pod template refers to by name. */
export function podReferences(pod: PodTemplate): PodRef[] {
  const refs: PodRef[] = [];
  const s = pod.spec;
  const base = pod.specPath;
  if (s.serviceAccountName) refs.push({ kind: 'ServiceAccount', name: s.serviceAccountName, path: `${base}.serviceAccountName`, optional: s.serviceAccountName === 'default' });
  ((s.imagePullSecrets ?? []) as any[]).forEach((r, i) => refs.push({ kind: 'Secret', name: r.name, path: `${base}.imagePullSecrets[${i}]`, optional: false }));
  ((s.volumes ?? []) as any[]).forEach((v, i) => {
    const p = `${base}.volumes[${i}]`;
    if (v.configMap) refs.push({ kind: 'ConfigMap', name: v.configMap.name, path: `${p}.configMap.name`, optional: v.configMap.optional === true });
    if (v.secret) refs.push({ kind: 'Secret', name: v.secret.secretName, path: `${p}.secret.secretName`, optional: v.secret.optional === true });
    if (v.persistentVolumeClaim) refs.push({ kind: 'PersistentVolumeClaim', name: v.persistentVolumeClaim.claimName, path: `${p}.persistentVolumeClaim.claimName`, optional: false });
    ((v.projected?.sources ?? []) as any[]).forEach((src, j) => {
      if (src.configMap) refs.push({ kind: 'ConfigMap', name: src.configMap.name, path: `${p}.projected.sources[${j}].configMap.name`, optional: src.configMap.optional === true });
      if (src.secret) refs.push({ kind: 'Secret', name: src.secret.name, path: `${p}.projected.sources[${j}].secret.name`, optional: src.secret.optional === true });
    });
  });
  for (const c of containersOf(pod)) {
    ((c.container.env ?? []) as any[]).forEach((e, i) => {
      const cm = e.valueFrom?.configMapKeyRef;
      const sec = e.valueFrom?.secretKeyRef;
      if (cm) refs.push({ kind: 'ConfigMap', name: cm.name, path: `${c.path}.env[${i}].valueFrom.configMapKeyRef`, optional: cm.optional === true });
      if (sec) refs.push({ kind: 'Secret', name: sec.name, path: `${c.path}.env[${i}].valueFrom.secretKeyRef`, optional: sec.optional === true });
    });
    ((c.container.envFrom ?? []) as any[]).forEach((e, i) => {
      if (e.configMapRef) refs.push({ kind: 'ConfigMap', name: e.configMapRef.name, path: `${c.path}.envFrom[${i}].configMapRef`, optional: e.configMapRef.optional === true });
      if (e.secretRef) refs.push({ kind: 'Secret', name: e.secretRef.name, path: `${c.path}.envFrom[${i}].secretRef`, optional: e.secretRef.optional === true });
    });
  }
  return refs;
}

function checkPodReferences(idx: Index, pod: PodTemplate, userCreated: readonly UserCreatedObject[]): Finding[] {
  const out: Finding[] = [];
  const m = pod.manifest;
  for (const r of podReferences(pod)) {
    if (r.optional || idx.get(r.kind, pod.namespace, r.name) || isUserCreated(r.kind, pod.namespace, r.name, userCreated)) continue;
    out.push(
      finding(
        m,
        r.path,
        `refers to ${r.kind} ${pod.namespace}/${r.name}, which is neither in the manifests nor on the list of user-created objects; the pod would never start`,
        r.kind === 'Secret'
          ? `generate the ${r.kind}, or (for credentials the user creates) add it with a reason to model/user-secrets.ts and document the \`kubectl create secret\` command`
          : `generate the ${r.kind} in namespace ${pod.namespace}, or fix the name`,
      ),
    );
  }
  // Every volumeMount names a volume (or, in a StatefulSet, a volumeClaimTemplate).
  const volumes = new Set<string>(((pod.spec.volumes ?? []) as any[]).map((v) => v.name));
  if (pod.workload.kind === 'StatefulSet') for (const t of (pod.workload.spec?.volumeClaimTemplates ?? []) as any[]) volumes.add(t.metadata?.name);
  for (const c of containersOf(pod)) {
    ((c.container.volumeMounts ?? []) as any[]).forEach((vm, i) => {
      if (!volumes.has(vm.name)) {
        out.push(finding(m, `${c.path}.volumeMounts[${i}].name`, `mounts volume "${vm.name}", which the pod does not declare`, 'add the volume to spec.volumes (or volumeClaimTemplates), or fix the name'));
      }
    });
  }
  return out;
}

function checkProbes(pod: PodTemplate): Finding[] {
  const out: Finding[] = [];
  for (const c of containersOf(pod, ['initContainers', 'containers'])) {
    const own = ((c.container.ports ?? []) as any[]).map((p) => ({ name: p.name as string | undefined, port: p.containerPort as number, protocol: (p.protocol ?? 'TCP') as string }));
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      const pr = c.container[probe];
      if (!pr) continue;
      const handler = pr.httpGet ? 'httpGet' : pr.tcpSocket ? 'tcpSocket' : pr.grpc ? 'grpc' : undefined;
      if (!handler) continue;
      // A probe aimed at another host checks something else; only the pod's own ports are ours to verify.
      if (pr[handler].host) continue;
      const port = pr[handler].port;
      const ok = typeof port === 'string' ? own.some((p) => p.name === port) : own.some((p) => p.port === port && p.protocol === 'TCP');
      if (!ok) {
        out.push(
          finding(
            pod.manifest,
            `${c.path}.${probe}.${handler}.port`,
            `${probe} of container "${c.container.name}" probes port ${JSON.stringify(port)}, which the container does not declare (declared: ${own.map((p) => `${p.name ?? ''}${p.name ? '=' : ''}${p.port}`).join(', ') || 'none'}); the probe would fail or check the wrong thing`,
            'probe a declared container port, by name',
          ),
        );
      }
    }
  }
  return out;
}

function targetOf(idx: Index, ns: string, ref: { kind?: string; name?: string } | undefined): Manifest | undefined {
  return ref?.kind && ref.name ? idx.get(ref.kind, ns, ref.name) : undefined;
}

function checkAutoscalers(idx: Index): Finding[] {
  const out: Finding[] = [];
  for (const m of idx.manifests.filter((x) => x.object.kind === 'HorizontalPodAutoscaler')) {
    const ref = m.object.spec?.scaleTargetRef;
    const target = targetOf(idx, nsOf(m.object), ref);
    if (!target) {
      out.push(finding(m, 'spec.scaleTargetRef', `scales ${ref?.kind} ${nsOf(m.object)}/${ref?.name}, which is not in the manifests`, 'point scaleTargetRef at a Deployment or StatefulSet of the same namespace'));
      continue;
    }
    if (target.object.spec?.replicas !== undefined) {
      out.push(
        finding(
          target,
          'spec.replicas',
          `is managed by HorizontalPodAutoscaler ${m.object.metadata.name} but sets spec.replicas: every \`kubectl apply\` resets the replica count the autoscaler chose`,
          'leave spec.replicas unset on workloads an HPA manages',
        ),
      );
    }
  }
  return out;
}

/** Replica count a workload runs with at least (HPA minReplicas when autoscaled). */
function replicasOf(idx: Index, w: K8sObject): number | undefined {
  if (w.kind === 'DaemonSet' || w.kind === 'Job' || w.kind === 'CronJob' || w.kind === 'Pod') return undefined;
  const hpa = idx.autoscalerOf(w);
  if (hpa) return hpa.object.spec?.minReplicas ?? 1;
  return w.spec?.replicas ?? 1;
}

function scaled(value: number | string, replicas: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const pct = Number(String(value).replace('%', ''));
  return roundUp ? Math.ceil((pct * replicas) / 100) : Math.floor((pct * replicas) / 100);
}

function checkDisruptionBudgets(idx: Index): Finding[] {
  const out: Finding[] = [];
  for (const m of idx.manifests.filter((x) => x.object.kind === 'PodDisruptionBudget')) {
    const pdb = m.object;
    const pods = idx.podIndex.select(nsOf(pdb), pdb.spec?.selector);
    if (pods.length === 0) {
      out.push(finding(m, 'spec.selector', `selects no pods in namespace ${nsOf(pdb)}`, 'use the selectorLabels() of the workload it protects'));
      continue;
    }
    for (const pod of pods) {
      const replicas = replicasOf(idx, pod.workload);
      if (replicas === undefined) continue;
      const { minAvailable, maxUnavailable } = pdb.spec ?? {};
      // Kubernetes rounds minAvailable percentages up and maxUnavailable percentages up too (to allow progress).
      const blocks =
        (maxUnavailable !== undefined && scaled(maxUnavailable, replicas, true) <= 0) ||
        (minAvailable !== undefined && scaled(minAvailable, replicas, true) >= replicas);
      if (blocks) {
        out.push(
          finding(
            m,
            minAvailable !== undefined ? 'spec.minAvailable' : 'spec.maxUnavailable',
            `allows no voluntary disruption of ${pod.workload.kind} ${pod.workload.metadata.name} (${replicas} replica${replicas === 1 ? '' : 's'}${minAvailable !== undefined ? `, minAvailable ${minAvailable}` : `, maxUnavailable ${maxUnavailable}`}): \`kubectl drain\` and node upgrades hang forever`,
            'use maxUnavailable: 1 (or a minAvailable below the replica count)',
          ),
        );
      }
    }
  }
  return out;
}

function checkReadWriteOnce(idx: Index, userCreated: readonly UserCreatedObject[]): Finding[] {
  const out: Finding[] = [];
  for (const pod of idx.pods.filter((p) => p.workload.kind === 'Deployment')) {
    const w = pod.workload;
    ((pod.spec.volumes ?? []) as any[]).forEach((v, i) => {
      const claim = v.persistentVolumeClaim?.claimName;
      if (!claim) return;
      const pvc = idx.get('PersistentVolumeClaim', pod.namespace, claim);
      // A claim the user creates may be anything: assume the common (and dangerous) ReadWriteOnce.
      const modes: string[] = pvc?.object.spec?.accessModes ?? (isUserCreated('PersistentVolumeClaim', pod.namespace, claim, userCreated) ? ['ReadWriteOnce'] : []);
      if (!modes.some((x) => x === 'ReadWriteOnce' || x === 'ReadWriteOncePod') || modes.includes('ReadWriteMany')) return;
      if ((w.spec?.strategy?.type ?? 'RollingUpdate') !== 'Recreate') {
        out.push(
          finding(
            pod.manifest,
            'spec.strategy.type',
            `mounts ReadWriteOnce claim ${claim} (${pod.specPath}.volumes[${i}]) with a RollingUpdate strategy: the new pod waits for the volume the old pod holds, and the upgrade deadlocks when they land on different nodes`,
            'set spec.strategy.type: Recreate, or make it a StatefulSet',
          ),
        );
      }
      const replicas = replicasOf(idx, w) ?? 1;
      const hpa = idx.manifests.some((x) => x.object.kind === 'HorizontalPodAutoscaler' && x.object.spec?.scaleTargetRef?.name === w.metadata.name && nsOf(x.object) === pod.namespace);
      if (replicas > 1 || hpa) {
        out.push(
          finding(
            pod.manifest,
            hpa ? 'spec' : 'spec.replicas',
            `runs ${hpa ? 'an autoscaled number of' : replicas} replicas sharing ReadWriteOnce claim ${claim}: replicas on other nodes can never mount it`,
            'use one replica, a StatefulSet with volumeClaimTemplates, or a ReadWriteMany volume',
          ),
        );
      }
    });
  }
  return out;
}
