import { App, Chart, YamlOutputType } from 'cdk8s';
import { AlertmanagerChart } from '../charts/alertmanager';
import { KubeStateMetricsChart } from '../charts/kube-state-metrics';
import { GatewayChart } from '../charts/gateway';
import { GrafanaChart } from '../charts/grafana';
import { MicroservicesChart } from '../charts/microservices';
import { NamespacesChart } from '../charts/namespaces';
import { NodeExporterChart } from '../charts/node-exporter';
import { PrometheusChart } from '../charts/prometheus';
import type { Config } from '../config/schema';

/**
 * Every chart of the environment, in apply order: cdk8s writes one file per chart, numbered by
 * the dependencies below, so `kubectl apply -f dist` creates namespaces before what lives in them.
 */
export function buildApp(config: Config, outdir: string): App {
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART, outputFileExtension: '.k8s.yaml' });
  const namespaces = new NamespacesChart(app, 'namespaces', { config });
  const after = (chart: Chart, ...deps: Chart[]): Chart => {
    chart.addDependency(namespaces, ...deps);
    return chart;
  };
  const microservices = after(new MicroservicesChart(app, 'microservices', { config }));
  after(new GatewayChart(app, 'gateway', { config }), microservices);
  if (config.monitoring.enabled) {
    const prometheus = after(new PrometheusChart(app, 'prometheus', { config }));
    after(new AlertmanagerChart(app, 'alertmanager', { config }), prometheus);
    after(new NodeExporterChart(app, 'node-exporter', { config }), prometheus);
    after(new KubeStateMetricsChart(app, 'kube-state-metrics', { config }), prometheus);
    after(new GrafanaChart(app, 'grafana', { config }), prometheus);
  }
  return app;
}
