import { checkFlows, endpointOf, requiredFlows } from '../validate/flows';
import { Endpoint, EXTERNAL, NetworkPolicyModel } from '../validate/network-policy';
import { podTemplates } from '../validate/workloads';
import { configMap, defaultDeny, deployment, DNS_EGRESS, manifests, namespace, networkPolicy, NS, podSpec, hardenedContainer, selectorOf, service } from './support/k8s-fixtures';

const pod = (name: string, ns = NS, labels = selectorOf(name), ports = [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]): Endpoint => ({ name, namespace: ns, labels, ports });

describe('NetworkPolicy evaluation', () => {
  const a = pod('a');
  const b = pod('b');

  test('without policies everything flows', () => {
    expect(new NetworkPolicyModel(manifests()).flow(a, b, 8080).allowed).toBe(true);
  });

  test('default-deny blocks both directions', () => {
    const r = new NetworkPolicyModel(manifests(defaultDeny())).flow(a, b, 8080);
    expect(r).toMatchObject({ allowed: false, egress: { allowed: false }, ingress: { allowed: false } });
  });

  test('a flow needs both the egress of the client and the ingress of the server', () => {
    const ingressOnly = networkPolicy('b', { podSelector: { matchLabels: selectorOf('b') }, ingress: [{ from: [{ podSelector: { matchLabels: selectorOf('a') } }], ports: [{ port: 8080 }] }] });
    const egressOnly = networkPolicy('a', { podSelector: { matchLabels: selectorOf('a') }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: selectorOf('b') } }] }] });
    expect(new NetworkPolicyModel(manifests(defaultDeny(), ingressOnly)).flow(a, b, 8080).allowed).toBe(false);
    expect(new NetworkPolicyModel(manifests(defaultDeny(), ingressOnly, egressOnly)).flow(a, b, 8080).allowed).toBe(true);
    expect(new NetworkPolicyModel(manifests(defaultDeny(), ingressOnly, egressOnly)).flow(a, b, 9090).allowed).toBe(false);
  });

  test('policyTypes default to Ingress only when a policy has no egress rules', () => {
    const ingressPolicy = networkPolicy('b', { podSelector: {}, ingress: [] });
    const r = new NetworkPolicyModel(manifests(ingressPolicy)).flow(a, b, 8080);
    expect(r.egress.isolated).toBe(false);
    expect(r.ingress.allowed).toBe(false);
  });

  test('namespaceSelector matches the automatic kubernetes.io/metadata.name label; podSelector alone means the policy namespace', () => {
    const mon = pod('prometheus', 'monitoring');
    const sameNsOnly = networkPolicy('b', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: selectorOf('prometheus') } }] }] });
    const crossNs = networkPolicy('b', {
      podSelector: {},
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: selectorOf('prometheus') } }] }],
    });
    expect(new NetworkPolicyModel(manifests(sameNsOnly)).flow(mon, b, 8080).allowed).toBe(false);
    expect(new NetworkPolicyModel(manifests(crossNs)).flow(mon, b, 8080).allowed).toBe(true);
    expect(new NetworkPolicyModel(manifests(crossNs)).flow(pod('prometheus', 'other'), b, 8080).allowed).toBe(false);
  });

  test('namespaceSelector also matches labels of Namespace objects in the set', () => {
    const p = networkPolicy('b', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'obs' } } }] }] });
    const mon = namespace('monitoring');
    mon.metadata.labels!.team = 'obs';
    expect(new NetworkPolicyModel(manifests(p, mon)).flow(pod('x', 'monitoring'), b, 8080).allowed).toBe(true);
    expect(new NetworkPolicyModel(manifests(p, namespace('monitoring'))).flow(pod('x', 'monitoring'), b, 8080).allowed).toBe(false);
  });

  test('matchExpressions are honoured', () => {
    const p = networkPolicy('b', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['a', 'c'] }] } }] }] });
    const m = new NetworkPolicyModel(manifests(p));
    expect(m.flow(a, b, 8080).allowed).toBe(true);
    expect(m.flow(pod('d'), b, 8080).allowed).toBe(false);
  });

  test('ports by name resolve on the destination pod; endPort ranges; protocol defaults to TCP', () => {
    const byName = networkPolicy('b', { podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] });
    expect(new NetworkPolicyModel(manifests(byName)).flow(a, b, 8080).allowed).toBe(true);
    expect(new NetworkPolicyModel(manifests(byName)).flow(a, b, 8081).allowed).toBe(false);
    expect(new NetworkPolicyModel(manifests(byName)).flow(a, b, 8080, 'UDP').allowed).toBe(false);
    const range = networkPolicy('b', { podSelector: {}, ingress: [{ ports: [{ port: 8000, endPort: 8100 }] }] });
    expect(new NetworkPolicyModel(manifests(range)).flow(a, b, 8080).allowed).toBe(true);
    expect(new NetworkPolicyModel(manifests(range)).flow(a, b, 8101).allowed).toBe(false);
  });

  test('ipBlock and empty peer lists mean anywhere, including clients outside the cluster', () => {
    const open = networkPolicy('b', { podSelector: {}, ingress: [{ ports: [{ port: 8080 }] }] });
    const cidr = networkPolicy('b', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] });
    const podsOnly = networkPolicy('b', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] });
    expect(new NetworkPolicyModel(manifests(open)).flow(EXTERNAL, b, 8080).allowed).toBe(true);
    expect(new NetworkPolicyModel(manifests(cidr)).flow(EXTERNAL, b, 8080).allowed).toBe(true);
    expect(new NetworkPolicyModel(manifests(podsOnly)).flow(EXTERNAL, b, 8080).allowed).toBe(false);
    expect(new NetworkPolicyModel(manifests(podsOnly)).flow(a, b, 8080).allowed).toBe(true);
  });

  test('an empty rule list denies everything (ingress: [])', () => {
    const p = networkPolicy('b', { podSelector: {}, policyTypes: ['Ingress'], ingress: [] });
    expect(new NetworkPolicyModel(manifests(p)).flow(a, b, 8080).allowed).toBe(false);
  });

  test('host-network pods are never isolated, and pod selectors never match them', () => {
    const node = { ...pod('node-exporter', 'monitoring-node'), hostNetwork: true };
    const selectAll = networkPolicy('b', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] });
    expect(new NetworkPolicyModel(manifests(defaultDeny('monitoring-node'))).flow(a, node, 8080).ingress.allowed).toBe(true);
    expect(new NetworkPolicyModel(manifests(selectAll)).flow(node, b, 8080).allowed).toBe(false);
  });
});

