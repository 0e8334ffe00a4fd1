import { gatewayNginx, gatewayRoutes } from '../charts/gateway';
import { findDirectives, isBlock, NginxBlock } from '../constructs/nginx-config';
import { configFrom, find, ofKind, synthObjects } from './support/manifests';

const NS = 'container-infra';

function locations(config = configFrom()): Map<string, NginxBlock> {
  const out = new Map<string, NginxBlock>();
  for (const l of findDirectives(gatewayNginx(config), 'location')) {
    if (isBlock(l)) out.set(l.args.join(' '), l);
  }
  return out;
}

describe('API gateway', () => {
  const objects = synthObjects();

  test('routes /<service>/ to each service through its Kubernetes DNS name, stripping the prefix', () => {
    const config = configFrom();
    const upstreams = new Map(
      findDirectives(gatewayNginx(config), 'upstream').map((u) => [u.args[0], findDirectives((u as NginxBlock).children, 'server')[0].args[0]]),
    );
    const locs = locations(config);
    for (const s of config.services) {
      const loc = locs.get(`/${s.name}/`);
      expect(loc).toBeDefined();
      const proxyPass = findDirectives(loc!.children, 'proxy_pass')[0].args[0];
      const m = /^http:\/\/([a-z_]+)\/$/.exec(proxyPass);
      expect(m).not.toBeNull();
      expect(upstreams.get(m![1])).toBe(`${s.name}.${config.namespaces.apps}.svc.${config.cluster.domain}:${s.port}`);
    }
  });

  test('every upstream host is a Service that exists, on a port it exposes', () => {
    for (const r of gatewayRoutes(configFrom())) {
      const [name, ns] = r.host.split('.');
      const svc = find(objects, 'Service', name, ns);
      expect(svc.spec.ports.map((p: any) => p.port)).toContain(r.port);
    }
  });

  test('unknown paths get 404 and /healthz answers 200', () => {
    const locs = locations();
    expect(findDirectives(locs.get('/')!.children, 'return')[0].args[0]).toBe('404');
    expect(findDirectives(locs.get('= /healthz')!.children, 'return')[0].args[0]).toBe('200');
  });

  test('access logs go to stdout and stub_status listens on loopback only', () => {
    const conf = find(objects, 'ConfigMap', 'gateway-nginx', NS).data['nginx.conf'];
    expect(conf).toMatch(/access_log \/dev\/stdout gateway;/);
    expect(conf).toMatch(/listen 127\.0\.0\.1:8081;[\s\S]*stub_status;/);
  });

  test('an exporter sidecar publishes nginx metrics for Prometheus', () => {
    const pod = find(objects, 'Deployment', 'gateway', NS).spec.template;
    const exporter = pod.spec.containers.find((c: any) => c.name === 'exporter');
    expect(exporter.image).toMatch(/^nginx\/nginx-prometheus-exporter:\d+\.\d+\.\d+$/);
    expect(exporter.args).toContain('--nginx.scrape-uri=http://127.0.0.1:8081/stub_status');
    const metricsPort = exporter.ports.find((p: any) => p.name === 'metrics').containerPort;
    expect(pod.metadata.annotations['prometheus.io/port']).toBe(String(metricsPort));
  });

  test('the pods roll when nginx.conf changes', () => {
    const a = find(synthObjects(configFrom()), 'Deployment', 'gateway', NS).spec.template.metadata.annotations['container-infra/config-checksum'];
    const b = find(synthObjects(configFrom({ services: [{ name: 'news' }] })), 'Deployment', 'gateway', NS).spec.template.metadata.annotations['container-infra/config-checksum'];
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(a).not.toBe(b);
  });

  test('exposure follows the configuration: ClusterIP by default, NodePort or LoadBalancer on request', () => {
    expect(find(objects, 'Service', 'gateway', NS).spec.type).toBe('ClusterIP');
    expect(ofKind(objects, 'Ingress')).toHaveLength(0);
    const np = synthObjects(configFrom({ gateway: { service: { type: 'NodePort', nodePort: 30080 } } }));
    expect(find(np, 'Service', 'gateway', NS).spec).toMatchObject({ type: 'NodePort', ports: [{ nodePort: 30080, targetPort: 'http' }] });
  });

  test('an optional Ingress sends every path to the gateway Service', () => {
    const withIngress = synthObjects(configFrom({ gateway: { ingress: { enabled: true, className: 'nginx', host: 'infra.example.com' } } }));
    const ing = find(withIngress, 'Ingress', 'gateway', NS);
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.spec.rules[0].host).toBe('infra.example.com');
    expect(ing.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'gateway', port: { name: 'http' } });
  });

  test('the gateway may call the services and nothing else besides DNS', () => {
    const policy = find(objects, 'NetworkPolicy', 'gateway', NS);
    const peers = policy.spec.egress.flatMap((r: any) => r.to).map((p: any) => p.podSelector.matchLabels);
    const serviceSelectors = ['news', 'webtoon', 'payment'].map((n) => find(objects, 'Deployment', n, NS).spec.selector.matchLabels);
    for (const s of serviceSelectors) expect(peers).toContainEqual(s);
    expect(peers).toHaveLength(serviceSelectors.length + 1); // + the cluster DNS pods
  });
});
