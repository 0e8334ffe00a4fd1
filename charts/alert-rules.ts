import type { Config } from '../config/schema';
import { AlertRule, RuleFile } from '../constructs/prometheus-config';
import { eventBusAlerts } from './event-bus-alerts';
import { DATASTORE_COMPONENT } from '../constructs/redis-datastore';
import { NODE_STORAGE_FSTYPE_MATCHER } from '../monitoring/filesystems';
import { ERROR_OUTCOME, VALIDATE_REJECTED } from '../services/auth/src/outcomes';
import { JOBS } from './prometheus-config';

/** podinfo's own endpoints, hit by probes and scrapes rather than by users. */
const NON_USER_PATHS = 'healthz|readyz|metrics';

/**
 * The alerting rules, as data. Every expression reads series that prometheus-config.ts collects
 * (job names from JOBS); every alert has a severity, a summary and a description.
 */
export function alertRules(config: Config): AlertRule[] {
  const t = config.monitoring.prometheus.alerts;
  const fs = NODE_STORAGE_FSTYPE_MATCHER;
  // The datastores' Redis exporters, found by the annotated-pods job.
  const datastore = `job="${JOBS.annotatedPods}", component="${DATASTORE_COMPONENT}"`;
  const requests = (extra: string) =>
    `sum by (namespace, service) (rate(http_request_duration_seconds_count{job="${JOBS.annotatedPods}", component="microservice", path!~"${NON_USER_PATHS}"${extra}}[5m]))`;

  const rules: AlertRule[] = [
    {
      alert: 'TargetDown',
      // Jenkins and the datastores have their own alerts below, with advice that fits them.
      expr: `up{job!="${JOBS.jenkins}", component!="${DATASTORE_COMPONENT}"} == 0`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Scrape target {{ $labels.job }}/{{ $labels.instance }} is down',
        description:
          'Prometheus has failed to scrape {{ $labels.instance }} (job {{ $labels.job }}) for 5 minutes: the process is down or unreachable, or a NetworkPolicy blocks the scrape. See Status > Targets in Prometheus for the error.',
      },
    },
    {
      alert: 'KubePodCrashLooping',
      expr: 'max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1',
      for: '10m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} is crash looping',
        description:
          'Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} keeps restarting (CrashLoopBackOff) for 10 minutes. Check `kubectl logs --previous`.',
      },
    },
    {
      alert: 'KubeDeploymentReplicasMismatch',
      // Not while a rollout is still making progress.
      expr:
        '(kube_deployment_spec_replicas > kube_deployment_status_replicas_available) and (changes(kube_deployment_status_replicas_updated[10m]) == 0)',
      for: '15m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has fewer available replicas than desired',
        description:
          'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has had fewer available replicas than its spec asks for during 15 minutes with no rollout progress: pods cannot be scheduled, pull their image or become ready.',
      },
    },
    // A pod that never starts has no scrape target, so `up`-based alerts (DatastoreDown,
    // AuthServiceDown for one pod of two, …) cannot see it: desired against ready from
    // kube-state-metrics covers every StatefulSet and DaemonSet (and Deployments, above).
    {
      alert: 'KubeStatefulSetReplicasMismatch',
      // Both series come from one kube-state-metrics target with the same labels: one-to-one.
      expr: 'kube_statefulset_status_replicas_ready < kube_statefulset_replicas',
      for: '15m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} has fewer ready replicas than desired',
        description:
          'StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} has had fewer ready pods than its spec asks for during 15 minutes: a pod cannot be scheduled, pull its image, bind its volume or pass its readiness probe. A pod that never started is invisible to the scrape-based alerts. Check `kubectl describe pod`.',
      },
    },
    {
      alert: 'KubeDaemonSetNotReady',
      expr: 'kube_daemonset_status_number_ready < kube_daemonset_status_desired_number_scheduled',
      for: '15m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} is not ready on every node',
        description:
          'DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} has had fewer ready pods than nodes it should run on for 15 minutes: on some nodes its pod cannot start or pass its readiness probe.',
      },
    },
    {
      alert: 'KubeHpaMaxedOut',
      // The three series of one HPA carry the same labels, so they match one-to-one as they are.
      // An HPA whose minimum equals its maximum is always "at maximum"; that is not news.
      expr: 'kube_horizontalpodautoscaler_status_current_replicas >= kube_horizontalpodautoscaler_spec_max_replicas unless (kube_horizontalpodautoscaler_spec_max_replicas == kube_horizontalpodautoscaler_spec_min_replicas)',
      for: '15m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} is pinned at its maximum',
        description:
          'HorizontalPodAutoscaler {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has run at its maximum replica count for 15 minutes: the load needs more replicas than it may add. Raise maxReplicas or find what drives the load.',
      },
    },
    {
      alert: 'Gateway5xxRatioHigh',
      // Measured at the services behind the gateway: nginx's stub_status exporter has no per-status
      // counters, while podinfo counts every response by status. A gateway-made 502/504 (no upstream
      // at all) shows as TargetDown and KubeDeploymentReplicasMismatch instead.
      expr: `${requests(', status=~"5.."')} / ${requests('')} > ${t.http5xxRatio}`,
      for: '10m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'Service {{ $labels.namespace }}/{{ $labels.service }} answers too many requests with 5xx',
        description: `More than ${percent(t.http5xxRatio)}% of the requests the gateway routes to {{ $labels.service }} have failed with a 5xx status for 10 minutes (probe and metrics requests not counted).`,
      },
    },
    {
      alert: 'NodeFilesystemAlmostFull',
      expr: `(node_filesystem_avail_bytes{${fs}} / node_filesystem_size_bytes{${fs}} * 100 < ${t.filesystemFreePercent}) and node_filesystem_readonly{${fs}} == 0`,
      for: '15m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} is almost full',
        description: `Filesystem {{ $labels.mountpoint }} ({{ $labels.device }}) on node {{ $labels.instance }} has had less than ${t.filesystemFreePercent}% free space for 15 minutes. Kubernetes starts evicting pods when the node's disk runs out.`,
      },
    },
    {
      alert: 'NodeMemoryPressure',
      expr: 'kube_node_status_condition{condition="MemoryPressure", status="true"} == 1',
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Node {{ $labels.node }} reports memory pressure',
        description: 'The kubelet on node {{ $labels.node }} has reported the MemoryPressure condition for 5 minutes: it is evicting pods to reclaim memory.',
      },
    },
    {
      alert: 'NodeMemoryAvailableLow',
      expr: `node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes * 100 < ${t.memoryAvailablePercent}`,
      for: '10m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Node {{ $labels.instance }} is running out of memory',
        description: `Node {{ $labels.instance }} has had less than ${t.memoryAvailablePercent}% of its memory available for 10 minutes; memory pressure and evictions follow.`,
      },
    },
    {
      alert: 'PrometheusConfigReloadFailed',
      expr: `max_over_time(prometheus_config_last_reload_successful{job="${JOBS.prometheus}"}[5m]) == 0`,
      for: '10m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Prometheus could not load its new configuration',
        description:
          'Prometheus {{ $labels.instance }} rejected its configuration or rule files at the last reload and keeps running the previous ones. See the prometheus container log for the error.',
      },
    },
  ];

  if (config.services.some((s) => s.datastore.enabled)) rules.push(...datastoreRules(datastore, t.datastoreMemoryPercent));
  if (config.auth.enabled) rules.push(...authAlertRules(config));

  if (config.jenkins.enabled) {
    rules.push({
      alert: 'JenkinsDown',
      // absent(): also fire when the target has vanished from discovery altogether.
      expr: `up{job="${JOBS.jenkins}"} == 0 or absent(up{job="${JOBS.jenkins}"})`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Jenkins is down',
        description: `Prometheus has not reached Jenkins' metrics endpoint (${config.jenkins.metricsPath}) for 5 minutes: the controller is down, restarting, or its prometheus plugin is missing. No pipeline can run.`,
      },
    });
  }
  rules.push(...eventBusAlerts(config));
  return rules;
}

