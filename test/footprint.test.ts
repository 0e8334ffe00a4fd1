import { readFileSync } from 'fs';
import * as path from 'path';
import { computeFootprint, Manifest } from '../report/footprint';
import { environmentReport } from '../report/main';
import { formatBytes, formatCpu, parseQuantity } from '../report/quantity';
import { synthObjects } from './support/manifests';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

// Issue 6: the default environment fits one 2 vCPU / 4 GiB node, Jenkins and monitoring included;
// issue 15 tightens the goal to 1 vCPU / 2.5 GiB of requests, every datastore exporter included.
const DEFAULT_MAX_CPU_CORES = 1;
const DEFAULT_MAX_MEMORY_BYTES = 2.5 * GiB;

describe('the default environment', () => {
  const footprint = computeFootprint(synthObjects() as Manifest[]);

  test('requests at most 1 vCPU and 2.5 GiB in total, at the top of autoscaling, on one node', () => {
    const t = footprint.total;
    // One node: DaemonSets add one pod each.
    const cpu = t.requestsMax.cpu + t.requestsPerNode.cpu;
    const memory = t.requestsMax.memory + t.requestsPerNode.memory;
    expect(cpu).toBeGreaterThan(0);
    expect(cpu).toBeLessThanOrEqual(DEFAULT_MAX_CPU_CORES);
    expect(memory).toBeLessThanOrEqual(DEFAULT_MAX_MEMORY_BYTES);
  });

  test('every container has CPU and memory requests and a memory limit', () => {
    const containers = footprint.workloads.flatMap((w) => w.containers.map((c) => ({ where: `${w.kind}/${w.name}/${c.name}`, ...c })));
    expect(containers.length).toBeGreaterThan(0);
    for (const c of containers) {
      expect({ where: c.where, cpu: c.requests.cpu !== undefined, memory: c.requests.memory !== undefined, limit: c.limits.memory !== undefined }).toEqual({
        where: c.where,
        cpu: true,
        memory: true,
        limit: true,
      });
    }
    expect(footprint.problems).toEqual([]);
  });
});

describe.each(['default', 'prod'])('docs/footprint-%s.md', (env) => {
  test('is current (regenerate: npm run report -- --env NAME --out docs/footprint-NAME.md)', () => {
    const committed = readFileSync(path.join(__dirname, '..', 'docs', `footprint-${env}.md`), 'utf8');
    expect(committed).toBe(environmentReport(env));
  });
});

// Hand-built manifests, so the expected numbers come from Kubernetes' rules, not from our output.
const container = (name: string, cpu?: string, memory?: string, memoryLimit?: string, extra: object = {}) => ({
  name,
  image: `example/${name}:1.0`,
  resources: { requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) }, limits: memoryLimit ? { memory: memoryLimit } : {} },
  ...extra,
});
const deployment = (name: string, spec: object, replicas?: number): Manifest => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'a' },
  spec: { ...(replicas !== undefined ? { replicas } : {}), template: { spec } },
});

