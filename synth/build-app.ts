import { App, Chart, YamlOutputType } from 'cdk8s';
import { GatewayChart } from '../charts/gateway';
import { MicroservicesChart } from '../charts/microservices';
import { NamespacesChart } from '../charts/namespaces';
import type { Config } from '../config/schema';
import { ManifestApp } from './manifest-app';

/**
 * Every chart of the environment, in apply order: cdk8s writes one file per chart, numbered by
 * the dependencies below, so `kubectl apply -f dist` creates namespaces before what lives in them.
 */
export function buildApp(config: Config, outdir: string): App {
  // ManifestApp: cdk8s's App with a faster, byte-identical YAML writer (synth/manifest-app.ts).
  const app = new ManifestApp({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART, outputFileExtension: '.k8s.yaml' });
  const namespaces = new NamespacesChart(app, 'namespaces', { config });
  const after = (chart: Chart, ...deps: Chart[]): Chart => {
    chart.addDependency(namespaces, ...deps);
    return chart;
  };
  const microservices = after(new MicroservicesChart(app, 'microservices', { config }));
  after(new GatewayChart(app, 'gateway', { config }), microservices);
  return app;
}
