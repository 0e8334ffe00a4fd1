import { parseQuantity } from './quantity';

/**
 * What an environment costs its cluster, computed from the synthesized manifests alone (never from
 * the configuration), so it is true of whatever charts produce, including ones added later: every
 * kind with a pod template counts, and a kind the model does not know is simply not a workload.
 */

/** A Kubernetes object as read from the YAML (plain JSON). */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: any };
  [key: string]: any;
}

/** CPU in cores, memory in bytes. `undefined` in a limit means unbounded (a container sets none). */
export interface Amounts {
  cpu: number;
  memory: number;
}
export interface Limits {
  cpu: number | undefined;
  memory: number | undefined;
}

export interface PodCount {
  /** Pods independent of the cluster size. */
  fixed: number;
  /** Pods per node (DaemonSets). */
  perNode: number;
}

export interface Workload {
  namespace: string;
  kind: string;
  name: string;
  /** Replicas at the minimum and at the maximum of autoscaling (equal without an HPA). */
  min: PodCount;
  max: PodCount;
  /** Which HorizontalPodAutoscaler sets the bounds, if any. */
  autoscaler?: string;
  /** Jobs and CronJobs: pods exist only while a run lasts; not in the steady-state totals. */
  transient: boolean;
  /** One pod's effective requests and limits, as the scheduler and kubelet count them. */
  podRequests: Amounts;
  podLimits: Limits;
  containers: ContainerInfo[];
}

export interface ContainerInfo {
  name: string;
  image: string;
  init: boolean;
  requests: Partial<Amounts>;
  limits: Partial<Amounts>;
}

export interface Volume {
  namespace: string;
  /** `PersistentVolumeClaim name` or `StatefulSet name / template`. */
  source: string;
  storageClass: string;
  accessModes: string[];
  /** Bytes per claim, and the number of claims at minimum and maximum replicas. */
  size: number;
  claimsMin: number;
  claimsMax: number;
}

export interface Exposure {
  namespace: string;
  via: string;
  name: string;
  type: string;
  port: string;
  target: string;
  reach: string;
}

export interface Totals {
  podsMin: PodCount;
  podsMax: PodCount;
  /** Steady-state requests/limits at minimum and maximum replicas; per-node parts kept apart. */
  requestsMin: Amounts;
  requestsMax: Amounts;
  requestsPerNode: Amounts;
  limitsMin: Limits;
  limitsMax: Limits;
  limitsPerNode: Limits;
  storageMin: number;
  storageMax: number;
}

export interface Footprint {
  namespaces: Map<string, Totals>;
  total: Totals;
  workloads: Workload[];
  volumes: Volume[];
  images: { image: string; repository: string; tag: string; usedBy: string[] }[];
  exposures: Exposure[];
  /** Containers without a CPU request, a memory request or a memory limit. */
  problems: string[];
}

const POD_TEMPLATE_PATHS: Record<string, string[]> = {
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  Pod: ['spec'],
};

const dig = (o: any, p: string[]): any => p.reduce((v, k) => (v === undefined || v === null ? undefined : v[k]), o);
/** Code-point order: the same on every machine, unlike localeCompare. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const key = (ns: string | undefined, kind: string, name: string) => `${ns ?? ''}/${kind}/${name}`;

export function podSpecOf(o: Manifest): any | undefined {
  const p = POD_TEMPLATE_PATHS[o.kind];
  return p ? dig(o, p) : undefined;
}

function containerInfo(c: any, init: boolean): ContainerInfo {
  const q = (v: unknown) => (v === undefined || v === null ? undefined : parseQuantity(v as string));
  return {
    name: c.name,
    image: c.image,
    init,
    requests: { cpu: q(c.resources?.requests?.cpu), memory: q(c.resources?.requests?.memory) },
    limits: { cpu: q(c.resources?.limits?.cpu), memory: q(c.resources?.limits?.memory) },
  };
}

/**
 * A pod's effective request (or limit) for one resource, as Kubernetes computes it: the larger of
 * (a) the app containers plus restartable init containers ("sidecars") and (b) each ordinary init
 * container plus the sidecars started before it, since init containers run one at a time before
 * the app containers. A limit is unbounded (undefined) when a container that counts sets none.
 */
