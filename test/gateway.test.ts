import { resolve } from '../model/resolve';
import { gatewayNginx } from '../charts/gateway';
import { GATEWAY_LIMITS } from '../constructs/gateway-config';
import { findDirectives, isBlock, NginxBlock } from '../constructs/nginx-config';
import { MAX_FORM_BYTES, MAX_HEADER_BYTES } from '../services/auth/src/limits';
import { configErrorFor } from './support/config-errors';
import { configFrom, find, ofKind, synthObjects } from './support/manifests';

const NS = 'container-infra';

function locations(config = configFrom()): Map<string, NginxBlock> {
  const out = new Map<string, NginxBlock>();
  for (const l of findDirectives(gatewayNginx(resolve(config)), 'location')) {
    if (isBlock(l)) out.set(l.args.join(' '), l);
  }
  return out;
}

describe('API gateway', () => {
  const objects = synthObjects();

  test("no name in nginx's hashes comes from the configuration, and each fits the smallest default bucket", () => {
    // Names nginx keeps in a hash: variables (set, auth_request_set, map, geo), server names.
    const hashed = (config = configFrom()) => {
      const tree = gatewayNginx(resolve(config));
      return [
        ...['set', 'auth_request_set', 'map', 'geo'].flatMap((n) => findDirectives(tree, n).map((x) => x.args[n === 'map' || n === 'geo' ? x.args.length - 1 : 0])),
        ...findDirectives(tree, 'server_name').flatMap((x) => x.args),
      ];
    };
    const long = (c: string) => `${c}${'x'.repeat(38)}z`;
    const renamed = configFrom({
      services: [{ name: long('a'), auth: { required: true } }, { name: long('b') }],
      namespaces: { apps: long('n') },
      cluster: { domain: 'a-long-cluster-domain.example.internal' },
    });
    expect(new Set(hashed(renamed))).toEqual(new Set(hashed()));
    // nginx refuses a hash element over its bucket (ngx_hash_init): 8 + align(len + 2, 8) + 8 bytes
    // must fit 64 (variables_hash_bucket_size and map_hash_bucket_size default on 64-bit builds).
    expect(hashed(renamed)).toContain('$route_upstream');
    expect(Math.max(...hashed(renamed).map((v) => 8 + Math.ceil((v.replace(/^\$/, '').length + 2) / 8) * 8 + 8))).toBeLessThanOrEqual(64);
  });

  test('routes /<service>/ to each service through its Kubernetes DNS name, resolved at request time, stripping the prefix', () => {
    const config = configFrom();
    const locs = locations(config);
    for (const s of config.services) {
      const loc = locs.get(`/${s.name}/`)!;
      const [variable, target] = findDirectives(loc.children, 'set')[0].args;
      expect(target).toBe(`${s.name}.${config.namespaces.apps}.svc.${config.cluster.domain}:${s.port}`);
      expect(findDirectives(loc.children, 'proxy_pass')[0].args).toEqual([`http://${variable}`]);
      expect(findDirectives(loc.children, 'rewrite')[0].args).toEqual([`^/${s.name}(/.*)$`, '$1', 'break']);
    }
    // No upstream block: nginx would resolve its names once at start, and fail to start if one is missing.
    expect(findDirectives(gatewayNginx(resolve(config)), 'upstream')).toEqual([]);
  });

  test('the resolver is the cluster DNS Service by name unless configured', () => {
    expect(findDirectives(gatewayNginx(resolve(configFrom())), 'resolver')[0].args[0]).toBe('kube-dns.kube-system.svc.cluster.local');
    expect(findDirectives(gatewayNginx(resolve(configFrom({ gateway: { resolver: '10.43.0.10' } }))), 'resolver')[0].args[0]).toBe('10.43.0.10');
    const renamed = configFrom({ cluster: { domain: 'corp.local', dns: { namespace: 'dns', service: 'coredns' } } });
    expect(findDirectives(gatewayNginx(resolve(renamed)), 'resolver')[0].args[0]).toBe('coredns.dns.svc.corp.local');
  });

  test('only routes that require a token carry auth_request; every route sets the subject headers itself', () => {
    const config = configFrom();
    const locs = locations(config);
    const authed = config.services.filter((s) => findDirectives(locs.get(`/${s.name}/`)!.children, 'auth_request').length > 0).map((s) => s.name);
    expect(authed).toEqual(config.services.filter((s) => s.auth.required).map((s) => s.name));
    for (const s of config.services) {
      const headers = findDirectives(locs.get(`/${s.name}/`)!.children, 'proxy_set_header').map((h) => h.args[0]);
      expect(headers).toEqual(expect.arrayContaining(['X-Auth-Subject', 'X-Auth-Scopes']));
    }
  });

  test('every upstream host is a Service that exists, on a port it exposes', () => {
    for (const r of resolve(configFrom()).gateway.routes) {
      const [name, ns] = r.host.split('.');
      const svc = find(objects, 'Service', name, ns);
      expect(svc.spec.ports.map((p: any) => p.port)).toContain(r.port);
    }
  });

  test('every error nginx itself can produce has a JSON answer with the right status', () => {
    const server = findDirectives(gatewayNginx(resolve(configFrom())), 'server')[0] as NginxBlock;
    const pages = new Map(server.children.filter((x) => x.name === 'error_page').map((x) => [Number(x.args[0]), x.args.at(-1)!]));
    const locs = locations();
    for (const code of [400, 401, 403, 408, 413, 414, 429, 494, 500, 502, 503, 504]) {
      const target = pages.get(code);
      expect({ code, target }).toEqual({ code, target: expect.stringMatching(/^\/_errors\//) });
      const loc = locs.get(`= ${target}`)!;
      const ret = findDirectives(loc.children, 'return')[0].args;
      const status = code === 494 ? 400 : code; // nginx's "header too large" is sent as 400
      expect({ code, status: ret[0], type: findDirectives(loc.children, 'default_type')[0].args[0], internal: findDirectives(loc.children, 'internal').length }).toEqual({ code, status: String(status), type: 'application/json', internal: 1 });
      expect(JSON.parse(ret[1])).toEqual({ error: expect.any(String), status });
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

  test('NodePort and LoadBalancer keep the client address (externalTrafficPolicy Local) unless set to Cluster; ClusterIP has no policy', () => {
    const policy = (service: object) => find(synthObjects(configFrom({ gateway: { service } })), 'Service', 'gateway', NS).spec.externalTrafficPolicy;
    expect(find(objects, 'Service', 'gateway', NS).spec).not.toHaveProperty('externalTrafficPolicy');
    expect(policy({ type: 'LoadBalancer' })).toBe('Local');
    expect(policy({ type: 'NodePort' })).toBe('Local');
    expect(policy({ type: 'LoadBalancer', externalTrafficPolicy: 'Cluster' })).toBe('Cluster');
  });

  test('trusted proxies: realip from X-Forwarded-For only for the listed CIDRs; none by default', () => {
    expect(findDirectives(gatewayNginx(resolve(configFrom())), 'set_real_ip_from')).toEqual([]);
    const conf = gatewayNginx(resolve(configFrom({ gateway: { trustedProxies: ['10.0.0.0/8', 'fd00::/8'] } })));
    expect(findDirectives(conf, 'set_real_ip_from').map((x) => x.args)).toEqual([['10.0.0.0/8'], ['fd00::/8']]);
    expect(findDirectives(conf, 'real_ip_header')[0].args).toEqual(['X-Forwarded-For']);
    expect(findDirectives(conf, 'real_ip_recursive')[0].args).toEqual(['on']);
    // The token rate limit keys on the address realip sets.
    expect(findDirectives(conf, 'limit_req_zone')[0].args[0]).toBe('$binary_remote_addr');
    for (const bad of ['10.0.0.1', '10.0.0.0/33', 'proxy.example.com', '0.0.0.0/']) {
      expect(configErrorFor({ gateway: { trustedProxies: [bad] } })).toMatch(/gateway\.trustedProxies\[0\].*must be a CIDR/);
    }
  });

  test('public routes remove the Authorization header unless the service opts in; protected routes pass the checked token', () => {
    const config = configFrom({
      services: [{ name: 'news' }, { name: 'own-auth', auth: { forwardAuthorization: true } }, { name: 'payment', auth: { required: true, scope: 'payment' } }],
    });
    const locs = locations(config);
    const authorization = (name: string) => findDirectives(locs.get(`/${name}/`)!.children, 'proxy_set_header').filter((h) => h.args[0] === 'Authorization').map((h) => h.args.slice(1));
    expect(authorization('news')).toEqual([['']]);
    expect(authorization('own-auth')).toEqual([]);
    expect(authorization('payment')).toEqual([]);
  });

  test('limits agree with the auth service: its form limit on the token location, its header limit above all nginx forwards', () => {
    const token = locations().get('= /auth/token')!;
    expect(findDirectives(token.children, 'client_max_body_size')[0].args).toEqual([String(MAX_FORM_BYTES)]);
    const [count, size] = GATEWAY_LIMITS.largeClientHeaderBuffers.map((x) => parseInt(x, 10));
    // Everything a client may send, plus room for the headers nginx adds (X-Forwarded-*, X-Request-ID, …).
    expect(count * size * 1024 + 4096).toBeLessThan(MAX_HEADER_BYTES);
    // The check asks with the token and the scope only, not the client's other headers.
    const check = locations().get('= /_auth')!;
    expect(findDirectives(check.children, 'proxy_pass_request_headers')[0].args).toEqual(['off']);
    expect(findDirectives(check.children, 'proxy_set_header').map((h) => h.args[0])).toEqual(expect.arrayContaining(['Authorization', 'X-Auth-Required-Scope']));
  });

  test('an optional Ingress sends every path to the gateway Service', () => {
    const withIngress = synthObjects(configFrom({ gateway: { ingress: { enabled: true, className: 'nginx', host: 'infra.example.com' } } }));
    const ing = find(withIngress, 'Ingress', 'gateway', NS);
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.spec.rules[0].host).toBe('infra.example.com');
    expect(ing.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'gateway', port: { name: 'http' } });
  });

  test('the gateway may call the services and the auth service, and nothing else besides DNS', () => {
    const policy = find(objects, 'NetworkPolicy', 'gateway', NS);
    const peers = policy.spec.egress.flatMap((r: any) => r.to).map((p: any) => p.podSelector.matchLabels);
    const serviceSelectors = ['news', 'webtoon', 'payment', 'auth'].map((n) => find(objects, 'Deployment', n, NS).spec.selector.matchLabels);
    for (const s of serviceSelectors) expect(peers).toContainEqual(s);
    expect(peers).toHaveLength(serviceSelectors.length + 1); // + the cluster DNS pods
  });
});
