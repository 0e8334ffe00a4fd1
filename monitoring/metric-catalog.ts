/**
 * The metric names each exporter of this environment exposes, as dashboards and alert rules may
 * use them. A query that names a metric outside this catalogue reads nothing (a typo, or an
 * exporter we do not run), and the tests fail. test/monitoring-wiring.test.ts ties each exporter
 * to the scrape job that collects it.
 *
 * Histograms and summaries list the series PromQL names (`_bucket`, `_count`, `_sum`).
 * Names were checked against each project's source or documentation for the pinned version.
 */
import { JENKINS_METRICS } from './jenkins-metrics';

export type Exporter =
  | 'prometheus'
  | 'prometheus-server'
  | 'node-exporter'
  | 'kube-state-metrics'
  | 'cadvisor'
  | 'nginx-exporter'
  | 'podinfo'
  | 'jenkins'
  | 'nats-exporter'
  | 'redis-exporter'
  | 'auth-service';

export interface ExporterMetrics {
  /** Where the metrics come from, for a reader checking a name. */
  readonly source: string;
  readonly metrics: readonly string[];
}

export const METRIC_CATALOG: Readonly<Record<Exporter, ExporterMetrics>> = {
  prometheus: {
    source: 'series Prometheus itself adds to every scrape target',
    metrics: ['up', 'scrape_duration_seconds', 'scrape_samples_scraped'],
  },
  'prometheus-server': {
    source: "Prometheus' own /metrics (config reload and rule evaluation)",
    metrics: ['prometheus_config_last_reload_successful', 'prometheus_rule_evaluation_failures_total'],
  },
  'node-exporter': {
    source: 'prometheus/node_exporter (cpu, meminfo, filesystem, netdev, loadavg, stat collectors)',
    metrics: [
      'node_cpu_seconds_total',
      'node_memory_MemAvailable_bytes',
      'node_memory_MemTotal_bytes',
      'node_filesystem_avail_bytes',
      'node_filesystem_size_bytes',
      'node_network_receive_bytes_total',
      'node_network_transmit_bytes_total',
      'node_load1',
      'node_load5',
      'node_load15',
      'node_boot_time_seconds',
      'node_filesystem_readonly',
    ],
  },
  'kube-state-metrics': {
    source: 'kubernetes/kube-state-metrics v2 (node, deployment, statefulset, daemonset, pod, horizontalpodautoscaler collectors)',
    metrics: [
      'kube_node_info',
      'kube_node_status_condition',
      'kube_deployment_spec_replicas',
      'kube_deployment_status_replicas_available',
      'kube_deployment_status_replicas_updated',
      'kube_statefulset_replicas',
      'kube_statefulset_status_replicas_ready',
      'kube_daemonset_status_desired_number_scheduled',
      'kube_daemonset_status_number_ready',
      'kube_pod_container_status_waiting_reason',
      'kube_pod_info',
      'kube_pod_status_phase',
      'kube_pod_container_status_restarts_total',
      'kube_pod_container_resource_requests',
      'kube_pod_container_resource_limits',
      'kube_horizontalpodautoscaler_spec_min_replicas',
      'kube_horizontalpodautoscaler_spec_max_replicas',
      'kube_horizontalpodautoscaler_status_current_replicas',
      'kube_horizontalpodautoscaler_status_desired_replicas',
    ],
  },
  cadvisor: {
    source: "the kubelet's /metrics/cadvisor endpoint (labels namespace, pod, container)",
    metrics: ['container_cpu_usage_seconds_total', 'container_memory_working_set_bytes', 'container_cpu_cfs_throttled_periods_total', 'container_cpu_cfs_periods_total'],
  },
  'nginx-exporter': {
    source: 'nginx/nginx-prometheus-exporter (stub_status collector, namespace "nginx")',
    metrics: [
      'nginx_up',
      'nginx_connections_active',
      'nginx_connections_accepted',
      'nginx_connections_handled',
      'nginx_connections_reading',
      'nginx_connections_writing',
      'nginx_connections_waiting',
      'nginx_http_requests_total',
    ],
  },
  podinfo: {
    source: 'stefanprodan/podinfo pkg/api/http/metrics.go: histogram {method, path, status}, counter {status}',
    metrics: [
      'http_request_duration_seconds_bucket',
      'http_request_duration_seconds_count',
      'http_request_duration_seconds_sum',
      'http_requests_total',
      'process_resident_memory_bytes',
      'go_goroutines',
    ],
  },
  jenkins: {
    source: 'jenkinsci/prometheus-plugin and the metrics plugin it exports: the reviewed record monitoring/jenkins-metrics.ts',
    metrics: Object.keys(JENKINS_METRICS),
  },
  'nats-exporter': {
    source:
      'nats-io/prometheus-nats-exporter v0.18.0 with -prefix=nats: collector/healthz.go (healthz_js_enabled_only_status_value), collector/jsz.go (server_*, stream_*, consumer_*), varz keys of the server (varz_*)',
    metrics: [
      'nats_healthz_js_enabled_only_status_value',
      'nats_server_total_message_bytes',
      'nats_server_max_storage',
      'nats_server_total_streams',
      'nats_server_total_consumers',
      'nats_stream_total_messages',
      'nats_stream_total_bytes',
      'nats_consumer_num_pending',
      'nats_consumer_num_ack_pending',
      'nats_consumer_num_redelivered',
      'nats_varz_slow_consumers',
      'nats_varz_connections',
      'nats_varz_in_msgs',
      'nats_varz_out_msgs',
    ],
  },
  'redis-exporter': {
    source:
      'oliver006/redis_exporter exporter/exporter.go (namespace "redis", INFO fields renamed): v1.88.0 in the image; test/redis-exporter.test.ts scrapes Debian 1.69 against a real redis-server',
    metrics: [
      'redis_up',
      'redis_memory_used_bytes',
      'redis_memory_max_bytes',
      'redis_evicted_keys_total',
      'redis_rejected_connections_total',
      'redis_connected_clients',
      'redis_commands_processed_total',
      'redis_keyspace_hits_total',
      'redis_keyspace_misses_total',
      'redis_db_keys',
    ],
  },
  'auth-service': {
    source: 'services/auth/src/server.ts: prom-client counter {endpoint, outcome} and histogram {endpoint}',
    metrics: ['auth_requests_total', 'auth_request_duration_seconds_bucket', 'auth_request_duration_seconds_count', 'auth_request_duration_seconds_sum'],
  },
};

/** The exporter that exposes `metric`, or undefined when no exporter of this environment does. */
export function exporterOf(metric: string): Exporter | undefined {
  return (Object.keys(METRIC_CATALOG) as Exporter[]).find((e) => METRIC_CATALOG[e].metrics.includes(metric));
}
