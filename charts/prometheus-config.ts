import type { Exporter } from '../monitoring/metric-catalog';
import { JOBS } from '../model/scrape-jobs';
import type { EnvironmentModel } from '../model/environment';
import type { Config } from '../config/schema';
import { Labels } from '../lib/labels';
import {
  copyLabel,
  KubernetesSdConfig,
  labelSelector,
  podLabelMeta,
  PrometheusConfig,
  RelabelConfig,
  ScrapeConfig,
} from '../constructs/prometheus-config';

/** Where the Prometheus container finds its configuration and rule files. */
export const PROMETHEUS_CONFIG_DIR = '/etc/prometheus/config';
export const PROMETHEUS_CONFIG_FILE = 'prometheus.yml';
export const PROMETHEUS_RULES_DIR = '/etc/prometheus/rules';
export const ALERT_RULES_FILE = 'alerts.rules.yml';

/** The pod's own ServiceAccount credentials, mounted by Kubernetes. */
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
export const SA_TOKEN_FILE = `${SA_DIR}/token`;
export const SA_CA_FILE = `${SA_DIR}/ca.crt`;

/** Container port names Prometheus selects on its own components' pods. */
export const METRICS_PORT_NAME = 'http-metrics';
export const ALERTMANAGER_PORT_NAME = 'http-web';

export { JOBS };

/**
 * Which jobs collect each exporter of the metric catalogue (monitoring/metric-catalog.ts), so a
 * test can prove that every metric a dashboard or alert reads is really scraped.
 */
export const EXPORTER_JOBS: Readonly<Record<Exporter, readonly string[]>> = {
  // Prometheus adds `up` and the scrape_* series to the targets of every job.
  prometheus: Object.values(JOBS),
  'prometheus-server': [JOBS.prometheus],
  'node-exporter': [JOBS.nodeExporter],
  'kube-state-metrics': [JOBS.kubeStateMetrics],
  cadvisor: [JOBS.cadvisor],
  'nginx-exporter': [JOBS.annotatedPods],
  podinfo: [JOBS.annotatedPods],
  jenkins: [JOBS.jenkins],
  'nats-exporter': [JOBS.annotatedPods],
  'redis-exporter': [JOBS.annotatedPods],
  'auth-service': [JOBS.annotatedPods],
};

/**
 * The cAdvisor and kubelet series kept (everything else is dropped at scrape time): cAdvisor
 * alone exposes thousands of series per node, most of which no dashboard or alert here reads,
 * and Prometheus' memory grows with the number of series.
 */
export const CADVISOR_KEEP = [
  'container_cpu_usage_seconds_total',
  'container_cpu_cfs_periods_total',
  'container_cpu_cfs_throttled_periods_total',
  'container_memory_working_set_bytes',
  'container_memory_rss',
  'container_network_receive_bytes_total',
  'container_network_transmit_bytes_total',
  'container_oom_events_total',
];
export const KUBELET_KEEP = [
  'kubelet_running_pods',
  'kubelet_running_containers',
  'kubelet_volume_stats_available_bytes',
  'kubelet_volume_stats_capacity_bytes',
  'kubelet_volume_stats_used_bytes',
];

/** Pod discovery limited to one namespace and, server-side, to pods with these labels. */
function podDiscovery(namespace: string, labels?: Labels): KubernetesSdConfig {
  return {
    role: 'pod',
    namespaces: { names: [namespace] },
    ...(labels ? { selectors: [{ role: 'pod', label: labelSelector(labels) }] } : {}),
  };
}

