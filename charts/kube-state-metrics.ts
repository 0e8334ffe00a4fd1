import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { EnvironmentModel } from '../model/environment';
import type { KsmResource } from '../config/schema/monitoring';
import { appDeployment } from '../constructs/deployment';
import { recommendedLabels, selectorLabels } from '../lib/labels';
import { NetworkPolicy } from '../constructs/network';
import { ENDPOINT, policyOf } from '../model/network';
import { clusterReadAccess, ReadRule } from '../constructs/rbac';
import { containerResources } from '../constructs/resources';
import { containerSecurityContext, podSecurityContext } from '../constructs/security';
import { httpProbe, singlePortService } from '../constructs/workload';
import * as k8s from '../imports/k8s';
import { METRICS_PORT_NAME } from './prometheus-config';

/** API group and resource of each kube-state-metrics `--resources` name (list/watch is all it needs). */
export const KSM_API: Record<KsmResource, { apiGroup: string; resource: string }> = {
  cronjobs: { apiGroup: 'batch', resource: 'cronjobs' },
  daemonsets: { apiGroup: 'apps', resource: 'daemonsets' },
  deployments: { apiGroup: 'apps', resource: 'deployments' },
  horizontalpodautoscalers: { apiGroup: 'autoscaling', resource: 'horizontalpodautoscalers' },
  jobs: { apiGroup: 'batch', resource: 'jobs' },
  namespaces: { apiGroup: '', resource: 'namespaces' },
  nodes: { apiGroup: '', resource: 'nodes' },
  persistentvolumeclaims: { apiGroup: '', resource: 'persistentvolumeclaims' },
  persistentvolumes: { apiGroup: '', resource: 'persistentvolumes' },
  poddisruptionbudgets: { apiGroup: 'policy', resource: 'poddisruptionbudgets' },
  pods: { apiGroup: '', resource: 'pods' },
  replicasets: { apiGroup: 'apps', resource: 'replicasets' },
  services: { apiGroup: '', resource: 'services' },
  statefulsets: { apiGroup: 'apps', resource: 'statefulsets' },
};

/** One rule per API group, listing exactly the exported resources, with list and watch only. */
export function ksmRbacRules(resources: readonly KsmResource[]): ReadRule[] {
  const byGroup = new Map<string, string[]>();
  for (const r of [...resources].sort()) {
    const api = KSM_API[r];
    byGroup.set(api.apiGroup, [...(byGroup.get(api.apiGroup) ?? []), api.resource]);
  }
  return [...byGroup.keys()].sort().map((apiGroup) => ({ apiGroup, resources: byGroup.get(apiGroup)!, verbs: ['list', 'watch'] }));
}

/** kube-state-metrics: Kubernetes object state (deployments, pods, HPAs, nodes …) as metrics. */
export class KubeStateMetricsChart extends Chart {
  constructor(scope: Construct, id: string, props: { model: EnvironmentModel }) {
    const model = props.model;
    const config = model.config;
    const ksm = config.monitoring.kubeStateMetrics;
    const namespace = config.namespaces.monitoring;
    super(scope, id, { namespace, disableResourceNameHashes: true });

    const identity = model.kubeStateMetrics.identity;
    const labels = recommendedLabels(identity);
    const selector = selectorLabels(identity);
    const resources = [...new Set(ksm.resourcesToExport)].sort();

    const sa = new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: { name: ksm.name, labels },
      // It lists and watches the API server with this token.
      automountServiceAccountToken: true,
    });
    clusterReadAccess(this, 'read', { name: model.kubeStateMetrics.clusterRole, labels, serviceAccount: sa.name, namespace, rules: ksmRbacRules(resources) });

    appDeployment(this, 'deployment', {
      name: ksm.name,
      labels,
      selector,
      replicas: 1,
      serviceAccountName: sa.name,
      automountServiceAccountToken: true,
      securityContext: podSecurityContext({ user: ksm.runAsUser, group: ksm.runAsGroup }),
      pod: {
        containers: [
          {
            name: 'kube-state-metrics',
            image: ksm.image,
            imagePullPolicy: config.imagePullPolicy,
            args: [
              `--port=${ksm.port}`,
              `--telemetry-port=${ksm.telemetryPort}`,
              // The same list the ClusterRole grants: an unlisted resource is neither read nor exported.
              `--resources=${resources.join(',')}`,
            ],
            ports: [
              { name: METRICS_PORT_NAME, containerPort: ksm.port, protocol: 'TCP' },
              { name: 'telemetry', containerPort: ksm.telemetryPort, protocol: 'TCP' },
            ],
            resources: containerResources(ksm.resources),
            securityContext: containerSecurityContext({ user: ksm.runAsUser, group: ksm.runAsGroup }),
            livenessProbe: httpProbe('/livez', METRICS_PORT_NAME),
            readinessProbe: httpProbe('/readyz', 'telemetry'),
          },
        ],
      },
    });

    singlePortService(this, 'service', { name: ksm.name, labels, selector, portName: METRICS_PORT_NAME, port: ksm.port });

    new NetworkPolicy(this, 'network-policy', policyOf(model.network, ENDPOINT.kubeStateMetrics));
  }
}
