import { readFileSync } from 'fs';
import * as path from 'path';
import { parseConfigFile } from '../model/load';
import { configErrorFor } from './support/config-errors';
import { AUTH_BUNDLE_MODULE, buildAuthBundle, bundleModuleSource } from '../services/auth/build';
import { AUTH_BUNDLE } from '../services/auth/generated/auth-bundle';
import { configFrom, find, K8sObject, readManifestDir, synthObjects } from './support/manifests';

const NS = 'container-infra';
const ROOT = path.join(__dirname, '..');

describe('auth service bundle', () => {
  const fresh = buildAuthBundle();

  test('the generated module is a fresh build (never stale), and a build is deterministic', () => {
    expect(readFileSync(AUTH_BUNDLE_MODULE, 'utf8')).toBe(bundleModuleSource(fresh));
    expect(buildAuthBundle()).toBe(fresh);
  });

  test('the ConfigMap in dist/ holds exactly a fresh build, well under the 1 MiB object limit', () => {
    const objects = [...readManifestDir(path.join(ROOT, 'dist')).values()].flat();
    const data = find(objects, 'ConfigMap', 'auth-bundle', NS).data;
    expect(data['auth.js']).toBe(fresh);
    expect(Buffer.byteLength(AUTH_BUNDLE)).toBeLessThan(256 * 1024); // also under client-side apply's annotation limit
  });
});

