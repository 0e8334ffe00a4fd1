import { ApiObject, App, Chart, YamlOutputType } from 'cdk8s';
import { AlertmanagerChart } from '../charts/alertmanager';
import { EventBusChart } from '../charts/event-bus';
import { AuthChart } from '../charts/auth';
import { KubeStateMetricsChart } from '../charts/kube-state-metrics';
import { GatewayChart } from '../charts/gateway';
import { GrafanaChart } from '../charts/grafana';
import { ApplySetChart, APPLYSET_CHART_ID, DEPLOY_CHART_ID, DeployChart } from '../charts/deploy';
import { GitOpsChart, gitopsAnnotations } from '../charts/gitops';
import { JenkinsChart } from '../charts/jenkins';
import { MicroservicesChart } from '../charts/microservices';
import { NamespacesChart } from '../charts/namespaces';
import { NodeExporterChart } from '../charts/node-exporter';
import { PrometheusChart } from '../charts/prometheus';
import type { Config } from '../config/schema';
import { ManagedObject, managedObjectOf } from '../constructs/deploy-rbac';
import { gitopsScope, ScopedObject } from '../model/gitops-scope';
import * as path from 'path';
import type { EnvironmentModel } from '../model/environment';
import { resolve } from '../model/resolve';
import { ManifestApp } from './manifest-app';

/**
 * Every chart of the environment, in apply order: cdk8s writes one file per chart, numbered by
 * the dependencies below, so `kubectl apply -f dist` creates namespaces before what lives in them.
 */
export function buildApp(config: Config, outdir: string, resolved?: EnvironmentModel): App {
  // Every chart reads the one model of the environment, resolved once (by the loader's checks, or here).
  const model = resolved ?? resolve(config);
  if (model.config !== config) throw new Error('buildApp: the model was resolved from another configuration');
  // ManifestApp: cdk8s's App with a faster, byte-identical YAML writer (synth/manifest-app.ts).
  const app = new ManifestApp({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART, outputFileExtension: '.k8s.yaml' });
  MODELS.set(app, model);
  const namespaces = new NamespacesChart(app, 'namespaces', { model });
  const after = (chart: Chart, ...deps: Chart[]): Chart => {
    chart.addDependency(namespaces, ...deps);
    return chart;
  };
  const microservices = after(new MicroservicesChart(app, 'microservices', { model }));
  // NATS clients reconnect until the bus is up, so it needs no place before the services.
  if (model.events.deployed) after(new EventBusChart(app, 'event-bus', { model }), microservices);
  const auth = config.auth.enabled ? [after(new AuthChart(app, 'auth', { model }))] : [];
  after(new GatewayChart(app, 'gateway', { model }), microservices, ...auth);
  if (config.monitoring.enabled) {
    const prometheus = after(new PrometheusChart(app, 'prometheus', { model }));
    after(new AlertmanagerChart(app, 'alertmanager', { model }), prometheus);
    after(new NodeExporterChart(app, 'node-exporter', { model }), prometheus);
    after(new KubeStateMetricsChart(app, 'kube-state-metrics', { model }), prometheus);
    after(new GrafanaChart(app, 'grafana', { model }), prometheus);
  }
  if (config.jenkins.enabled) {
    const before = app.charts.filter((c) => c !== namespaces);
    after(new JenkinsChart(app, 'jenkins', { model }), ...before);
  }
  // Sync waves (Argo CD) and never-pruned Namespaces (both tools) for the chosen GitOps tool.
  if (model.gitops.mode !== 'none') {
    for (const o of apiObjects(app.charts)) {
      for (const [key, value] of Object.entries(gitopsAnnotations(model, o.kind))) o.metadata.addAnnotation(key, value);
    }
  }
  // Last, outside the ApplySet (scripts/deploy.sh): the parent's type and the deploy identity, whose
  // rights cover every chart above (add new charts before it), then the parent alone in its file.
  // Under a GitOps mode the GitOps tool deploys: no ApplySet and no deploy identity (docs/gitops.md).
  if (model.jenkins.deploys) {
    const members = [...app.charts];
    const deploy = after(new DeployChart(app, DEPLOY_CHART_ID, { model, members: managedObjects(members) }), ...members.filter((c) => c !== namespaces));
    after(new ApplySetChart(app, APPLYSET_CHART_ID, { model }), deploy);
  }
  return app;
}

/** The model each app of buildApp was built from, so the GitOps app reads the same one. */
const MODELS = new WeakMap<App, EnvironmentModel>();

/** The model `app` (made by buildApp) was built from. */
export function modelOf(app: App): EnvironmentModel {
  const model = MODELS.get(app);
  if (!model) throw new Error('modelOf: the app was not made by buildApp');
  return model;
}

/**
 * The GitOps objects, as their own app writing to `<outdir>/gitops/`: not among the files
 * `kubectl apply -f <outdir>` or the tool itself reads (charts/gitops.ts). Derived from `app`,
 * the environment built by buildApp, and its model. Undefined when the configuration has none.
 */
export function buildGitOpsApp(outdir: string, app: App): App | undefined {
  const model = modelOf(app);
  if (!model.gitops.generated) return undefined;
  const gitops = new ManifestApp({ outdir: path.join(outdir, model.gitops.dir), yamlOutputType: YamlOutputType.FILE_PER_CHART, outputFileExtension: '.k8s.yaml' });
  new GitOpsChart(gitops, model.gitops.mode, { model, scope: gitopsScope(scopedObjects(app.charts)) });
  return gitops;
}

function apiObjects(charts: readonly Chart[]): ApiObject[] {
  return charts.flatMap((chart) => chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject));
}

/** Identities of every object, with the bodies of autoscalers, what they scale and CRDs (all the scope reads). */
function scopedObjects(charts: readonly Chart[]): ScopedObject[] {
  const objects = apiObjects(charts);
  const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler').map((o) => o.toJson() as ScopedObject);
  const scaled = new Set(hpas.map((h) => `${h.metadata.namespace}/${h.spec?.scaleTargetRef?.kind}/${h.spec?.scaleTargetRef?.name}`));
  return objects.map((o) =>
    o.kind === 'HorizontalPodAutoscaler' || o.kind === 'CustomResourceDefinition' || scaled.has(`${o.metadata.namespace}/${o.kind}/${o.name}`)
      ? (o.toJson() as ScopedObject)
      : { apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.name, namespace: o.metadata.namespace } },
  );
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
