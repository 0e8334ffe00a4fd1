import { ApiObject, App, Chart, YamlOutputType } from 'cdk8s';
import { AlertmanagerChart } from '../charts/alertmanager';
import { EventBusChart } from '../charts/event-bus';
import { AuthChart } from '../charts/auth';
import { KubeStateMetricsChart } from '../charts/kube-state-metrics';
import { GatewayChart } from '../charts/gateway';
import { GrafanaChart } from '../charts/grafana';
import { ApplySetChart, APPLYSET_CHART_ID, DEPLOY_CHART_ID, DeployChart } from '../charts/deploy';
import { JenkinsChart } from '../charts/jenkins';
import { MicroservicesChart } from '../charts/microservices';
import { NamespacesChart } from '../charts/namespaces';
import { NodeExporterChart } from '../charts/node-exporter';
import { PrometheusChart } from '../charts/prometheus';
import type { Config } from '../config/schema';
import { ManagedObject, managedObjectOf } from '../constructs/deploy-rbac';
import { eventBusDeployed } from '../constructs/nats-config';
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
  // NATS clients reconnect until the bus is up, so it needs no place before the services.
  if (eventBusDeployed(config)) after(new EventBusChart(app, 'event-bus', { config }), microservices);
  const auth = config.auth.enabled ? [after(new AuthChart(app, 'auth', { config }))] : [];
  after(new GatewayChart(app, 'gateway', { config }), microservices, ...auth);
  if (config.monitoring.enabled) {
    const prometheus = after(new PrometheusChart(app, 'prometheus', { config }));
    after(new AlertmanagerChart(app, 'alertmanager', { config }), prometheus);
    after(new NodeExporterChart(app, 'node-exporter', { config }), prometheus);
    after(new KubeStateMetricsChart(app, 'kube-state-metrics', { config }), prometheus);
    after(new GrafanaChart(app, 'grafana', { config }), prometheus);
  }
  if (config.jenkins.enabled) {
    const before = app.charts.filter((c) => c !== namespaces);
    after(new JenkinsChart(app, 'jenkins', { config }), ...before);
  }
  // Last, outside the ApplySet (scripts/deploy.sh): the parent's type and the deploy identity, whose
  // rights cover every chart above (add new charts before it), then the parent alone in its file.
  const members = [...app.charts];
  const deploy = after(new DeployChart(app, DEPLOY_CHART_ID, { config, members: managedObjects(members) }), ...members.filter((c) => c !== namespaces));
  after(new ApplySetChart(app, APPLYSET_CHART_ID, { config }), deploy);
  return app;
}

const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

/** What the deploy identity must be able to apply: every object of these charts, as synthesized. */
export function managedObjects(charts: readonly Chart[]): ManagedObject[] {
  return charts.flatMap((chart) =>
    chart.node
      .findAll()
      .filter((c): c is ApiObject => c instanceof ApiObject)
      // Rendering every object twice is the costliest part at scale: only RBAC objects need their
      // body (rules, roleRef); for the rest the identity is enough.
      .map((o) =>
        RBAC_KINDS.has(o.kind)
          ? managedObjectOf(o.toJson())
          : managedObjectOf({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.name, namespace: o.metadata.namespace } }),
      ),
  );
}