/** The microservices' Redis datastores, through the exporter sidecar in each datastore pod. */
function datastoreRules(sel: string, memoryPercent: number): AlertRule[] {
  const which = 'Datastore {{ $labels.namespace }}/{{ $labels.service }}';
  return [
    {
      alert: 'DatastoreDown',
      // redis_up 0: the exporter runs but Redis does not answer it. up 0: the pod's exporter cannot
      // be scraped (pod down or unreachable). Either way the owning service has lost its datastore.
      expr: `redis_up{${sel}} == 0 or up{${sel}} == 0`,
      for: '3m',
      labels: { severity: 'critical' },
      annotations: {
        summary: `${which} is down`,
        description: `${which} (pod {{ $labels.pod }}) has not answered for 3 minutes: Redis is down, restarting or unreachable from its exporter, or the pod cannot be scraped. Check \`kubectl describe pod\` and the redis container log.`,
      },
    },
    {
      alert: 'DatastoreMemoryNearLimit',
      // maxmemory 0 means "no limit" in Redis; the datastores always set one, but never divide by it.
      expr: `redis_memory_used_bytes{${sel}} / (redis_memory_max_bytes{${sel}} > 0) * 100 > ${memoryPercent}`,
      for: '15m',
      labels: { severity: 'warning' },
      annotations: {
        summary: `${which} is close to its maxmemory`,
        description: `${which} has used more than ${memoryPercent}% of its maxmemory for 15 minutes: it evicts keys to take new writes. Raise datastore.resources.limits.memory (maxmemory is ¾ of it).`,
      },
    },
    {
      alert: 'DatastoreEvictingKeys',
      expr: `increase(redis_evicted_keys_total{${sel}}[5m]) > 0`,
      for: '15m',
      labels: { severity: 'warning' },
      annotations: {
        summary: `${which} keeps evicting keys`,
        description: `${which} has been evicting keys for 15 minutes to stay under its maxmemory: its data does not fit, and the owning service loses cached entries. Raise datastore.resources.limits.memory.`,
      },
    },
    {
      alert: 'DatastoreRejectingConnections',
      expr: `increase(redis_rejected_connections_total{${sel}}[5m]) > 0`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: `${which} rejects connections`,
        description: `${which} has rejected client connections during the last 5 minutes: it has reached maxclients, so requests of the owning service fail. Look for a client that leaks connections.`,
      },
    },
  ];
}

