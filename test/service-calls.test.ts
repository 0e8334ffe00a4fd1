import { DEFAULT_SERVICES } from '../config/schema/microservices';
import { resolve } from '../model/resolve';
import type { Finding } from '../validate/findings';
import { defaultOptions, validateManifests } from '../validate/index';
import type { Manifest } from '../validate/manifests';
import { clone } from './support/k8s-fixtures';
import { configErrorFor } from './support/config-errors';
import { configFrom, find, K8sObject, synthFiles } from './support/manifests';

/**
 * Services call each other over REST by declaring `calls`: the caller learns the callee's address
 * from Service DNS, and the NetworkPolicies allow exactly the declared flows (tested through the
 * validator's flow checks, which derive what is needed from the objects).
 */
const NS = 'container-infra';

function manifestsOf(files: Map<string, K8sObject[]>): Manifest[] {
  return [...files].flatMap(([file, objects]) => objects.map((object) => ({ file, object: clone(object) })));
}

function networkFindings(manifests: Manifest[]): Finding[] {
  return validateManifests(manifests, defaultOptions()).findings.filter((f) => f.check === 'network-policy');
}

const objectsIn = (manifests: Manifest[]) => manifests.map((m) => m.object as K8sObject);
const app = (objects: K8sObject[], name: string) => find(objects, 'Deployment', name).spec.template.spec.containers[0];
const policy = (objects: K8sObject[], name: string) => find(objects, 'NetworkPolicy', name, NS).spec;
const selects = (name: string) => (peer: any) => peer.podSelector?.matchLabels?.['app.kubernetes.io/instance'] === name;