const keepPortNamed = (name: string): RelabelConfig => ({ source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: name, action: 'keep' });
/** Completed pods keep their IP in discovery for a while; they are not targets. */
const dropFinishedPods: RelabelConfig = { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Succeeded|Failed', action: 'drop' };
const podTargetLabels: RelabelConfig[] = [
  copyLabel('__meta_kubernetes_namespace', 'namespace'),
  copyLabel('__meta_kubernetes_pod_name', 'pod'),
  copyLabel('__meta_kubernetes_pod_node_name', 'node'),
];

/** One of our own components, found by its selector labels and the name of its metrics port. */
function componentJob(jobName: string, namespace: string, labels: Labels, portName: string, extra: Partial<ScrapeConfig> = {}, targetLabels = podTargetLabels): ScrapeConfig {
  return {
    job_name: jobName,
    kubernetes_sd_configs: [podDiscovery(namespace, labels)],
    relabel_configs: [keepPortNamed(portName), dropFinishedPods, ...targetLabels],
    ...extra,
  };
}

/**
 * Pods that ask to be scraped through the `prometheus.io/*` annotations (see
 * constructs/workload.ts scrapeAnnotations): the microservices and the gateway's exporter.
 * Discovery is limited to the apps namespace, the only one the NetworkPolicies let Prometheus
 * scrape annotated pods in. A pod with several container ports yields one target per port; the
 * relabelling rewrites them to the same address, and Prometheus drops the identical duplicates.
 */
function annotatedPodsJob(config: Config): ScrapeConfig {
  const annotation = (name: string) => `__meta_kubernetes_pod_annotation_prometheus_io_${name}`;
  return {
    job_name: JOBS.annotatedPods,
    kubernetes_sd_configs: [podDiscovery(config.namespaces.apps)],
    relabel_configs: [
      { source_labels: [annotation('scrape')], regex: 'true', action: 'keep' },
      dropFinishedPods,
      { source_labels: [annotation('path')], regex: '(.+)', target_label: '__metrics_path__', action: 'replace' },
      {
        source_labels: ['__meta_kubernetes_pod_ip', annotation('port')],
        regex: '(.+);([0-9]+)',
        replacement: '$1:$2',
        target_label: '__address__',
        action: 'replace',
      },
      ...podTargetLabels,
      // Which microservice (or the gateway) and what role: the dashboards group by these.
      copyLabel(podLabelMeta('app.kubernetes.io/instance'), 'service'),
      copyLabel(podLabelMeta('app.kubernetes.io/component'), 'component'),
    ],
  };
}

/**
 * The kubelet on every node, scraped directly on its HTTPS port with the ServiceAccount token.
 * The kubelet authorizes `/metrics` and `/metrics/cadvisor` as the `nodes/metrics` subresource,
 * which is all the ClusterRole grants (not `nodes/proxy`, which would allow far more).
 */
function kubeletJob(config: Config, jobName: string, path: string, keep: string[]): ScrapeConfig {
  return {
    job_name: jobName,
    scheme: 'https',
    metrics_path: path,
    tls_config: { ca_file: SA_CA_FILE, insecure_skip_verify: config.monitoring.prometheus.kubeletInsecureSkipVerify },
    authorization: { type: 'Bearer', credentials_file: SA_TOKEN_FILE },
    kubernetes_sd_configs: [{ role: 'node' }],
    relabel_configs: [copyLabel('__meta_kubernetes_node_name', 'node')],
    metric_relabel_configs: [{ source_labels: ['__name__'], regex: keep.join('|'), action: 'keep' }],
  };
}

/** prometheus.yml, as data. */
export function prometheusConfig(model: EnvironmentModel): PrometheusConfig {
  const config = model.config;
  const m = config.monitoring;
  const ns = config.namespaces;
  const alertmanagerPods = model.alertmanager.pods;

  const jobs: ScrapeConfig[] = [
    { job_name: JOBS.prometheus, static_configs: [{ targets: [`localhost:${m.prometheus.port}`] }] },
    componentJob(JOBS.alertmanager, ns.monitoring, alertmanagerPods, ALERTMANAGER_PORT_NAME),
    annotatedPodsJob(config),
    kubeletJob(config, JOBS.kubelet, '/metrics', KUBELET_KEEP),
    kubeletJob(config, JOBS.cadvisor, '/metrics/cadvisor', CADVISOR_KEEP),
    componentJob(JOBS.nodeExporter, ns.nodeMonitoring, model.nodeExporter.pods, METRICS_PORT_NAME, {}, [
      // One node-exporter per node: name the target after its node, not its host-network IP.
      copyLabel('__meta_kubernetes_pod_node_name', 'instance'),
      copyLabel('__meta_kubernetes_pod_node_name', 'node'),
    ]),
    // honor_labels: kube-state-metrics' series carry the namespace/pod of the object they describe,
    // which must not be overwritten by the exporter's own; so no pod target labels are added here.
    componentJob(JOBS.kubeStateMetrics, ns.monitoring, model.kubeStateMetrics.pods, METRICS_PORT_NAME, { honor_labels: true }, []),
  ];
  const jenkinsTarget = model.jenkins.scrapeTarget;
  if (jenkinsTarget) {
    jobs.push({
      job_name: JOBS.jenkins,
      metrics_path: jenkinsTarget.path,
      static_configs: [{ targets: [jenkinsTarget.address] }],
    });
  }

  return {
    global: {
      scrape_interval: m.prometheus.scrapeInterval,
      scrape_timeout: m.prometheus.scrapeTimeout,
      evaluation_interval: m.prometheus.evaluationInterval,
    },
    alerting: {
      alertmanagers: [
        {
          api_version: 'v2',
          kubernetes_sd_configs: [podDiscovery(ns.monitoring, alertmanagerPods)],
          relabel_configs: [keepPortNamed(ALERTMANAGER_PORT_NAME), dropFinishedPods],
        },
      ],
    },
    rule_files: [`${PROMETHEUS_RULES_DIR}/*.yml`],
    scrape_configs: jobs,
  };
}