export function effective(podSpec: any, pick: (c: ContainerInfo) => number | undefined, unsetIsZero: boolean): number | undefined {
  const inits = (podSpec.initContainers ?? []) as any[];
  const apps = ((podSpec.containers ?? []) as any[]).map((c) => containerInfo(c, false));
  const value = (c: ContainerInfo): number | undefined => {
    const v = pick(c);
    return v === undefined && unsetIsZero ? 0 : v;
  };
  let sidecars: number | undefined = 0;
  let initPeak: number | undefined = 0;
  const add = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a + b);
  const max = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : Math.max(a, b));
  for (const raw of inits) {
    const c = containerInfo(raw, true);
    if (raw.restartPolicy === 'Always') {
      sidecars = add(sidecars, value(c));
    } else {
      initPeak = max(initPeak, add(value(c), sidecars));
    }
  }
  const appSum = apps.reduce<number | undefined>((s, c) => add(s, value(c)), 0);
  return max(initPeak, add(appSum, sidecars));
}

function replicaBounds(o: Manifest, hpa: Manifest | undefined): { min: PodCount; max: PodCount; transient: boolean } {
  const fixed = (n: number): PodCount => ({ fixed: n, perNode: 0 });
  switch (o.kind) {
    case 'DaemonSet':
      return { min: { fixed: 0, perNode: 1 }, max: { fixed: 0, perNode: 1 }, transient: false };
    case 'Pod':
      return { min: fixed(1), max: fixed(1), transient: false };
    case 'Job':
      return { min: fixed(o.spec?.parallelism ?? 1), max: fixed(o.spec?.parallelism ?? 1), transient: true };
    case 'CronJob': {
      const p = o.spec?.jobTemplate?.spec?.parallelism ?? 1;
      return { min: fixed(p), max: fixed(p), transient: true };
    }
    default: {
      if (hpa) return { min: fixed(hpa.spec?.minReplicas ?? 1), max: fixed(hpa.spec?.maxReplicas), transient: false };
      const r = o.spec?.replicas ?? 1; // the API server's default
      return { min: fixed(r), max: fixed(r), transient: false };
    }
  }
}

const zeroTotals = (): Totals => ({
  podsMin: { fixed: 0, perNode: 0 },
  podsMax: { fixed: 0, perNode: 0 },
  requestsMin: { cpu: 0, memory: 0 },
  requestsMax: { cpu: 0, memory: 0 },
  requestsPerNode: { cpu: 0, memory: 0 },
  limitsMin: { cpu: 0, memory: 0 },
  limitsMax: { cpu: 0, memory: 0 },
  limitsPerNode: { cpu: 0, memory: 0 },
  storageMin: 0,
  storageMax: 0,
});

const addMaybe = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a + b);

function addWorkload(t: Totals, w: Workload): void {
  if (w.transient) return;
  t.podsMin.fixed += w.min.fixed;
  t.podsMin.perNode += w.min.perNode;
  t.podsMax.fixed += w.max.fixed;
  t.podsMax.perNode += w.max.perNode;
  const scale = (n: number, perPod: number | undefined) => (n === 0 ? 0 : perPod === undefined ? undefined : n * perPod);
  t.requestsMin.cpu += w.min.fixed * w.podRequests.cpu;
  t.requestsMin.memory += w.min.fixed * w.podRequests.memory;
  t.requestsMax.cpu += w.max.fixed * w.podRequests.cpu;
  t.requestsMax.memory += w.max.fixed * w.podRequests.memory;
  t.requestsPerNode.cpu += w.min.perNode * w.podRequests.cpu;
  t.requestsPerNode.memory += w.min.perNode * w.podRequests.memory;
  for (const r of ['cpu', 'memory'] as const) {
    t.limitsMin[r] = addMaybe(t.limitsMin[r], scale(w.min.fixed, w.podLimits[r]));
    t.limitsMax[r] = addMaybe(t.limitsMax[r], scale(w.max.fixed, w.podLimits[r]));
    t.limitsPerNode[r] = addMaybe(t.limitsPerNode[r], scale(w.min.perNode, w.podLimits[r]));
  }
}