/** A small system: gateway → news → news-redis, webtoon → webtoon-redis, Prometheus scraping news. */
function system(opts: { newsEgress?: any[]; redisIngressFrom?: any[]; prometheus?: boolean } = {}) {
  const ns = namespace(NS);
  const gatewayConf = configMap('gateway-nginx', { 'nginx.conf': 'upstream news { server news.apps.svc.cluster.local:80; }' });
  const gw = deployment('gateway');
  gw.spec.template.spec.volumes = [{ name: 'config', configMap: { name: 'gateway-nginx' } }];
  const news = deployment('news', { annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080' } });
  news.spec.template.spec.containers[0].args = ['--cache-server=tcp://news-redis.apps.svc.cluster.local:6379'];
  const webtoon = deployment('webtoon');
  webtoon.spec.template.spec.containers[0].args = ['--cache-server=tcp://webtoon-redis.apps.svc.cluster.local:6379'];
  const redis = (name: string) => deployment(name, { spec: podSpec([hardenedContainer('redis', 6379, 'redis')]) });
  const redisSvc = (name: string) => ({ ...service(name, { port: 6379, targetPort: 'redis' }) });
  const allow = (app: string, ingress: any[], egress: any[]) => networkPolicy(app, { podSelector: { matchLabels: selectorOf(app) }, policyTypes: ['Ingress', 'Egress'], ingress, egress });
  const peer = (app: string) => ({ podSelector: { matchLabels: selectorOf(app) } });
  const objects = [
    ns,
    namespace('monitoring'),
    defaultDeny(),
    gatewayConf,
    gw,
    service('gateway'),
    news,
    service('news'),
    webtoon,
    service('webtoon'),
    redis('news-redis'),
    redisSvc('news-redis'),
    redis('webtoon-redis'),
    redisSvc('webtoon-redis'),
    allow('gateway', [{ ports: [{ port: 8080 }] }], [DNS_EGRESS, { to: [peer('news')], ports: [{ port: 8080 }] }]),
    allow(
      'news',
      [
        { from: [peer('gateway')], ports: [{ port: 8080 }] },
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], ports: [{ port: 8080 }] },
      ],
      opts.newsEgress ?? [DNS_EGRESS, { to: [peer('news-redis')], ports: [{ port: 6379 }] }],
    ),
    allow('webtoon', [], [DNS_EGRESS, { to: [peer('webtoon-redis')], ports: [{ port: 6379 }] }]),
    allow('news-redis', [{ from: opts.redisIngressFrom ?? [peer('news')], ports: [{ port: 6379 }] }], []),
    allow('webtoon-redis', [{ from: [peer('webtoon')], ports: [{ port: 6379 }] }], []),
  ];
  if (opts.prometheus) {
    const prom = deployment('prometheus', { ns: 'monitoring' });
    objects.push(prom, networkPolicy('prometheus', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [{ ports: [{ port: 8080 }] }] }, 'monitoring'));
  }
  return manifests(...objects);
}