describe('footprint rules', () => {
  test('a pod requests the larger of its largest init container and the sum of its containers', () => {
    const f = computeFootprint([
      deployment('big-init', { initContainers: [container('i', '500m', '1Gi', '1Gi')], containers: [container('c1', '100m', '64Mi', '64Mi'), container('c2', '100m', '64Mi', '64Mi')] }),
      deployment('small-init', { initContainers: [container('i', '50m', '16Mi', '16Mi')], containers: [container('c1', '100m', '64Mi', '64Mi'), container('c2', '100m', '64Mi', '64Mi')] }),
      deployment('two-inits', { initContainers: [container('i1', '300m', '16Mi', '16Mi'), container('i2', '200m', '16Mi', '16Mi')], containers: [container('c', '100m', '8Mi', '8Mi')] }),
    ]);
    const [big, small, twoInits] = f.workloads;
    expect(big.podRequests).toEqual({ cpu: 0.5, memory: GiB });
    expect(small.podRequests).toEqual({ cpu: 0.2, memory: 128 * MiB });
    // Init containers run one after another: the largest counts, not their sum.
    expect(twoInits.podRequests).toEqual({ cpu: 0.3, memory: 16 * MiB });
  });

  test('a sidecar init container (restartPolicy Always) adds to the running pod and to later init containers', () => {
    const f = computeFootprint([
      deployment('sidecar', {
        initContainers: [container('side', '100m', '32Mi', '32Mi', { restartPolicy: 'Always' }), container('init', '300m', '16Mi', '16Mi')],
        containers: [container('app', '100m', '64Mi', '64Mi')],
      }),
    ]);
    // init phase: 300m + 100m sidecar = 400m; running: 100m + 100m = 200m. Memory: max(48Mi, 96Mi).
    expect(f.workloads[0].podRequests).toEqual({ cpu: 0.4, memory: 96 * MiB });
  });

  test('a limit a container leaves unset makes the pod limit unbounded; a missing request falls back to the limit', () => {
    const f = computeFootprint([deployment('d', { containers: [container('a', undefined, undefined, '128Mi'), container('b', '100m', '64Mi', undefined)] })]);
    const w = f.workloads[0];
    expect(w.podLimits.memory).toBeUndefined();
    expect(w.podRequests.memory).toBe(192 * MiB);
    expect(f.problems).toEqual(['a/Deployment/d/a: no CPU request, memory request', 'a/Deployment/d/b: no memory limit']);
  });

  test('replicas: HPA bounds for its target, replicas otherwise (default 1), DaemonSets per node, Jobs left out of totals', () => {
    const f = computeFootprint([
      deployment('scaled', { containers: [container('c', '100m', '100Mi', '100Mi')] }),
      deployment('fixed', { containers: [container('c', '100m', '100Mi', '100Mi')] }, 3),
      deployment('implicit', { containers: [container('c', '100m', '100Mi', '100Mi')] }),
      { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace: 'a' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'scaled' }, minReplicas: 2, maxReplicas: 5 } },
      { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds', namespace: 'b' }, spec: { template: { spec: { containers: [container('c', '10m', '10Mi', '10Mi')] } } } },
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'a' }, spec: { template: { spec: { containers: [container('c', '1', '1Gi', '1Gi')] } } } },
    ]);
    expect(f.total.podsMin).toEqual({ fixed: 2 + 3 + 1, perNode: 1 });
    expect(f.total.podsMax).toEqual({ fixed: 5 + 3 + 1, perNode: 1 });
    expect(f.total.requestsMin.cpu).toBeCloseTo(0.6);
    expect(f.total.requestsMax.cpu).toBeCloseTo(0.9);
    expect(f.total.requestsPerNode).toEqual({ cpu: 0.01, memory: 10 * MiB });
    expect(f.namespaces.get('b')?.podsMin).toEqual({ fixed: 0, perNode: 1 });
  });

  test('storage: PVCs once, StatefulSet claim templates once per replica (HPA max included)', () => {
    const f = computeFootprint([
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'p', namespace: 'a' }, spec: { resources: { requests: { storage: '10Gi' } } } },
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 's', namespace: 'a' },
        spec: { replicas: 3, template: { spec: { containers: [container('c', '1m', '1Mi', '1Mi')] } }, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { storageClassName: 'fast', resources: { requests: { storage: '2Gi' } } } }] },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 't', namespace: 'a' },
        spec: { template: { spec: { containers: [container('c', '1m', '1Mi', '1Mi')] } }, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: '1Gi' } } } }] },
      },
      { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 't', namespace: 'a' }, spec: { scaleTargetRef: { kind: 'StatefulSet', name: 't' }, minReplicas: 1, maxReplicas: 4 } },
    ]);
    expect(f.total.storageMin).toBe((10 + 3 * 2 + 1) * GiB);
    expect(f.total.storageMax).toBe((10 + 3 * 2 + 4) * GiB);
    expect(f.volumes.find((v) => v.source.startsWith('StatefulSet s'))?.storageClass).toBe('fast');
  });

  test('exposed ports: NodePort, LoadBalancer, Ingress host/path and host ports say how they are reached', () => {
    const f = computeFootprint([
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'np', namespace: 'a' }, spec: { type: 'NodePort', ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }] } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb', namespace: 'a' }, spec: { type: 'LoadBalancer', ports: [{ port: 443, targetPort: 'https' }] } },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'ing', namespace: 'a' },
        spec: { tls: [{ hosts: ['x.example.com'] }], rules: [{ host: 'x.example.com', http: { paths: [{ path: '/api', pathType: 'Prefix', backend: { service: { name: 'np', port: { number: 80 } } } }] } }] },
      },
      { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ne', namespace: 'm' }, spec: { template: { spec: { hostNetwork: true, containers: [container('c', '1m', '1Mi', '1Mi', { ports: [{ containerPort: 9100 }] })] } } } },
    ]);
    const reach = Object.fromEntries(f.exposures.map((e) => [`${e.via} ${e.name}`, e]));
    expect(reach['Service np'].reach).toContain('port 30080');
    expect(reach['Service lb'].reach).toContain('load balancer');
    expect(reach['Ingress ing'].reach).toBe('https://x.example.com/api through the ingress controller');
    expect(reach['Ingress ing'].target).toBe('Service np:80');
    expect(reach['DaemonSet ne/c'].port).toBe('9100/TCP');
  });
});

describe('quantities', () => {
  test.each([
    ['100m', 0.1],
    ['1', 1],
    ['1.5', 1.5],
    ['64Mi', 64 * MiB],
    ['1Gi', GiB],
    ['1G', 1e9],
    ['500M', 5e8],
    ['1e3', 1000],
    ['250u', 0.00025],
  ])('%s', (q, v) => expect(parseQuantity(q)).toBeCloseTo(v, 9));

  test('refuses what the API server refuses', () => expect(() => parseQuantity('64MB')).toThrow(/not a Kubernetes quantity/));

  test('formats', () => {
    expect([formatCpu(0.075), formatCpu(1.5), formatCpu(2)]).toEqual(['75m', '1.5 vCPU', '2 vCPU']);
    expect([formatBytes(176 * MiB), formatBytes(1.25 * GiB), formatBytes(3 * GiB)]).toEqual(['176Mi', '1.25Gi', '3Gi']);
  });
});