function splitImage(image: string): { repository: string; tag: string } {
  const [withoutDigest, digest] = image.split('@');
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > slash;
  const repository = hasTag ? withoutDigest.slice(0, colon) : withoutDigest;
  const tag = [hasTag ? withoutDigest.slice(colon + 1) : '', digest ? `@${digest}` : ''].join('') || '(none: latest)';
  return { repository, tag };
}

function exposuresOf(o: Manifest, namespace: string): Exposure[] {
  if (o.kind === 'Service') {
    const type = o.spec?.type ?? 'ClusterIP';
    const headless = o.spec?.clusterIP === 'None';
    const dns = `${o.metadata.name}.${namespace}.svc`;
    return ((o.spec?.ports ?? []) as any[]).map((p) => {
      const port = `${p.port}/${p.protocol ?? 'TCP'}`;
      const nodePort = p.nodePort !== undefined ? String(p.nodePort) : 'assigned by Kubernetes';
      const reach =
        type === 'NodePort'
          ? `any node's IP, port ${nodePort}; in the cluster ${dns}:${p.port}`
          : type === 'LoadBalancer'
            ? `the load balancer's address, port ${p.port} (node port ${nodePort}); in the cluster ${dns}:${p.port}`
            : type === 'ExternalName'
              ? `alias of ${o.spec?.externalName}`
              : headless
                ? `in the cluster only, each pod by DNS (headless ${dns})`
                : `in the cluster only, ${dns}:${p.port}`;
      return { namespace, via: 'Service', name: o.metadata.name, type: headless ? 'ClusterIP (headless)' : type, port, target: String(p.targetPort ?? p.port), reach };
    });
  }
  if (o.kind === 'Ingress') {
    const tlsHosts = new Set(((o.spec?.tls ?? []) as any[]).flatMap((t) => t.hosts ?? []));
    const cls = o.spec?.ingressClassName ? `class ${o.spec.ingressClassName}` : 'default class';
    return ((o.spec?.rules ?? []) as any[]).flatMap((rule) =>
      ((rule.http?.paths ?? []) as any[]).map((p) => {
        const host = rule.host ?? '*';
        const scheme = rule.host && tlsHosts.has(rule.host) ? 'https' : 'http';
        const svc = p.backend?.service;
        const target = svc ? `Service ${svc.name}:${svc.port?.name ?? svc.port?.number}` : 'resource backend';
        return { namespace, via: 'Ingress', name: o.metadata.name, type: `Ingress (${cls})`, port: `${p.pathType ?? 'Prefix'} ${p.path ?? '/'}`, target, reach: `${scheme}://${host}${p.path ?? '/'} through the ingress controller` };
      }),
    );
  }
  const pod = podSpecOf(o);
  if (!pod) return [];
  // Ports on the node itself bypass Services and NetworkPolicies: list them too.
  const out: Exposure[] = [];
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (pod.hostNetwork || p.hostPort !== undefined) {
        out.push({
          namespace,
          via: o.kind,
          name: `${o.metadata.name}/${c.name}`,
          type: pod.hostNetwork ? 'host network' : 'hostPort',
          port: `${p.hostPort ?? p.containerPort}/${p.protocol ?? 'TCP'}`,
          target: String(p.containerPort),
          reach: `each node's IP, port ${p.hostPort ?? p.containerPort}`,
        });
      }
    }
  }
  return out;
}