describe('auth service manifests', () => {
  const objects = synthObjects();
  const deployment = find(objects, 'Deployment', 'auth', NS);
  const pod = deployment.spec.template;
  const container = pod.spec.containers[0];

  test('runs the bundle on the official Node image of an LTS line, at an exact tag, hardened', () => {
    expect(container.image).toMatch(/^node:(22|24|26)\.[0-9]+\.[0-9]+-alpine[0-9.]+$/);
    expect(container.command).toEqual(['node']);
    expect(container.args.at(-1)).toBe('/app/auth.js');
    expect(container.volumeMounts).toEqual([{ name: 'bundle', mountPath: '/app', readOnly: true }]);
    expect(pod.spec.volumes).toEqual([{ name: 'bundle', configMap: { name: 'auth-bundle' } }]);
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.spec.automountServiceAccountToken).toBe(false);
    expect(find(objects, 'ServiceAccount', 'auth', NS).automountServiceAccountToken).toBe(false);
    expect(container.resources.requests).toEqual({ cpu: '25m', memory: '64Mi' });
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
  });

  test('secrets come from user-created Secrets by secretKeyRef, one key per client and per signing key id', () => {
    const refs = container.env.filter((e: any) => e.valueFrom).map((e: any) => e.valueFrom.secretKeyRef);
    expect(refs).toEqual([
      { name: 'auth-clients', key: 'shop', optional: false },
      { name: 'auth-signing-keys', key: 'key-1', optional: false },
    ]);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const settings = JSON.parse(container.env.find((e: any) => e.name === 'AUTH_CONFIG').value);
    expect(settings.clients).toEqual([{ id: 'shop', scopes: ['payment'], secretEnv: 'AUTH_CLIENT_SECRET_0' }]);
    expect(settings.keys).toEqual([{ kid: 'key-1', env: 'AUTH_SIGNING_KEY_0' }]);
  });

  test('ES256 by default: services that receive tokens get AUTH_JWKS_URL and a policy to fetch it; HS256 publishes nothing', () => {
    const settings = JSON.parse(container.env.find((e: any) => e.name === 'AUTH_CONFIG').value);
    expect(settings.algorithm).toBe('ES256');
    const jwksUrl = (o: K8sObject[], name: string) => find(o, 'Deployment', name, NS).spec.template.spec.containers[0].env?.find((e: any) => e.name === 'AUTH_JWKS_URL')?.value;
    expect(['news', 'webtoon', 'payment'].map((n) => jwksUrl(objects, n))).toEqual([undefined, undefined, 'http://auth.container-infra.svc.cluster.local:8080/.well-known/jwks.json']);
    const egress = find(objects, 'NetworkPolicy', 'payment', NS).spec.egress.flatMap((r: any) => r.to.map((t: any) => t.podSelector?.matchLabels));
    expect(egress).toContainEqual(deployment.spec.selector.matchLabels);
    const hs = synthObjects(configFrom({ auth: { signingAlgorithm: 'HS256' } }));
    expect(jwksUrl(hs, 'payment')).toBeUndefined();
    expect(find(hs, 'NetworkPolicy', 'auth', NS).spec.ingress).toHaveLength(2);
  });

  test('configuration changes roll the pods', () => {
    const sum = (o: K8sObject[]) => find(o, 'Deployment', 'auth', NS).spec.template.metadata.annotations['container-infra/config-checksum'];
    expect(sum(objects)).toMatch(/^[0-9a-f]{16}$/);
    expect(sum(synthObjects(configFrom({ auth: { tokenLifetimeSeconds: 60 } })))).not.toBe(sum(objects));
  });

  test('network: only the gateway, the services that verify tokens (JWKS) and Prometheus reach it; it reaches DNS only', () => {
    const policy = find(objects, 'NetworkPolicy', 'auth', NS).spec;
    // payment: protected, and webtoon calls it (and forwards its caller's token).
    expect(policy.ingress.map((r: any) => r.from[0].podSelector.matchLabels['app.kubernetes.io/instance'] ?? r.from[0].podSelector.matchLabels['app.kubernetes.io/name'])).toEqual([
      'gateway',
      'payment',
      'prometheus',
    ]);
    expect(policy.ingress.every((r: any) => r.ports[0].port === 8080)).toBe(true);
    expect(policy.egress).toHaveLength(1);
    expect(policy.egress[0].ports.map((p: any) => p.port)).toEqual([53, 53]);
    const gateway = find(objects, 'NetworkPolicy', 'gateway', NS).spec;
    expect(gateway.egress.flatMap((r: any) => r.to).map((p: any) => p.podSelector.matchLabels)).toContainEqual(deployment.spec.selector.matchLabels);
  });

  test('a Service, a PodDisruptionBudget and scrape annotations', () => {
    expect(find(objects, 'Service', 'auth', NS).spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
    expect(find(objects, 'PodDisruptionBudget', 'auth', NS).spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(pod.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080', 'prometheus.io/path': '/metrics' });
  });

  test('prod protects payment too and runs two auth pods', () => {
    const prod = parseConfigFile(path.join(ROOT, 'config', 'environments', 'prod.yaml'));
    expect(prod.services.filter((s) => s.auth.required).map((s) => [s.name, s.auth.scope])).toEqual([['payment', 'payment']]);
    expect(prod.auth.replicas).toBe(2);
  });

  test('auth disabled: no auth objects, no auth locations in nginx.conf', () => {
    const off = synthObjects(configFrom({ auth: { enabled: false }, services: [{ name: 'news' }] }));
    expect(off.filter((o) => o.metadata.name.startsWith('auth'))).toEqual([]);
    expect(find(off, 'ConfigMap', 'gateway-nginx', NS).data['nginx.conf']).not.toMatch(/auth_request|\/auth\/token/);
  });
});

describe('auth configuration errors name the field', () => {
  test.each<[string, unknown, RegExp]>([
    ['an unknown route scope', { services: [{ name: 'pay', auth: { required: true, scope: 'paymnet' } }] }, /services\[0\]\.auth\.scope.*unknown scope "paymnet".*known: payment/],
    ['a scope without required', { services: [{ name: 'pay', auth: { scope: 'payment' } }] }, /services\[0\]\.auth\.scope.*without required: true/],
    ['a protected route without the auth service', { auth: { enabled: false }, services: [{ name: 'pay', auth: { required: true } }] }, /services\[0\]\.auth\.required.*auth\.enabled/],
    ['a duplicate client id', { auth: { clients: [{ id: 'a', scopes: ['x'] }, { id: 'a', scopes: ['y'] }] } }, /auth\.clients\[1\].*duplicate client id "a"/],
    ['a client with no scope', { auth: { clients: [{ id: 'a', scopes: [] }] } }, /auth\.clients\[0\]\.scopes.*at least one scope/],
    ['a bad scope', { auth: { clients: [{ id: 'a', scopes: ['Pay ment'] }] } }, /auth\.clients\[0\]\.scopes\[0\].*must be a scope/],
    ['no signing key', { auth: { signingKeyIds: [] } }, /auth\.signingKeyIds.*at least one signing key id/],
    ['a too long token lifetime', { auth: { tokenLifetimeSeconds: 100000 } }, /auth\.tokenLifetimeSeconds.*at most 86400/],
    ['a bad resolver', { gateway: { resolver: 'dns server' } }, /gateway\.resolver.*host:port/],
    ['an unknown signing algorithm', { auth: { signingAlgorithm: 'RS256' } }, /auth\.signingAlgorithm.*must be one of: ES256, EdDSA, HS256/],
    ['an unknown traffic policy', { gateway: { service: { type: 'LoadBalancer', externalTrafficPolicy: 'local' } } }, /gateway\.service\.externalTrafficPolicy/],
  ])('%s', (_, input, message) => {
    const text = configErrorFor(input);
    expect(text).toContain('bad.yaml');
    expect(text).toMatch(message);
  });
});
