import * as path from 'path';
import { checkNamespaces } from '../validate/namespaces';
import { checkReferences } from '../validate/references';
import { defaultUserCreated } from '../validate/user-created';
import { loadManifestDir } from '../validate/manifests';
import { K8sObject, podSpecOf, readManifestDir } from './support/manifests';
import { clone, configMap, deployment, hardenedContainer, manifests, namespace, NS, podSpec, service, statefulSet } from './support/k8s-fixtures';

const ns = namespace(NS);

describe('Service selectors and targetPorts', () => {
  test('a Service that selects its workload on a declared port has no findings', () => {
    expect(checkReferences(manifests(ns, deployment('news'), service('news')))).toEqual([]);
  });

  test('a selector that matches no pod is reported', () => {
    const svc = service('news', { selector: { 'app.kubernetes.io/name': 'nwes' } });
    expect(checkReferences(manifests(ns, deployment('news'), svc))).toEqual([expect.objectContaining({ path: 'spec.selector', message: expect.stringContaining('selects no pods') })]);
  });

  test('pods of another namespace do not count', () => {
    const svc = service('news', { ns: 'other' });
    expect(checkReferences(manifests(ns, deployment('news'), svc))).toEqual([expect.objectContaining({ path: 'spec.selector' })]);
  });

  test.each([
    ['an undeclared port name', 'metrics'],
    ['an undeclared port number', 9999],
  ])('a targetPort with %s is reported', (_what, targetPort) => {
    const findings = checkReferences(manifests(ns, deployment('news'), service('news', { targetPort })));
    expect(findings).toEqual([expect.objectContaining({ path: 'spec.ports[0].targetPort', message: expect.stringContaining('http=8080/TCP') })]);
  });

  test('a targetPort given by number that is declared is fine', () => {
    expect(checkReferences(manifests(ns, deployment('news'), service('news', { targetPort: 8080 })))).toEqual([]);
  });
});

describe('objects a pod refers to', () => {
  function podWith(extra: (spec: any) => void) {
    const d = deployment('news');
    extra(d.spec.template.spec);
    return d;
  }

  test.each([
    ['ConfigMap volume', (s: any) => (s.volumes = [{ name: 'c', configMap: { name: 'missing' } }]), 'spec.template.spec.volumes[0].configMap.name'],
    ['Secret volume', (s: any) => (s.volumes = [{ name: 's', secret: { secretName: 'missing' } }]), 'spec.template.spec.volumes[0].secret.secretName'],
    ['PVC volume', (s: any) => (s.volumes = [{ name: 'p', persistentVolumeClaim: { claimName: 'missing' } }]), 'spec.template.spec.volumes[0].persistentVolumeClaim.claimName'],
    ['ServiceAccount', (s: any) => (s.serviceAccountName = 'missing'), 'spec.template.spec.serviceAccountName'],
    ['secretKeyRef', (s: any) => (s.containers[0].env = [{ name: 'P', valueFrom: { secretKeyRef: { name: 'missing', key: 'k' } } }]), 'spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef'],
    ['envFrom configMapRef', (s: any) => (s.containers[0].envFrom = [{ configMapRef: { name: 'missing' } }]), 'spec.template.spec.containers[0].envFrom[0].configMapRef'],
    ['projected secret', (s: any) => (s.volumes = [{ name: 'p', projected: { sources: [{ secret: { name: 'missing' } }] } }]), 'spec.template.spec.volumes[0].projected.sources[0].secret.name'],
  ])('a missing %s is reported', (_what, mutate, path) => {
    expect(checkReferences(manifests(ns, podWith(mutate)))).toEqual([expect.objectContaining({ path, message: expect.stringContaining(`${NS}/missing`) })]);
  });

  test('an existing object, an optional reference and a user-created Secret are fine', () => {
    const d = podWith((s) => {
      s.volumes = [
        { name: 'c', configMap: { name: 'conf' } },
        { name: 'o', secret: { secretName: 'maybe', optional: true } },
        { name: 'a', secret: { secretName: 'admin' } },
      ];
    });
    const userCreated = [{ kind: 'Secret' as const, namespace: NS, name: 'admin', reason: 'test' }];
    expect(checkReferences(manifests(ns, d, configMap('conf', {})), { userCreated })).toEqual([]);
    expect(checkReferences(manifests(ns, d, configMap('conf', {})), { userCreated: [] })).toEqual([expect.objectContaining({ message: expect.stringContaining(`Secret ${NS}/admin`) })]);
  });

  test('an object of the same name in another namespace does not count', () => {
    const d = podWith((s) => (s.volumes = [{ name: 'c', configMap: { name: 'conf' } }]));
    expect(checkReferences(manifests(ns, d, configMap('conf', {}, 'other')))).toHaveLength(1);
  });

  test('a volumeMount needs a volume, and a StatefulSet volumeClaimTemplate counts as one', () => {
    const mount = (spec: any) => (spec.containers[0].volumeMounts = [{ name: 'data', mountPath: '/data' }]);
    const sts = statefulSet('db', { claims: ['data'] });
    mount(sts.spec.template.spec);
    expect(checkReferences(manifests(ns, sts))).toEqual([]);
    const d = podWith(mount);
    expect(checkReferences(manifests(ns, d))).toEqual([expect.objectContaining({ path: 'spec.template.spec.containers[0].volumeMounts[0].name' })]);
  });
});

