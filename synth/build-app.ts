import { App, Chart, YamlOutputType } from 'cdk8s';
import { GatewayChart } from '../charts/gateway';
import { GrafanaChart } from '../charts/grafana';
import { MicroservicesChart } from '../charts/microservices';
import { NamespacesChart } from '../charts/namespaces';
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
  if (config.monitoring.enabled) after(new GrafanaChart(app, 'grafana', { config }));
  return app;
}