/** Validation outcomes that refuse a token, as the service counts them (services/auth/src/outcomes.ts). */
export const AUTH_REJECTED_OUTCOMES = VALIDATE_REJECTED.join('|');
/** Share of validations failing with a server error, and share of rejected tokens, that alert. */
export const AUTH_ALERTS = { errorRatio: 0.05, rejectedRatio: 0.5, rejectedPerSecond: 1 } as const;

/** The auth service: down, failing validations, or a wave of rejected tokens. */
function authAlertRules(config: Config): AlertRule[] {
  const target = `job="${JOBS.annotatedPods}", namespace="${config.namespaces.apps}", service="${config.auth.name}"`;
  const validations = (extra: string) => `sum by (namespace, service) (rate(auth_requests_total{${target}, endpoint="validate"${extra}}[5m]))`;
  return [
    {
      alert: 'AuthServiceDown',
      // absent(): also when every pod is gone from discovery (scaled to zero, Deployment deleted).
      expr: `sum by (namespace, service) (up{${target}}) == 0 or absent(up{${target}})`,
      for: '2m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'The auth service is down',
        description:
          'No auth service pod has answered a Prometheus scrape for 2 minutes. Routes that require a token fail closed (503) until it is back; public routes keep working. Check that the auth Secrets exist (pods wait for them) and `kubectl logs deploy/' + config.auth.name + '`.',
      },
    },
    {
      alert: 'AuthValidationErrorsHigh',
      // `error`: the service failed to answer a check (an exception while deciding or sending).
      expr: `${validations(`, outcome="${ERROR_OUTCOME}"`)} / ${validations('')} > ${AUTH_ALERTS.errorRatio}`,
      for: '10m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'The auth service fails token validations',
        description: `More than ${percent(AUTH_ALERTS.errorRatio)}% of the token checks of {{ $labels.namespace }}/{{ $labels.service }} have ended in a server error for 10 minutes; the gateway answers those requests with 503.`,
      },
    },
    {
      alert: 'AuthRejectedTokensSpike',
      expr: `(${validations(`, outcome=~"${AUTH_REJECTED_OUTCOMES}"`)} / ${validations('')} > ${AUTH_ALERTS.rejectedRatio}) and ${validations(`, outcome=~"${AUTH_REJECTED_OUTCOMES}"`)} > ${AUTH_ALERTS.rejectedPerSecond}`,
      for: '10m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Many requests to protected routes carry no valid token',
        description: `For 10 minutes more than ${percent(AUTH_ALERTS.rejectedRatio)}% of the token checks of {{ $labels.namespace }}/{{ $labels.service }} (over ${AUTH_ALERTS.rejectedPerSecond}/s) were refused: missing, forged, expired or lacking scope. A client may be using a key removed by a rotation, or someone is guessing tokens.`,
      },
    },
  ];
}

function percent(ratio: number): string {
  return String(Math.round(ratio * 10000) / 100);
}

export function alertRuleFile(config: Config): RuleFile {
  return { groups: [{ name: config.partOf, rules: alertRules(config) }] };
}
