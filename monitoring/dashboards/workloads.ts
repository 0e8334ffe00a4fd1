import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { namespaceSpecs } from '../../model/namespaces';
import type { Config } from '../../config/schema';
import { buildDashboard, graph, single } from './panels';
import type { GrafanaDashboard } from './dashboard';

/** (c) Workloads and pods: desired vs actual state (kube-state-metrics) and usage (cAdvisor). */
export function workloadsDashboard(config: Config): GrafanaDashboard {
  const namespaces = namespaceSpecs(config).map((n) => n.name);
  const ns = 'namespace=~"$namespace"';
  // cAdvisor also reports the pod's own cgroup with an empty container label; that would count twice.
  const containers = `${ns}, container!=""`;
  const namespaceVariable = new dashboard.CustomVariableBuilder('namespace')
    .label('Namespace')
    .values(namespaces.join(','))
    .multi(true)
    .includeAll(true)
    .current({ selected: true, text: ['All'], value: ['$__all'] });

  return {
    uid: 'container-infra-workloads',
    model: buildDashboard({
      uid: 'container-infra-workloads',
      title: 'Workloads and pods',
      description: "Whether every Deployment and autoscaler has the pods it wants, which pods restart, and what they use against what they requested.",
      tags: [config.partOf, 'workloads', 'kube-state-metrics'],
      variables: [namespaceVariable],
      sections: [
        {
          title: 'Desired state',
          panels: [
            single('Deployments short of replicas', 'Deployments with fewer available replicas than they want.', units.Short, [
              { expr: `count((kube_deployment_spec_replicas{${ns}} - kube_deployment_status_replicas_available{${ns}}) > 0) or vector(0)`, legend: 'deployments' },
            ]),
            single('Pods not running', 'Pods Pending, Failed or Unknown.', units.Short, [
              { expr: `sum(kube_pod_status_phase{${ns}, phase=~"Pending|Failed|Unknown"})`, legend: 'pods' },
            ]),
            single('Restarts in the last hour', 'Container restarts across the selected namespaces.', units.Short, [
              { expr: `sum(increase(kube_pod_container_status_restarts_total{${ns}}[1h]))`, legend: 'restarts' },
            ]),
            single('Autoscalers at maximum', 'HorizontalPodAutoscalers that cannot add more pods.', units.Short, [
              {
                expr: `count(kube_horizontalpodautoscaler_status_current_replicas{${ns}} >= kube_horizontalpodautoscaler_spec_max_replicas{${ns}}) or vector(0)`,
                legend: 'autoscalers',
              },
            ]),
            graph('Deployment replicas available', 'Available replicas of each Deployment against the replicas it wants.', units.Short, [
              { expr: `kube_deployment_status_replicas_available{${ns}}`, legend: '{{namespace}}/{{deployment}} available' },
              { expr: `kube_deployment_spec_replicas{${ns}}`, legend: '{{namespace}}/{{deployment}} desired' },
            ]),
            graph('Autoscaler replicas', 'Current, desired, minimum and maximum replicas of each HorizontalPodAutoscaler.', units.Short, [
              { expr: `kube_horizontalpodautoscaler_status_current_replicas{${ns}}`, legend: '{{horizontalpodautoscaler}} current' },
              { expr: `kube_horizontalpodautoscaler_status_desired_replicas{${ns}}`, legend: '{{horizontalpodautoscaler}} desired' },
              { expr: `kube_horizontalpodautoscaler_spec_min_replicas{${ns}}`, legend: '{{horizontalpodautoscaler}} min' },
              { expr: `kube_horizontalpodautoscaler_spec_max_replicas{${ns}}`, legend: '{{horizontalpodautoscaler}} max' },
            ]),
          ],
        },
        {
          title: 'Pods',
          panels: [
            graph('Pods by phase', 'Pods in each phase, per namespace.', units.Short, [
              { expr: `sum by (namespace, phase) (kube_pod_status_phase{${ns}}) > 0`, legend: '{{namespace}} {{phase}}' },
            ], { stacked: true }),
            graph('Container restarts', 'Restarts per pod over the last hour; a steady climb is a crash loop.', units.Short, [
              { expr: `sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{${ns}}[1h])) > 0`, legend: '{{namespace}}/{{pod}}' },
            ]),
          ],
        },
        {
          title: 'Resources',
          panels: [
            graph('CPU used per pod (cores)', 'CPU time per second each pod used (cAdvisor).', units.Short, [
              { expr: `sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{${containers}}[$__rate_interval]))`, legend: '{{namespace}}/{{pod}}' },
            ]),
            graph('Memory working set per pod', 'Memory the kernel cannot reclaim, what the OOM killer compares with the limit.', units.BytesIEC, [
              { expr: `sum by (namespace, pod) (container_memory_working_set_bytes{${containers}})`, legend: '{{namespace}}/{{pod}}' },
            ]),
            graph('CPU used vs requested per namespace (cores)', 'What each namespace uses against what its pods reserve on the nodes.', units.Short, [
              { expr: `sum by (namespace) (rate(container_cpu_usage_seconds_total{${containers}}[$__rate_interval]))`, legend: '{{namespace}} used' },
              { expr: `sum by (namespace) (kube_pod_container_resource_requests{${ns}, resource="cpu"})`, legend: '{{namespace}} requested' },
            ]),
            graph('Memory used vs requested per namespace', 'Working set against memory requests; limits are the hard ceiling.', units.BytesIEC, [
              { expr: `sum by (namespace) (container_memory_working_set_bytes{${containers}})`, legend: '{{namespace}} used' },
              { expr: `sum by (namespace) (kube_pod_container_resource_requests{${ns}, resource="memory"})`, legend: '{{namespace}} requested' },
              { expr: `sum by (namespace) (kube_pod_container_resource_limits{${ns}, resource="memory"})`, legend: '{{namespace}} limit' },
            ]),
          ],
        },
      ],
    }),
  };
}
