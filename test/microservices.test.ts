import { quantityBytes as memoryBytes } from '../lib/quantity';
import { configFrom, find, ofKind, synthObjects } from './support/manifests';

const NS = 'container-infra';

describe('microservices', () => {
  const objects = synthObjects();

  test.each(['news', 'webtoon', 'payment'])('%s has its Deployment, Service, ServiceAccount, PDB, NetworkPolicy and datastore', (name) => {
    const deployment = find(objects, 'Deployment', name, NS);
    const pod = deployment.spec.template;
    const selector = deployment.spec.selector.matchLabels;
    // Selector: only the stable name/instance labels, and the pods carry them.
    expect(Object.keys(selector).sort()).toEqual(['app.kubernetes.io/instance', 'app.kubernetes.io/name']);
    for (const [k, v] of Object.entries(selector)) expect(pod.metadata.labels[k]).toBe(v);

    const service = find(objects, 'Service', name, NS);
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.selector).toEqual(selector);
    const containerPort = pod.spec.containers[0].ports.find((p: any) => p.name === service.spec.ports[0].targetPort);
    expect(containerPort).toBeDefined();

    const sa = find(objects, 'ServiceAccount', name, NS);
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(pod.spec.serviceAccountName).toBe(name);
    expect(pod.spec.automountServiceAccountToken).toBe(false);

    const pdb = find(objects, 'PodDisruptionBudget', name, NS);
    expect(pdb.spec.selector.matchLabels).toEqual(selector);
    expect(pdb.spec.maxUnavailable).toBe(1);

    // Prometheus finds the service through its pod annotations.
    expect(pod.metadata.annotations['prometheus.io/scrape']).toBe('true');
    expect(Number(pod.metadata.annotations['prometheus.io/port'])).toBe(containerPort.containerPort);
    expect(pod.metadata.annotations['prometheus.io/path']).toBe('/metrics');

    // Rolling updates never go below the desired count.
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThan(0);
  });

  test.each(['news', 'webtoon', 'payment'])('%s owns its data: its own Redis, on a volume, reachable only from it', (name) => {
    const redis = find(objects, 'StatefulSet', `${name}-redis`, NS);
    expect(redis.spec.volumeClaimTemplates[0].spec.accessModes).toEqual(['ReadWriteOnce']);
    expect(redis.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
    // fsGroup makes the volume writable by the non-root redis user without a chown.
    expect(redis.spec.template.spec.securityContext.fsGroup).toBe(redis.spec.template.spec.securityContext.runAsGroup);

    const app = find(objects, 'Deployment', name, NS).spec.template.spec.containers[0];
    const cacheArg = app.args.find((a: string) => a.startsWith('--cache-server='));
    expect(cacheArg).toBe(`--cache-server=tcp://${name}-redis.${NS}.svc.cluster.local:6379`);
    expect(find(objects, 'Service', `${name}-redis`, NS).spec.selector).toEqual(redis.spec.selector.matchLabels);

    const policy = find(objects, 'NetworkPolicy', `${name}-redis`, NS);
    expect(policy.spec.podSelector.matchLabels).toEqual(redis.spec.selector.matchLabels);
    // Redis' port from the owning service only; the exporter's port from Prometheus only.
    const containers = redis.spec.template.spec.containers;
    const portOf = (container: string, port: string) => containers.find((c: any) => c.name === container).ports.find((p: any) => p.name === port).containerPort;
    const prometheus = find(objects, 'StatefulSet', 'prometheus', 'monitoring');
    expect(policy.spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: find(objects, 'Deployment', name, NS).spec.selector.matchLabels } }], ports: [{ protocol: 'TCP', port: portOf('redis', 'redis') }] },
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: prometheus.spec.selector.matchLabels } }],
        ports: [{ protocol: 'TCP', port: portOf('exporter', 'metrics') }],
      },
    ]);
    expect(policy.spec.egress ?? []).toEqual([]);
  });

  test('without monitoring, a datastore runs no exporter and opens no port to anyone but its owner', () => {
    const more = synthObjects(configFrom({ monitoring: { enabled: false } }));
    const redis = find(more, 'StatefulSet', 'news-redis', NS);
    expect(redis.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['redis']);
    expect(redis.spec.template.metadata.annotations ?? {}).toEqual({});
    expect(find(more, 'NetworkPolicy', 'news-redis', NS).spec.ingress).toHaveLength(1);
  });

  test('the exporter runs the pinned image as its non-root user, hardened, with small requests', () => {
    const exporter = find(objects, 'StatefulSet', 'news-redis', NS).spec.template.spec.containers.find((c: any) => c.name === 'exporter');
    expect(exporter.image).toMatch(/^oliver006\/redis_exporter:v\d+\.\d+\.\d+$/);
    expect(exporter.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 59000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    // One of these per datastore: the default environment's footprint budget allows about 5m / 16Mi each.
    expect(exporter.resources.requests.cpu).toMatch(/^[1-9]m$/);
    expect(memoryBytes(exporter.resources.requests.memory)).toBeLessThanOrEqual(16 * 2 ** 20);
    expect(memoryBytes(exporter.resources.limits.memory)).toBeGreaterThan(memoryBytes(exporter.resources.requests.memory));
    expect(exporter.readinessProbe.httpGet).toEqual({ path: '/health', port: 'metrics' });
  });

  test('a service may reach its own datastore and no other', () => {
    for (const name of ['news', 'webtoon', 'payment']) {
      const egress = find(objects, 'NetworkPolicy', name, NS).spec.egress;
      const datastoreTargets = egress
        .flatMap((r: any) => r.to ?? [])
        .map((peer: any) => peer.podSelector?.matchLabels?.['app.kubernetes.io/instance'])
        .filter((i: string | undefined) => i?.endsWith('-redis'));
      expect(datastoreTargets).toEqual([`${name}-redis`]);
    }
  });

  test('only webtoon autoscales, and its Deployment leaves the replica count to the HPA', () => {
    const hpas = ofKind(objects, 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.metadata.name)).toEqual(['webtoon']);
    const hpa = hpas[0];
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'webtoon' });
    expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
    expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
    expect(find(objects, 'Deployment', 'webtoon', NS).spec.replicas).toBeUndefined();
    expect(find(objects, 'Deployment', 'news', NS).spec.replicas).toBe(1);
  });

  test('the namespace denies all traffic that no policy allows', () => {
    const deny = find(objects, 'NetworkPolicy', 'default-deny', NS);
    expect(deny.spec.podSelector).toEqual({});
    expect(deny.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
  });

  test('adding a fourth service is one configuration entry', () => {
    const config = configFrom({ services: [{ name: 'news' }, { name: 'shop', message: 'hi', replicas: 2 }] });
    const more = synthObjects(config);
    expect(find(more, 'Deployment', 'shop', NS).spec.replicas).toBe(2);
    expect(find(more, 'StatefulSet', 'shop-redis', NS)).toBeDefined();
    expect(find(more, 'ConfigMap', 'gateway-nginx', NS).data['nginx.conf']).toContain('location /shop/ {');
    expect(ofKind(more, 'Deployment').filter((d) => d.metadata.namespace === NS).map((d) => d.metadata.name).sort()).toEqual(['auth', 'gateway', 'news', 'shop']);
  });

  test('a service without a datastore gets no Redis and no datastore egress', () => {
    const more = synthObjects(configFrom({ services: [{ name: 'news', datastore: { enabled: false } }] }));
    expect(ofKind(more, 'StatefulSet').filter((s) => s.metadata.namespace === NS)).toHaveLength(0);
    expect(find(more, 'Deployment', 'news', NS).spec.template.spec.containers[0].args.join(' ')).not.toContain('--cache-server');
  });

  test('a non-podinfo image can bring its own command', () => {
    const more = synthObjects(configFrom({ services: [{ name: 'news', image: 'example/news:1.0.0', command: ['/app'], args: ['--serve'] }] }));
    const c = find(more, 'Deployment', 'news', NS).spec.template.spec.containers[0];
    expect(c.command).toEqual(['/app']);
    expect(c.args).toEqual(['--serve']);
    expect(c.env).toContainEqual({ name: 'DATASTORE_URL', value: `tcp://news-redis.${NS}.svc.cluster.local:6379` });
  });
});

test('volume claim templates carry no version label: they are immutable, an image bump must not change them', () => {
  for (const sts of ofKind(synthObjects(), 'StatefulSet')) {
    for (const t of sts.spec.volumeClaimTemplates ?? []) expect(Object.keys(t.metadata.labels ?? {})).not.toContain('app.kubernetes.io/version');
  }
});
