import { checkUrls, findAddresses } from '../validate/urls';
import { configMap, deployment, manifests, namespace, NS, service, statefulSet } from './support/k8s-fixtures';

describe('in-cluster addresses', () => {
  test('addresses are found with or without scheme, port and cluster domain', () => {
    const text = 'url: http://grafana.monitoring.svc.cluster.local:3000/api\nserver news.apps.svc:9898;\n- targets: ["alertmanager.monitoring.svc.cluster.local:9093"]\nhttps://jenkins.ci.svc/x';
    expect(findAddresses(text).map((a) => [a.service, a.namespace, a.port])).toEqual([
      ['grafana', 'monitoring', 3000],
      ['news', 'apps', 9898],
      ['alertmanager', 'monitoring', 9093],
      ['jenkins', 'ci', 443],
    ]);
  });

  test('a StatefulSet pod address names the pod, the Service and the namespace', () => {
    expect(findAddresses('redis://db-0.db.apps.svc.cluster.local:6379')).toEqual([expect.objectContaining({ pod: 'db-0', service: 'db', namespace: 'apps', port: 6379 })]);
  });

  test('a URL in a ConfigMap naming an existing Service and port is fine', () => {
    expect(checkUrls(manifests(namespace(NS), configMap('ds', { 'ds.yaml': `url: http://news.${NS}.svc.cluster.local:80` }), service('news'), deployment('news')))).toEqual([]);
  });

  test('a URL naming a missing Service is reported with the ConfigMap key', () => {
    const findings = checkUrls(manifests(configMap('ds', { 'ds.yaml': `url: http://prometheus.${NS}.svc.cluster.local:9090` })));
    expect(findings).toEqual([expect.objectContaining({ object: { kind: 'ConfigMap', namespace: NS, name: 'ds' }, path: 'data["ds.yaml"]', message: expect.stringContaining('not in the manifests') })]);
  });

  test('a URL naming a port the Service does not have is reported (the default http port too)', () => {
    expect(checkUrls(manifests(configMap('ds', { a: `http://news.${NS}.svc.cluster.local:8080` }), service('news', { port: 9898 })))).toEqual([
      expect.objectContaining({ message: expect.stringContaining('has no port 8080 (its ports: 9898)') }),
    ]);
    expect(checkUrls(manifests(configMap('ds', { a: `http://news.${NS}.svc.cluster.local/x` }), service('news', { port: 9898 })))).toHaveLength(1);
  });

  test('addresses in container args are checked too', () => {
    const d = deployment('news');
    d.spec.template.spec.containers[0].args = [`--cache-server=tcp://news-redis.${NS}.svc.cluster.local:6379`];
    expect(checkUrls(manifests(d))).toEqual([expect.objectContaining({ path: 'spec.template.spec.containers[0].args[0]' })]);
  });

  test('the API server Service is built in', () => {
    expect(checkUrls(manifests(configMap('j', { url: 'https://kubernetes.default.svc' })))).toEqual([]);
  });

  test('a pod address needs a headless Service governing that StatefulSet', () => {
    const conf = configMap('c', { url: `redis://db-0.db.${NS}.svc.cluster.local:80` });
    expect(checkUrls(manifests(conf, statefulSet('db'), service('db', { headless: true })))).toEqual([]);
    expect(checkUrls(manifests(conf, statefulSet('db'), service('db')))).toHaveLength(1);
  });
});