describe('probes', () => {
  test.each([
    ['httpGet by an undeclared name', { httpGet: { path: '/healthz', port: 'admin' } }, 'httpGet'],
    ['tcpSocket by an undeclared number', { tcpSocket: { port: 9999 } }, 'tcpSocket'],
  ])('a probe with %s is reported', (_what, probe, handler) => {
    const d = deployment('news');
    d.spec.template.spec.containers[0].readinessProbe = probe;
    expect(checkReferences(manifests(ns, d))).toEqual([expect.objectContaining({ path: `spec.template.spec.containers[0].readinessProbe.${handler}.port` })]);
  });

  test('probes by declared name or number are fine', () => {
    const d = deployment('news');
    d.spec.template.spec.containers[0].livenessProbe = { httpGet: { path: '/healthz', port: 'http' } };
    d.spec.template.spec.containers[0].readinessProbe = { tcpSocket: { port: 8080 } };
    expect(checkReferences(manifests(ns, d))).toEqual([]);
  });

  test('a port declared only by another container of the pod does not count', () => {
    const d = deployment('news', { spec: podSpec([hardenedContainer('app', 8080, 'http'), hardenedContainer('exporter', 9113, 'metrics')]) });
    d.spec.template.spec.containers[0].livenessProbe = { httpGet: { path: '/metrics', port: 'metrics' } };
    expect(checkReferences(manifests(ns, d))).toHaveLength(1);
  });
});

describe('autoscalers and disruption budgets', () => {
  const hpa = (target: string) => ({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: target, namespace: NS },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, minReplicas: 2, maxReplicas: 4 },
  });
  const pdb = (spec: any) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'news', namespace: NS }, spec: { selector: { matchLabels: { 'app.kubernetes.io/name': 'news' } }, ...spec } });

  test('an HPA on a Deployment without spec.replicas is fine', () => {
    expect(checkReferences(manifests(ns, deployment('news', { replicas: null }), hpa('news')))).toEqual([]);
  });

  test('an HPA whose target does not exist is reported', () => {
    expect(checkReferences(manifests(ns, deployment('news', { replicas: null }), hpa('nwes')))).toEqual([expect.objectContaining({ path: 'spec.scaleTargetRef' })]);
  });

  test('a Deployment managed by an HPA that sets spec.replicas is reported', () => {
    expect(checkReferences(manifests(ns, deployment('news', { replicas: 2 }), hpa('news')))).toEqual([
      expect.objectContaining({ object: { kind: 'Deployment', namespace: NS, name: 'news' }, path: 'spec.replicas' }),
    ]);
  });

  test('a PDB that selects nothing is reported', () => {
    const p = pdb({ maxUnavailable: 1 });
    p.spec.selector.matchLabels['app.kubernetes.io/name'] = 'nwes';
    expect(checkReferences(manifests(ns, deployment('news'), p))).toEqual([expect.objectContaining({ path: 'spec.selector' })]);
  });

  test.each([
    [{ maxUnavailable: 0 }, 1],
    [{ maxUnavailable: '0%' }, 3],
    [{ minAvailable: 1 }, 1],
    [{ minAvailable: 3 }, 3],
    [{ minAvailable: '100%' }, 2],
  ])('a PDB %j over %i replicas blocks every eviction and is reported', (spec, replicas) => {
    expect(checkReferences(manifests(ns, deployment('news', { replicas }), pdb(spec)))).toHaveLength(1);
  });

  test.each([
    [{ maxUnavailable: 1 }, 1],
    [{ minAvailable: 1 }, 2],
    [{ minAvailable: '50%' }, 3],
  ])('a PDB %j over %i replicas lets a drain proceed', (spec, replicas) => {
    expect(checkReferences(manifests(ns, deployment('news', { replicas }), pdb(spec)))).toEqual([]);
  });

  test('an autoscaled workload is judged by its HPA minReplicas', () => {
    // minReplicas 2, minAvailable 1: one pod may go.
    expect(checkReferences(manifests(ns, deployment('news', { replicas: null }), hpa('news'), pdb({ minAvailable: 1 })))).toEqual([]);
    expect(checkReferences(manifests(ns, deployment('news', { replicas: null }), hpa('news'), pdb({ minAvailable: 2 })))).toHaveLength(1);
  });
});