describe('required flows derived from the objects', () => {
  test('nginx upstreams, cache URLs, scrape annotations and DNS give the flows the system needs', () => {
    const flows = requiredFlows(system({ prometheus: true })).map((f) => `${f.from.workload.metadata.name}>${f.to === 'dns' ? 'dns' : f.to.workload.metadata.name}:${f.port}/${f.protocol}`);
    expect(flows).toEqual(
      expect.arrayContaining(['gateway>news:8080/TCP', 'news>news-redis:6379/TCP', 'webtoon>webtoon-redis:6379/TCP', 'prometheus>news:8080/TCP', 'gateway>dns:53/UDP', 'news>dns:53/TCP']),
    );
    expect(flows).not.toContain('news>webtoon-redis:6379/TCP');
  });

  test('the example system is exactly right', () => {
    expect(checkFlows(system({ prometheus: true }))).toEqual([]);
  });

  test('a service whose egress omits DNS is reported', () => {
    const findings = checkFlows(system({ newsEgress: [{ to: [{ podSelector: { matchLabels: selectorOf('news-redis') } }], ports: [{ port: 6379 }] }] }));
    expect(findings.map((f) => f.message)).toEqual(expect.arrayContaining([expect.stringMatching(/block .*news → cluster DNS .* 53\/UDP/)]));
    expect(findings[0].fix).toContain('cluster DNS pods on 53/UDP and 53/TCP');
  });

  test('a service that cannot reach its own datastore is reported', () => {
    const findings = checkFlows(system({ redisIngressFrom: [{ podSelector: { matchLabels: selectorOf('gateway') } }] }));
    expect(findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ object: { kind: 'NetworkPolicy', namespace: NS, name: 'news-redis' }, path: 'spec.ingress', message: expect.stringContaining('news-redis port 6379/TCP') })]),
    );
  });

  test("a service allowed into another service's datastore is reported as an unneeded flow", () => {
    const findings = checkFlows(
      system({
        newsEgress: [DNS_EGRESS, { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'news-redis' } } }, { podSelector: { matchLabels: selectorOf('webtoon-redis') } }], ports: [{ port: 6379 }] }],
        redisIngressFrom: [{ podSelector: { matchLabels: selectorOf('news') } }],
      }).map((m) => (m.object.metadata.name === 'webtoon-redis' && m.object.kind === 'NetworkPolicy' ? { ...m, object: { ...m.object, spec: { ...m.object.spec, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 6379 }] }] } } } : m)),
    );
    expect(findings).toEqual([
      expect.objectContaining({ object: { kind: 'NetworkPolicy', namespace: NS, name: 'webtoon-redis' }, path: 'spec.ingress[0]', message: expect.stringMatching(/news → .*webtoon-redis port 6379\/TCP.*nothing in the configuration uses/) }),
    ]);
  });

  test('Prometheus blocked from a scrape port is reported', () => {
    const m = system({ prometheus: true }).map((x) =>
      x.object.kind === 'NetworkPolicy' && x.object.metadata.name === 'prometheus' ? { ...x, object: { ...x.object, spec: { ...x.object.spec, egress: [{ ports: [{ port: 9090 }] }] } } } : x,
    );
    expect(checkFlows(m).map((f) => f.message)).toEqual([expect.stringMatching(/egress .* block Deployment monitoring\/prometheus → Deployment apps\/news port 8080\/TCP/)]);
  });

  test('endpoints carry the pod labels, namespace and declared ports', () => {
    const [p] = podTemplates(manifests(deployment('news')));
    expect(endpointOf(p)).toMatchObject({ namespace: NS, labels: selectorOf('news'), ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] });
  });
});

describe('isolation', () => {
  test('pods that no policy isolates are reported; host-network pods are exempt', () => {
    const node = deployment('node-exporter', { ns: 'node' });
    node.spec.template.spec.hostNetwork = true;
    const findings = checkFlows(manifests(namespace(NS), namespace('node'), deployment('news'), node));
    expect(findings).toEqual([expect.objectContaining({ object: { kind: 'Deployment', namespace: NS, name: 'news' }, message: expect.stringContaining('egress or ingress') })]);
  });

  test('an ingress-only policy leaves egress open, which is reported', () => {
    const ingressOnly = networkPolicy('all', { podSelector: {}, policyTypes: ['Ingress'], ingress: [] });
    expect(checkFlows(manifests(namespace(NS), deployment('news'), ingressOnly))).toEqual([expect.objectContaining({ message: expect.stringMatching(/restricts the egress of its pods: they send any/) })]);
  });
});