export function computeFootprint(objects: Manifest[]): Footprint {
  const nsOf = (o: Manifest) => o.metadata.namespace ?? 'default';
  const hpas = new Map<string, Manifest>();
  for (const o of objects) {
    if (o.kind === 'HorizontalPodAutoscaler') {
      const ref = o.spec?.scaleTargetRef ?? {};
      hpas.set(key(nsOf(o), ref.kind, ref.name), o);
    }
  }

  const workloads: Workload[] = [];
  const volumes: Volume[] = [];
  const exposures: Exposure[] = [];
  const images = new Map<string, Set<string>>();
  const problems: string[] = [];

  for (const o of objects) {
    const namespace = nsOf(o);
    exposures.push(...exposuresOf(o, namespace));

    if (o.kind === 'PersistentVolumeClaim') {
      volumes.push({
        namespace,
        source: `PersistentVolumeClaim ${o.metadata.name}`,
        storageClass: o.spec?.storageClassName ?? '(cluster default)',
        accessModes: o.spec?.accessModes ?? [],
        size: parseQuantity(o.spec?.resources?.requests?.storage ?? '0'),
        claimsMin: 1,
        claimsMax: 1,
      });
      continue;
    }

    const pod = podSpecOf(o);
    if (!pod) continue;
    const hpa = hpas.get(key(namespace, o.kind, o.metadata.name));
    const bounds = replicaBounds(o, hpa);
    const containers = [
      ...((pod.initContainers ?? []) as any[]).map((c) => containerInfo(c, true)),
      ...((pod.containers ?? []) as any[]).map((c) => containerInfo(c, false)),
    ];
    const w: Workload = {
      namespace,
      kind: o.kind,
      name: o.metadata.name,
      ...bounds,
      ...(hpa ? { autoscaler: hpa.metadata.name } : {}),
      podRequests: {
        cpu: effective(pod, (c) => c.requests.cpu ?? c.limits.cpu, true) as number,
        memory: effective(pod, (c) => c.requests.memory ?? c.limits.memory, true) as number,
      },
      podLimits: {
        cpu: effective(pod, (c) => c.limits.cpu, false),
        memory: effective(pod, (c) => c.limits.memory, false),
      },
      containers,
    };
    workloads.push(w);

    for (const c of containers) {
      const where = `${namespace}/${o.kind}/${o.metadata.name}/${c.name}`;
      if (!images.has(c.image)) images.set(c.image, new Set());
      images.get(c.image)?.add(`${namespace}/${o.metadata.name}`);
      const missing = [
        c.requests.cpu === undefined ? 'CPU request' : '',
        c.requests.memory === undefined ? 'memory request' : '',
        c.limits.memory === undefined ? 'memory limit' : '',
      ].filter(Boolean);
      if (missing.length) problems.push(`${where}: no ${missing.join(', ')}`);
    }

    if (o.kind === 'StatefulSet') {
      for (const t of (o.spec?.volumeClaimTemplates ?? []) as any[]) {
        volumes.push({
          namespace,
          source: `StatefulSet ${o.metadata.name} / ${t.metadata?.name}`,
          storageClass: t.spec?.storageClassName ?? '(cluster default)',
          accessModes: t.spec?.accessModes ?? [],
          size: parseQuantity(t.spec?.resources?.requests?.storage ?? '0'),
          claimsMin: bounds.min.fixed,
          claimsMax: bounds.max.fixed,
        });
      }
    }
  }

  const namespaces = new Map<string, Totals>();
  const total = zeroTotals();
  const totalsFor = (ns: string) => {
    if (!namespaces.has(ns)) namespaces.set(ns, zeroTotals());
    return namespaces.get(ns) as Totals;
  };
  for (const o of objects) if (o.kind === 'Namespace') totalsFor(o.metadata.name);
  for (const w of workloads) {
    addWorkload(totalsFor(w.namespace), w);
    addWorkload(total, w);
  }
  for (const v of volumes) {
    for (const t of [totalsFor(v.namespace), total]) {
      t.storageMin += v.size * v.claimsMin;
      t.storageMax += v.size * v.claimsMax;
    }
  }

  const byName = <T extends { namespace: string }>(f: (x: T) => string) => (a: T, b: T) => compare(`${a.namespace}/${f(a)}`, `${b.namespace}/${f(b)}`);
  return {
    namespaces: new Map([...namespaces.entries()].sort(([a], [b]) => compare(a, b))),
    total,
    workloads: workloads.sort(byName((w) => `${w.kind}/${w.name}`)),
    volumes: volumes.sort(byName((v) => v.source)),
    images: [...images.entries()]
      .sort(([a], [b]) => compare(a, b))
      .map(([image, used]) => ({ image, ...splitImage(image), usedBy: [...used].sort() })),
    exposures: exposures.sort(byName((e) => `${e.via}/${e.name}/${e.port}`)),
    problems: problems.sort(compare),
  };
}