describe('declared service-to-service calls', () => {
  const defaults = manifestsOf(synthFiles(configFrom()));

  test('webtoon calls payment by default, as the book tells it', () => {
    expect(DEFAULT_SERVICES.find((s) => s.name === 'webtoon')?.calls).toEqual(['payment']);
  });

  test('the caller gets the callee URL from Service DNS, and podinfo forwards /api/echo to it', () => {
    const objects = objectsIn(defaults);
    const webtoon = app(objects, 'webtoon');
    const url = webtoon.env.find((e: any) => e.name === 'PAYMENT_URL')?.value;
    expect(url).toBe('http://payment.container-infra.svc.cluster.local:9898');
    expect(webtoon.args).toContain(`--backend-url=${url}/api/echo`);
    // The URL points at a Service of the same output, on a port that Service serves.
    const svc = find(objects, 'Service', 'payment', NS);
    expect(svc.spec.ports.map((p: any) => p.port)).toContain(Number(new URL(url).port));
    // Nobody else got a callee URL.
    for (const name of ['news', 'payment']) {
      expect(app(objects, name).env.filter((e: any) => /_URL$/.test(e.name) && !['DATASTORE_URL', 'NATS_URL', 'AUTH_JWKS_URL'].includes(e.name))).toEqual([]);
      expect(app(objects, name).args.filter((a: string) => a.startsWith('--backend-url'))).toEqual([]);
    }
  });

  test('policies allow exactly the declared flow: webtoon egress to payment, payment ingress from webtoon', () => {
    const objects = objectsIn(defaults);
    const egressTo = (from: string, to: string) => policy(objects, from).egress.filter((r: any) => (r.to ?? []).some(selects(to)));
    const ingressFrom = (at: string, from: string) => policy(objects, at).ingress.filter((r: any) => (r.from ?? []).some(selects(from)));
    expect(egressTo('webtoon', 'payment')).toEqual([{ to: [expect.anything()], ports: [{ port: 9898, protocol: 'TCP' }] }]);
    expect(ingressFrom('payment', 'webtoon')).toEqual([{ from: [expect.anything()], ports: [{ port: 9898, protocol: 'TCP' }] }]);
    expect(egressTo('news', 'payment')).toEqual([]);
    expect(egressTo('payment', 'webtoon')).toEqual([]);
    expect(ingressFrom('webtoon', 'payment')).toEqual([]);
    expect(networkFindings(defaults)).toEqual([]);
  });

  test('a declared call that a policy blocks is a finding', () => {
    const manifests = defaults.map((m) => ({ file: m.file, object: clone(m.object) }));
    const webtoon = policy(objectsIn(manifests), 'webtoon');
    webtoon.egress = webtoon.egress.filter((r: any) => !(r.to ?? []).some(selects('payment')));
    const findings = networkFindings(manifests);
    expect(findings.length).toBeGreaterThan(0);
    // The finding names the blocked flow: from webtoon to payment.
    expect(findings.map((f) => f.message).join('\n')).toMatch(/webtoon.*payment|payment.*webtoon/s);
  });

  test("a callee URL that names no Service port is a finding of the validator's URL check", () => {
    const manifests = defaults.map((m) => ({ file: m.file, object: clone(m.object) }));
    const env = app(objectsIn(manifests), 'webtoon').env.find((e: any) => e.name === 'PAYMENT_URL');
    env.value = env.value.replace(':9898', ':9899');
    const findings = validateManifests(manifests, defaultOptions()).findings.filter((f) => f.check === 'urls');
    expect(findings.map((f) => f.message).join('\n')).toMatch(/9899/);
  });

  test('a flow nobody declared, allowed by a policy, is a finding', () => {
    const manifests = defaults.map((m) => ({ file: m.file, object: clone(m.object) }));
    const objects = objectsIn(manifests);
    const news = policy(objects, 'news');
    const payment = policy(objects, 'payment');
    news.egress.push({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'payment', 'app.kubernetes.io/instance': 'payment' } } }], ports: [{ port: 9898, protocol: 'TCP' }] });
    payment.ingress.push({ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'news', 'app.kubernetes.io/instance': 'news' } } }], ports: [{ port: 9898, protocol: 'TCP' }] });
    const findings = networkFindings(manifests);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.map((f) => f.message).join('\n')).toMatch(/news.*payment|payment.*news/s);
  });

  test('changing calls changes the URLs and the policies together', () => {
    const services = [
      { name: 'news', calls: ['webtoon', 'payment'] },
      { name: 'webtoon', autoscaling: { minReplicas: 1, maxReplicas: 3 } },
      { name: 'payment', auth: { required: true, scope: 'payment' } },
    ];
    const manifests = manifestsOf(synthFiles(configFrom({ services })));
    const objects = objectsIn(manifests);
    const news = app(objects, 'news');
    expect(news.env.filter((e: any) => ['WEBTOON_URL', 'PAYMENT_URL'].includes(e.name)).map((e: any) => e.name)).toEqual(['WEBTOON_URL', 'PAYMENT_URL']);
    expect(news.args.filter((a: string) => a.startsWith('--backend-url='))).toHaveLength(2);
    expect(app(objects, 'webtoon').env?.some((e: any) => e.name === 'PAYMENT_URL') ?? false).toBe(false);
    expect(policy(objects, 'webtoon').ingress.some((r: any) => (r.from ?? []).some(selects('news')))).toBe(true);
    expect(policy(objects, 'payment').ingress.some((r: any) => (r.from ?? []).some(selects('webtoon')))).toBe(false);
    expect(networkFindings(manifests)).toEqual([]);
  });

  test('the model resolves each call to the callee: the env variable and URL the caller gets, a port its Service serves', () => {
    const config = configFrom({ services: [{ name: 'news', calls: ['webtoon', 'payment'] }, { name: 'webtoon', port: 8080 }, { name: 'payment' }] });
    const model = resolve(config);
    const objects = objectsIn(manifestsOf(synthFiles(config)));
    expect(model.services.map((s) => [s.name, s.calls.map((c) => c.service)])).toEqual([['news', ['webtoon', 'payment']], ['webtoon', []], ['payment', []]]);
    expect(model.services[0].calls.map((c) => c.env)).toEqual(['WEBTOON_URL', 'PAYMENT_URL']);
    for (const s of model.services) {
      const env = new Map<string, string>((app(objects, s.name).env ?? []).map((e: any) => [e.name, e.value]));
      for (const call of s.calls) {
        expect(env.get(call.env)).toBe(call.url);
        // The URL names the callee's Service in this output, on a port it serves.
        const url = new URL(call.url);
        const [service, namespace] = url.hostname.split('.');
        expect({ service, namespace }).toEqual({ service: call.service, namespace: NS });
        expect(find(objects, 'Service', service, namespace).spec.ports.map((p: any) => p.port)).toContain(Number(url.port));
      }
    }
  });

  test.each([
    [{ services: [{ name: 'news', calls: ['shop'] }, { name: 'payment' }] }, 'services[0].calls[0]', 'unknown service "shop"; allowed: payment'],
    [{ services: [{ name: 'news', calls: ['news'] }] }, 'services[0].calls[0]', 'cannot call itself'],
    [{ services: [{ name: 'news', calls: ['payment', 'payment'] }, { name: 'payment' }] }, 'services[0].calls[1]', 'listed twice'],
    [{ services: [{ name: 'news', calls: ['nats'] }, { name: 'nats' }] }, 'services[0].calls[0]', 'NATS_URL, which the generator already sets'],
  ])('a bad call is refused naming the field (%#)', (input, field, allowed) => {
    const message = configErrorFor(input);
    expect(message).toContain(field);
    expect(message).toContain(allowed);
  });
});
