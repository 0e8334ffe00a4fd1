import { discoveredTargets } from '../validate/prometheus-discovery';
import { configMap, deployment, hardenedContainer, manifests, podSpec } from './support/k8s-fixtures';

/** A Prometheus that reads `prometheus.yml` from a ConfigMap, and two candidate targets. */
function system(job: object) {
  const prometheusYml = JSON.stringify({ scrape_configs: [{ job_name: 'ksm', ...job }] });
  const prometheus = deployment('prometheus', {
    spec: { ...podSpec([hardenedContainer('prometheus', 9090)]), volumes: [{ name: 'config', configMap: { name: 'prometheus-config' } }] },
  });
  const ksm = deployment('ksm', { spec: podSpec([{ ...hardenedContainer('ksm', 8080, 'http-metrics'), ports: [{ name: 'http-metrics', containerPort: 8080 }, { name: 'telemetry', containerPort: 8081 }] }]) });
  const other = deployment('other', { spec: podSpec([hardenedContainer('other', 8080, 'http-metrics')]) });
  return manifests(configMap('prometheus-config', { 'prometheus.yml': prometheusYml }), prometheus, ksm, other);
}

const sd = (label: string, names = ['apps']) => ({ kubernetes_sd_configs: [{ role: 'pod', namespaces: { names }, selectors: [{ role: 'pod', label }] }] });
const keepPort = (regex: string) => ({ relabel_configs: [{ source_labels: ['__meta_kubernetes_pod_container_port_name'], regex, action: 'keep' }] });
const found = (job: object) => discoveredTargets(system(job)).map((t) => `${t.reader.workload.metadata.name}>${t.target.workload.metadata.name}:${t.port}`);

describe('Prometheus pod discovery as required flows', () => {
  test('a job with a label selector and a kept port name needs exactly that pod and port', () => {
    expect(found({ ...sd('app.kubernetes.io/name=ksm,app.kubernetes.io/instance=ksm'), ...keepPort('http-metrics') })).toEqual(['prometheus>ksm:8080']);
  });

  test('without a port filter every declared port of the selected pods is a target', () => {
    expect(found(sd('app.kubernetes.io/name=ksm')).sort()).toEqual(['prometheus>ksm:8080', 'prometheus>ksm:8081']);
  });

  test('namespaces outside `namespaces.names` are not discovered', () => {
    expect(found({ ...sd('app.kubernetes.io/name=ksm', ['monitoring']), ...keepPort('http-metrics') })).toEqual([]);
  });

  test('annotation-driven jobs (no selectors) are left to the annotation rule', () => {
    expect(found({ kubernetes_sd_configs: [{ role: 'pod' }] })).toEqual([]);
  });
});