describe('ReadWriteOnce volumes', () => {
  const pvc = (mode: string) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: NS }, spec: { accessModes: [mode], resources: { requests: { storage: '1Gi' } } } });
  const withClaim = (strategy?: string, replicas = 1) => {
    const d = deployment('news', { replicas });
    d.spec.template.spec.volumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }];
    if (strategy) d.spec.strategy = { type: strategy };
    return d;
  };

  test('a Deployment with a RWO claim and RollingUpdate (the default) deadlocks and is reported', () => {
    expect(checkReferences(manifests(ns, withClaim(), pvc('ReadWriteOnce')))).toEqual([expect.objectContaining({ path: 'spec.strategy.type', message: expect.stringContaining('deadlock') })]);
    expect(checkReferences(manifests(ns, withClaim('RollingUpdate'), pvc('ReadWriteOnce')))).toHaveLength(1);
  });

  test('Recreate, or a ReadWriteMany claim, is fine', () => {
    expect(checkReferences(manifests(ns, withClaim('Recreate'), pvc('ReadWriteOnce')))).toEqual([]);
    expect(checkReferences(manifests(ns, withClaim(), pvc('ReadWriteMany')))).toEqual([]);
  });

  test('several replicas sharing a RWO claim are reported', () => {
    expect(checkReferences(manifests(ns, withClaim('Recreate', 2), pvc('ReadWriteOnce')))).toEqual([expect.objectContaining({ path: 'spec.replicas' })]);
  });
});

describe('namespaces', () => {
  test('objects in a namespace nobody creates, or with no namespace, are reported', () => {
    const orphan = deployment('news', { ns: 'nowhere' });
    const bare = clone(deployment('x'));
    delete bare.metadata.namespace;
    expect(checkNamespaces(manifests(ns, orphan, bare)).map((f) => f.object?.name).sort()).toEqual(['news', 'x']);
    expect(checkNamespaces(manifests(ns, deployment('news')))).toEqual([]);
  });
});

describe("the validator's default user-created objects (no --env/--config)", () => {
  const dist = [...readManifestDir(path.join(__dirname, '..', 'dist')).values()].flat();
  /** Secrets dist/'s pods reference that dist/ does not hold, read from the YAML alone. */
  const missingSecrets = (objects: readonly K8sObject[]) => {
    const held = new Set(objects.filter((o) => o.kind === 'Secret').map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
    const out = new Set<string>();
    for (const o of objects) {
      const pod = podSpecOf(o);
      if (!pod) continue;
      const names = [
        ...(pod.volumes ?? []).flatMap((v: any) => [v.secret?.secretName, ...(v.projected?.sources ?? []).map((s: any) => s.secret?.name)]),
        ...[...(pod.initContainers ?? []), ...(pod.containers ?? [])].flatMap((c: any) => [
          ...(c.env ?? []).map((e: any) => e.valueFrom?.secretKeyRef?.name),
          ...(c.envFrom ?? []).map((e: any) => e.secretRef?.name),
        ]),
      ].filter((n): n is string => typeof n === 'string');
      for (const n of names) if (!held.has(`${o.metadata.namespace}/${n}`)) out.add(`Secret/${o.metadata.namespace}/${n}`);
    }
    return [...out].sort();
  };

  // The list also names Secrets the default output does not mount yet (the alert receiver's, used
  // once a receiver type is set), so `npm run validate -- dist-prod` needs no --env for them.
  test('cover every Secret the default output references and does not hold', () => {
    const listed = defaultUserCreated().map((o) => `${o.kind}/${o.namespace}/${o.name}`);
    const missing = missingSecrets(dist);
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.filter((m) => !listed.includes(m))).toEqual([]);
  });

  test('without them the default output has a missing-reference finding for each such Secret, with them none', () => {
    const manifests = loadManifestDir(path.join(__dirname, '..', 'dist')).manifests;
    const found = checkReferences(manifests, { userCreated: [] }).map((f) => f.message);
    for (const m of missingSecrets(dist)) expect({ m, found: found.some((f) => f.includes(`Secret ${m.slice('Secret/'.length)}`)) }).toEqual({ m, found: true });
    expect(checkReferences(manifests)).toEqual([]);
  });
});
