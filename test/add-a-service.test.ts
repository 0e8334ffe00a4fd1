import { groupOf, isClusterScoped, resourceOf } from '../constructs/deploy-rbac';
import { DEFAULT_STREAMS } from '../config/schema/events';
import { DEFAULT_SERVICES } from '../config/schema/microservices';
import { NGINX_CONFIG_FILE } from '../charts/gateway';
import { NATS_CONFIG_FILE } from '../constructs/nats-config';
import { grafanaDashboards } from '../monitoring/dashboards';
import { defaultOptions, validateManifests } from '../validate/index';
import { clone } from './support/k8s-fixtures';
import { configFrom, find, K8sObject, synthFiles } from './support/manifests';

/**
 * README "Add a service": one configuration entry, and everything else follows by itself. This test
 * adds `shop` (calling payment, publishing an event, behind a token) and checks each consequence on
 * the synthesized objects.
 */
const shop = { name: 'shop', message: 'shop: new in this release', calls: ['payment'], events: { publishes: ['shop.ordered'] }, auth: { required: true, scope: 'payment' } };
// A published subject needs a stream that stores it: the one other entry an event publisher needs.
const config = configFrom({ services: [...DEFAULT_SERVICES, shop], events: { streams: [...DEFAULT_STREAMS, { name: 'SHOP', subjects: ['shop.>'] }] } });
const files = synthFiles(config);
const objects = [...files.values()].flat();
const NS = config.namespaces.apps;
const instance = (o: any) => o?.podSelector?.matchLabels?.['app.kubernetes.io/instance'];
const policy = (name: string) => find(objects, 'NetworkPolicy', name, NS).spec;
const pod = (kind: string, name: string) => find(objects, kind, name, NS).spec.template;

describe('adding a service is one configuration entry', () => {
  test('its own workload, Service, ServiceAccount, disruption budget, policy and datastore', () => {
    for (const kind of ['Deployment', 'Service', 'ServiceAccount', 'PodDisruptionBudget', 'NetworkPolicy']) expect(find(objects, kind, 'shop', NS)).toBeDefined();
    expect(find(objects, 'StatefulSet', 'shop-redis', NS)).toBeDefined();
    // Only shop may reach its datastore.
    const redisIngress = policy('shop-redis').ingress.flatMap((r: any) => r.from ?? []).filter((p: any) => p.podSelector && !p.namespaceSelector);
    expect(redisIngress.map(instance)).toEqual(['shop']);
  });

  test('a gateway route behind a token', () => {
    const conf = find(objects, 'ConfigMap', `${config.gateway.name}-nginx`, NS).data[NGINX_CONFIG_FILE];
    const route = conf.slice(conf.indexOf('location /shop/'));
    expect(route).toMatch(/^location \/shop\/ \{[^}]*auth_request/);
    expect(policy(config.gateway.name).egress.some((r: any) => (r.to ?? []).some((p: any) => instance(p) === 'shop'))).toBe(true);
    expect(policy('shop').ingress.some((r: any) => (r.from ?? []).some((p: any) => instance(p) === config.gateway.name))).toBe(true);
  });

  test('scraped by Prometheus and selectable on the Microservices dashboard', () => {
    expect(pod('Deployment', 'shop').metadata.annotations['prometheus.io/scrape']).toBe('true');
    expect(pod('StatefulSet', 'shop-redis').metadata.annotations['prometheus.io/scrape']).toBe('true');
    const dashboard = JSON.stringify(grafanaDashboards(config).find((d) => d.uid === 'container-infra-microservices')!.model);
    expect(dashboard).toMatch(/news,webtoon,payment,shop/);
  });

  test('its declared call: the URL in its pod and the policies both ways', () => {
    const env = pod('Deployment', 'shop').spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'PAYMENT_URL')?.value).toBe(`http://payment.${NS}.svc.${config.cluster.domain}:9898`);
    expect(policy('shop').egress.some((r: any) => (r.to ?? []).some((p: any) => instance(p) === 'payment'))).toBe(true);
    expect(policy('payment').ingress.some((r: any) => (r.from ?? []).some((p: any) => instance(p) === 'shop'))).toBe(true);
  });

  test('its events: a NATS user allowed to publish exactly its subject, its credentials in its pod', () => {
    const natsConf = find(objects, 'ConfigMap', `${config.events.name}-config`, NS).data[NATS_CONFIG_FILE];
    expect(natsConf).toMatch(/user: "?shop"?/);
    expect(natsConf).toContain(`${config.events.subjectPrefix}.shop.ordered`);
    const env = pod('Deployment', 'shop').spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'NATS_USER')?.value).toBe('shop');
    expect(env.find((e: any) => e.name === 'NATS_PASSWORD')?.valueFrom?.secretKeyRef?.key).toBe('shop');
  });

  test('the deploy identity may apply each of its objects', () => {
    const own = objects.filter((x) => x.metadata.name.startsWith('shop'));
    expect(own.map((o) => o.kind)).toEqual(expect.arrayContaining(['Deployment', 'StatefulSet', 'Service', 'ServiceAccount', 'NetworkPolicy', 'PodDisruptionBudget']));
    for (const o of own) {
      const namespace = isClusterScoped(o) ? undefined : o.metadata.namespace;
      const roles = objects.filter((r) => r.kind === 'Role' && r.metadata.namespace === namespace && r.metadata.name.startsWith(`${config.jenkins.name}-deploy`));
      const allowed = roles.some((r) =>
        r.rules.some((rule: any) => (rule.apiGroups ?? []).includes(groupOf(o.apiVersion)) && (rule.resources ?? []).includes(resourceOf(o.kind)) && rule.verbs.includes('patch')),
      );
      expect({ object: `${o.kind}/${o.metadata.name}`, allowed }).toEqual({ object: `${o.kind}/${o.metadata.name}`, allowed: true });
    }
  });

  test('the whole output still validates with zero findings', () => {
    const manifests = [...files].flatMap(([file, list]) => list.map((object: K8sObject) => ({ file, object: clone(object) })));
    expect(validateManifests(manifests, defaultOptions()).findings).toEqual([]);
  });
});
