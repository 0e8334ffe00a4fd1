import { JOBS } from '../../charts/prometheus-config';
import type { Config } from '../../config/schema';
import type { AlertRule } from '../../constructs/prometheus-config';
import type { ScrapedSeries } from './auth-service';
import { eventBusRuleTests } from './event-bus-alert-tests';
import { InputSeries, PromtoolTestFile, series } from './promtool-test-file';

export type { PromtoolTestFile };

/**
 * `promtool test rules` cases, as data: for every alert, series that make it fire and series that
 * must not. Expected labels are written out here; expected annotations are the rule's templates
 * expanded with those labels (promtool compares annotations exactly, and the expander refuses
 * templates that reference a label the alert does not carry).
 */

type Labels = Record<string, string>;

/** Expand `{{ $labels.x }}`; anything else in braces, or a missing label, is an error. */
export function expandAnnotation(template: string, labels: Labels): string {
  const out = template.replace(/\{\{\s*\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_, name: string) => {
    if (!(name in labels)) throw new Error(`annotation uses $labels.${name}, which the alert does not carry: ${template}`);
    return labels[name];
  });
  if (out.includes('{{')) throw new Error(`annotation template not understood by the test expander: ${template}`);
  return out;
}

/** A Deployment, StatefulSet or DaemonSet the synthesized output holds. */
export interface Workload {
  readonly kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  readonly namespace: string;
  readonly name: string;
  /** spec.replicas (unset under an HPA, and for a DaemonSet). */
  readonly replicas?: number;
}

export interface RuleTestInputs {
  /** Every workload synthesized: each gets a case where its pods never become ready. */
  readonly workloads: readonly Workload[];
  /** Series scraped from the real auth bundle: the auth alerts' tests use exactly these names and labels. */
  readonly authSeries?: readonly ScrapedSeries[];
}

/** The labels of the scraped series `name` that carry `wanted`; fails when the service exports no such series. */
function scrapedLabels(all: readonly ScrapedSeries[], name: string, wanted: Labels): Labels {
  const hit = all.find((x) => x.name === name && Object.entries(wanted).every(([k, v]) => x.labels[k] === v));
  if (!hit) throw new Error(`the auth service exports no ${name}{${JSON.stringify(wanted)}}: the alert reads a series that does not exist`);
  return { ...hit.labels };
}

export function ruleTestFile(config: Config, rules: readonly AlertRule[], ruleFile: string, inputs: RuleTestInputs): PromtoolTestFile {
  const byName = new Map(rules.map((r) => [r.alert, r]));
  const alert = (name: string, labels: Labels) => {
    const rule = byName.get(name);
    if (!rule) throw new Error(`no alert rule named ${name}`);
    const all = { ...labels, ...rule.labels };
    return {
      exp_labels: all,
      exp_annotations: { summary: expandAnnotation(rule.annotations.summary, all), description: expandAnnotation(rule.annotations.description, all) },
    };
  };
  const t = config.monitoring.prometheus.alerts;
  const apps = config.namespaces.apps;
  const ksm = { job: JOBS.kubeStateMetrics, instance: '10.0.0.9:8080' };
  const node = { job: JOBS.nodeExporter, instance: 'node-1', node: 'node-1' };
  const disk = { ...node, device: '/dev/sda1', mountpoint: '/', fstype: 'ext4' };
  const tmp = { ...node, device: 'tmpfs', mountpoint: '/run', fstype: 'tmpfs' };
  const fuseDisk = { ...node, device: '/dev/sdc1', mountpoint: '/mnt/ntfs', fstype: 'fuseblk' };
  const lxcfs = { ...node, device: 'lxcfs', mountpoint: '/var/lib/lxcfs', fstype: 'fuse.lxcfs' };
  const jenkinsTarget = { job: JOBS.jenkins, instance: `${config.jenkins.name}.${config.namespaces.ci}:${config.jenkins.port}` };
  const podTarget = { job: JOBS.annotatedPods, instance: '10.0.0.5:9898' };
  const httpLabels = (service: string, path: string, status: string) => ({
    job: JOBS.annotatedPods,
    namespace: apps,
    service,
    component: 'microservice',
    pod: `${service}-0`,
    method: 'GET',
    path,
    status,
  });
  const deployment = { ...ksm, namespace: apps, deployment: 'news' };
  const hpa = (name: string) => ({ ...ksm, namespace: apps, horizontalpodautoscaler: name });
  const crash = { ...ksm, namespace: apps, pod: 'news-6d4f', container: 'app', uid: 'u1', reason: 'CrashLoopBackOff' };
  const memCondition = { ...ksm, node: 'node-1', condition: 'MemoryPressure', status: 'true' };
  const prom = { job: JOBS.prometheus, instance: 'localhost:9090' };
  // Values as percentages of a 100-byte disk / memory, on either side of the configured threshold.
  const below = (pct: number) => String(pct / 2);
  const above = (pct: number) => String(Math.min(100, pct * 2));

  const tests: PromtoolTestFile['tests'][number][] = [
    {
      name: 'TargetDown fires for a target down 5 minutes, not for one that is up, nor for Jenkins',
      interval: '1m',
      input_series: [
        series('up', podTarget, '0x10'),
        series('up', { ...podTarget, instance: '10.0.0.6:9898' }, '1x10'),
        series('up', jenkinsTarget, '0x10'),
      ],
      alert_rule_test: [
        { eval_time: '3m', alertname: 'TargetDown', exp_alerts: [] },
        { eval_time: '6m', alertname: 'TargetDown', exp_alerts: [alert('TargetDown', podTarget)] },
      ],
    },
    {
      name: 'KubePodCrashLooping fires for a container in CrashLoopBackOff, not for a running one',
      interval: '1m',
      input_series: [series('kube_pod_container_status_waiting_reason', crash, '1x20'), series('kube_pod_container_status_waiting_reason', { ...crash, pod: 'payment-1' }, '0x20')],
      alert_rule_test: [
        { eval_time: '5m', alertname: 'KubePodCrashLooping', exp_alerts: [] },
        { eval_time: '15m', alertname: 'KubePodCrashLooping', exp_alerts: [alert('KubePodCrashLooping', crash)] },
      ],
    },
    {
      name: 'KubeDeploymentReplicasMismatch fires when replicas stay unavailable, not while they are all available',
      interval: '1m',
      input_series: [
        series('kube_deployment_spec_replicas', deployment, '2x30'),
        series('kube_deployment_status_replicas_available', deployment, '1x30'),
        series('kube_deployment_status_replicas_updated', deployment, '2x30'),
        series('kube_deployment_spec_replicas', { ...deployment, deployment: 'payment' }, '1x30'),
        series('kube_deployment_status_replicas_available', { ...deployment, deployment: 'payment' }, '1x30'),
        series('kube_deployment_status_replicas_updated', { ...deployment, deployment: 'payment' }, '1x30'),
      ],
      alert_rule_test: [
        { eval_time: '10m', alertname: 'KubeDeploymentReplicasMismatch', exp_alerts: [] },
        { eval_time: '20m', alertname: 'KubeDeploymentReplicasMismatch', exp_alerts: [alert('KubeDeploymentReplicasMismatch', deployment)] },
      ],
    },
    {
      name: 'KubeDeploymentReplicasMismatch stays quiet while a rollout progresses',
      interval: '1m',
      input_series: [
        series('kube_deployment_spec_replicas', deployment, '3x30'),
        series('kube_deployment_status_replicas_available', deployment, '1x30'),
        series('kube_deployment_status_replicas_updated', deployment, '0+1x30'),
      ],
      alert_rule_test: [{ eval_time: '25m', alertname: 'KubeDeploymentReplicasMismatch', exp_alerts: [] }],
    },
    {
      name: 'KubeHpaMaxedOut fires for an HPA at its maximum, not below it nor when min equals max',
      interval: '1m',
      input_series: [
        series('kube_horizontalpodautoscaler_status_current_replicas', hpa('webtoon'), '3x30'),
        series('kube_horizontalpodautoscaler_spec_max_replicas', hpa('webtoon'), '3x30'),
        series('kube_horizontalpodautoscaler_spec_min_replicas', hpa('webtoon'), '1x30'),
        series('kube_horizontalpodautoscaler_status_current_replicas', hpa('fixed'), '2x30'),
        series('kube_horizontalpodautoscaler_spec_max_replicas', hpa('fixed'), '2x30'),
        series('kube_horizontalpodautoscaler_spec_min_replicas', hpa('fixed'), '2x30'),
        series('kube_horizontalpodautoscaler_status_current_replicas', hpa('news'), '2x30'),
        series('kube_horizontalpodautoscaler_spec_max_replicas', hpa('news'), '5x30'),
        series('kube_horizontalpodautoscaler_spec_min_replicas', hpa('news'), '1x30'),
      ],
      alert_rule_test: [
        { eval_time: '10m', alertname: 'KubeHpaMaxedOut', exp_alerts: [] },
        { eval_time: '20m', alertname: 'KubeHpaMaxedOut', exp_alerts: [alert('KubeHpaMaxedOut', hpa('webtoon'))] },
      ],
    },
    {
      name: 'Gateway5xxRatioHigh fires for a service failing half its requests',
      interval: '1m',
      input_series: [
        series('http_request_duration_seconds_count', httpLabels('payment', 'api_info', '500'), '0+10x30'),
        series('http_request_duration_seconds_count', httpLabels('payment', 'api_info', '200'), '0+10x30'),
        series('http_request_duration_seconds_count', httpLabels('news', 'api_info', '200'), '0+10x30'),
      ],
      alert_rule_test: [
        { eval_time: '8m', alertname: 'Gateway5xxRatioHigh', exp_alerts: [] },
        { eval_time: '20m', alertname: 'Gateway5xxRatioHigh', exp_alerts: [alert('Gateway5xxRatioHigh', { namespace: apps, service: 'payment' })] },
      ],
    },
    {
      name: 'Gateway5xxRatioHigh ignores failing probes and stays quiet below the threshold',
      interval: '1m',
      input_series: [
        series('http_request_duration_seconds_count', httpLabels('news', 'healthz', '503'), '0+100x30'),
        series('http_request_duration_seconds_count', httpLabels('news', 'api_info', '200'), '0+10x30'),
        // Just under the threshold: 5xx share = ratio * 0.9.
        series('http_request_duration_seconds_count', httpLabels('payment', 'api_info', '500'), `0+${t.http5xxRatio * 90}x30`),
        series('http_request_duration_seconds_count', httpLabels('payment', 'api_info', '200'), `0+${100 - t.http5xxRatio * 90}x30`),
      ],
      alert_rule_test: [{ eval_time: '20m', alertname: 'Gateway5xxRatioHigh', exp_alerts: [] }],
    },
    {
      name: 'NodeFilesystemAlmostFull fires below the free-space threshold, not above it nor for tmpfs',
      interval: '1m',
      input_series: [
        series('node_filesystem_avail_bytes', disk, `${below(t.filesystemFreePercent)}x30`),
        series('node_filesystem_size_bytes', disk, '100x30'),
        series('node_filesystem_readonly', disk, '0x30'),
        series('node_filesystem_avail_bytes', { ...disk, mountpoint: '/data', device: '/dev/sdb1' }, `${above(t.filesystemFreePercent)}x30`),
        series('node_filesystem_size_bytes', { ...disk, mountpoint: '/data', device: '/dev/sdb1' }, '100x30'),
        series('node_filesystem_readonly', { ...disk, mountpoint: '/data', device: '/dev/sdb1' }, '0x30'),
        series('node_filesystem_avail_bytes', tmp, '0x30'),
        series('node_filesystem_size_bytes', tmp, '100x30'),
        series('node_filesystem_readonly', tmp, '0x30'),
      ],
      alert_rule_test: [
        { eval_time: '10m', alertname: 'NodeFilesystemAlmostFull', exp_alerts: [] },
        { eval_time: '20m', alertname: 'NodeFilesystemAlmostFull', exp_alerts: [alert('NodeFilesystemAlmostFull', disk)] },
      ],
    },
    {
      name: 'NodeFilesystemAlmostFull counts a full FUSE-backed disk, not lxcfs (the panel shows the same mounts)',
      interval: '1m',
      input_series: [
        series('node_filesystem_avail_bytes', fuseDisk, '0x30'),
        series('node_filesystem_size_bytes', fuseDisk, '100x30'),
        series('node_filesystem_readonly', fuseDisk, '0x30'),
        series('node_filesystem_avail_bytes', lxcfs, '0x30'),
        series('node_filesystem_size_bytes', lxcfs, '100x30'),
        series('node_filesystem_readonly', lxcfs, '0x30'),
      ],
      alert_rule_test: [{ eval_time: '20m', alertname: 'NodeFilesystemAlmostFull', exp_alerts: [alert('NodeFilesystemAlmostFull', fuseDisk)] }],
    },
    {
      name: 'NodeMemoryPressure fires while the kubelet reports MemoryPressure, not when it clears',
      interval: '1m',
      input_series: [series('kube_node_status_condition', memCondition, '1x10 0x20'), series('kube_node_status_condition', { ...memCondition, status: 'false' }, '0x10 1x20')],
      alert_rule_test: [
        { eval_time: '3m', alertname: 'NodeMemoryPressure', exp_alerts: [] },
        { eval_time: '8m', alertname: 'NodeMemoryPressure', exp_alerts: [alert('NodeMemoryPressure', memCondition)] },
        { eval_time: '25m', alertname: 'NodeMemoryPressure', exp_alerts: [] },
      ],
    },
    {
      name: 'NodeMemoryAvailableLow fires below the available-memory threshold, not above it',
      interval: '1m',
      input_series: [
        series('node_memory_MemAvailable_bytes', node, `${below(t.memoryAvailablePercent)}x30`),
        series('node_memory_MemTotal_bytes', node, '100x30'),
        series('node_memory_MemAvailable_bytes', { ...node, instance: 'node-2', node: 'node-2' }, `${above(t.memoryAvailablePercent)}x30`),
        series('node_memory_MemTotal_bytes', { ...node, instance: 'node-2', node: 'node-2' }, '100x30'),
      ],
      alert_rule_test: [
        { eval_time: '5m', alertname: 'NodeMemoryAvailableLow', exp_alerts: [] },
        { eval_time: '15m', alertname: 'NodeMemoryAvailableLow', exp_alerts: [alert('NodeMemoryAvailableLow', node)] },
      ],
    },
    {
      name: 'PrometheusConfigReloadFailed fires after a failed reload, not while reloads succeed',
      interval: '1m',
      input_series: [series('prometheus_config_last_reload_successful', prom, '1x5 0x30'), series('prometheus_config_last_reload_successful', { ...prom, instance: 'other:9090' }, '1x35')],
      alert_rule_test: [
        { eval_time: '12m', alertname: 'PrometheusConfigReloadFailed', exp_alerts: [] },
        { eval_time: '25m', alertname: 'PrometheusConfigReloadFailed', exp_alerts: [alert('PrometheusConfigReloadFailed', prom)] },
      ],
    },
  ];

  if (config.services.some((s) => s.datastore.enabled)) tests.push(...datastoreTests(config, alert));
  if (config.auth.enabled) {
    if (!inputs.authSeries) throw new Error('the auth alerts are tested with series scraped from the auth bundle: pass authSeries');
    const scraped = inputs.authSeries;
    // What the annotated-pods job adds to the service's own labels.
    const authTarget = { job: JOBS.annotatedPods, namespace: apps, service: config.auth.name, component: 'auth' };
    const validations = (outcome: string, values: string) =>
      series('auth_requests_total', { ...authTarget, pod: 'auth-0', instance: '10.0.0.4:8080', ...scrapedLabels(scraped, 'auth_requests_total', { endpoint: 'validate', outcome }) }, values);
    const authGroup = { namespace: apps, service: config.auth.name };
    tests.push(
      {
        name: 'AuthServiceDown fires when every auth pod is down, not while one is up',
        interval: '1m',
        input_series: [series('up', { ...authTarget, pod: 'auth-0' }, '0x10'), series('up', { ...authTarget, pod: 'auth-1' }, '1x3 0x10')],
        alert_rule_test: [
          { eval_time: '3m', alertname: 'AuthServiceDown', exp_alerts: [] },
          { eval_time: '8m', alertname: 'AuthServiceDown', exp_alerts: [alert('AuthServiceDown', authGroup)] },
        ],
      },
      {
        name: 'AuthServiceDown fires when the auth pods have vanished',
        interval: '1m',
        input_series: [series('up', prom, '1x10')],
        alert_rule_test: [{ eval_time: '5m', alertname: 'AuthServiceDown', exp_alerts: [alert('AuthServiceDown', { job: JOBS.annotatedPods, namespace: apps, service: config.auth.name })] }],
      },
      {
        name: 'AuthValidationErrorsHigh fires when a tenth of the checks fail, not at 1%',
        interval: '1m',
        input_series: [validations('error', '0+6x30'), validations('valid', '0+54x30'), validations('missing', '0+1x30')],
        alert_rule_test: [
          { eval_time: '8m', alertname: 'AuthValidationErrorsHigh', exp_alerts: [] },
          { eval_time: '20m', alertname: 'AuthValidationErrorsHigh', exp_alerts: [alert('AuthValidationErrorsHigh', authGroup)] },
        ],
      },
      {
        name: 'AuthValidationErrorsHigh stays quiet at 1% errors; AuthRejectedTokensSpike quiet when few requests are refused',
        interval: '1m',
        input_series: [validations('error', '0+1x30'), validations('valid', '0+99x30'), validations('invalid', '0+30x30')],
        alert_rule_test: [
          { eval_time: '20m', alertname: 'AuthValidationErrorsHigh', exp_alerts: [] },
          { eval_time: '20m', alertname: 'AuthRejectedTokensSpike', exp_alerts: [] },
        ],
      },
      {
        name: 'AuthRejectedTokensSpike fires when most checks are refused at a high rate',
        interval: '1m',
        input_series: [validations('valid', '0+60x30'), validations('invalid', '0+120x30'), validations('expired', '0+60x30')],
        alert_rule_test: [
          { eval_time: '8m', alertname: 'AuthRejectedTokensSpike', exp_alerts: [] },
          { eval_time: '20m', alertname: 'AuthRejectedTokensSpike', exp_alerts: [alert('AuthRejectedTokensSpike', authGroup)] },
        ],
      },
    );
  }

  if (config.jenkins.enabled) {
    tests.push(
      {
        name: 'JenkinsDown fires when Jenkins is down, not while it is up',
        interval: '1m',
        input_series: [series('up', jenkinsTarget, '1x5 0x10')],
        alert_rule_test: [
          { eval_time: '5m', alertname: 'JenkinsDown', exp_alerts: [] },
          { eval_time: '12m', alertname: 'JenkinsDown', exp_alerts: [alert('JenkinsDown', jenkinsTarget)] },
        ],
      },
      {
        name: 'JenkinsDown fires when the Jenkins target has vanished',
        interval: '1m',
        input_series: [series('up', prom, '1x10')],
        alert_rule_test: [{ eval_time: '6m', alertname: 'JenkinsDown', exp_alerts: [alert('JenkinsDown', { job: JOBS.jenkins })] }],
      },
    );
  }

  tests.push(...workloadTests(inputs.workloads, ksm, alert));
  tests.push(...eventBusRuleTests(config, alert));
  return { rule_files: [ruleFile], evaluation_interval: '1m', tests };
}

type Expected = PromtoolTestFile['tests'][number]['alert_rule_test'][number]['exp_alerts'][number];

/** The datastore alerts: series as the annotated-pods job labels a Redis exporter sidecar's. */
function datastoreTests(config: Config, alert: (name: string, labels: Labels) => Expected): PromtoolTestFile['tests'][number][] {
  const redis = (service: string, ip: string) => ({
    job: JOBS.annotatedPods,
    instance: `${ip}:9121`,
    namespace: config.namespaces.apps,
    pod: `${service}-redis-0`,
    node: 'node-1',
    service: `${service}-redis`,
    component: 'datastore',
  });
  const [news, webtoon, payment] = [redis('news', '10.0.0.7'), redis('webtoon', '10.0.0.8'), redis('payment', '10.0.0.9')];
  const pct = config.monitoring.prometheus.alerts.datastoreMemoryPercent;
  // maxmemory 1000 bytes; used halfway between the threshold and the limit, or at half the threshold.
  const over = String(Math.round(10 * (pct + (100 - pct) / 2)));
  const under = String(Math.round(10 * (pct / 2)));
  return [
    {
      name: 'DatastoreDown fires when Redis does not answer its exporter or the exporter cannot be scraped, not while both are up; TargetDown leaves it to this alert',
      interval: '1m',
      input_series: [
        series('up', news, '1x10'),
        series('redis_up', news, '1x1 0x10'),
        series('up', webtoon, '0x10'),
        series('up', payment, '1x10'),
        series('redis_up', payment, '1x10'),
      ],
      alert_rule_test: [
        { eval_time: '2m', alertname: 'DatastoreDown', exp_alerts: [] },
        { eval_time: '6m', alertname: 'DatastoreDown', exp_alerts: [alert('DatastoreDown', news), alert('DatastoreDown', webtoon)] },
        { eval_time: '6m', alertname: 'TargetDown', exp_alerts: [] },
      ],
    },
    {
      name: 'DatastoreMemoryNearLimit fires above the share of maxmemory, not below it nor without a maxmemory',
      interval: '1m',
      input_series: [
        series('redis_memory_used_bytes', news, `${over}x30`),
        series('redis_memory_max_bytes', news, '1000x30'),
        series('redis_memory_used_bytes', payment, `${under}x30`),
        series('redis_memory_max_bytes', payment, '1000x30'),
        series('redis_memory_used_bytes', webtoon, `${over}x30`),
        series('redis_memory_max_bytes', webtoon, '0x30'),
      ],
      alert_rule_test: [
        { eval_time: '10m', alertname: 'DatastoreMemoryNearLimit', exp_alerts: [] },
        { eval_time: '20m', alertname: 'DatastoreMemoryNearLimit', exp_alerts: [alert('DatastoreMemoryNearLimit', news)] },
      ],
    },
    {
      name: 'DatastoreEvictingKeys fires while keys keep being evicted, not for a datastore that stopped',
      interval: '1m',
      input_series: [series('redis_evicted_keys_total', news, '0+10x30'), series('redis_evicted_keys_total', payment, '0+10x3 30x27')],
      alert_rule_test: [
        { eval_time: '10m', alertname: 'DatastoreEvictingKeys', exp_alerts: [] },
        { eval_time: '20m', alertname: 'DatastoreEvictingKeys', exp_alerts: [alert('DatastoreEvictingKeys', news)] },
      ],
    },
    {
      name: 'DatastoreRejectingConnections fires once connections are rejected, not while none are',
      interval: '1m',
      input_series: [series('redis_rejected_connections_total', news, '0x10 1+1x20'), series('redis_rejected_connections_total', payment, '0x30')],
      alert_rule_test: [
        { eval_time: '10m', alertname: 'DatastoreRejectingConnections', exp_alerts: [] },
        { eval_time: '20m', alertname: 'DatastoreRejectingConnections', exp_alerts: [alert('DatastoreRejectingConnections', news)] },
      ],
    },
  ];
}

/** kube-state-metrics' series of one workload: desired replicas, and those ready (available for a Deployment). */
function workloadSeries(w: Workload, ksm: Labels, ready: 'none' | 'all'): { series: InputSeries[]; labels: Labels; alertname: string } {
  const desired = w.kind === 'DaemonSet' ? 3 : Math.max(1, w.replicas ?? 1);
  const up = ready === 'all' ? desired : 0;
  switch (w.kind) {
    case 'Deployment': {
      const labels = { ...ksm, namespace: w.namespace, deployment: w.name };
      return {
        alertname: 'KubeDeploymentReplicasMismatch',
        labels,
        // A pod that never starts: created from the current template (updated), never available.
        series: [series('kube_deployment_spec_replicas', labels, `${desired}x30`), series('kube_deployment_status_replicas_available', labels, `${up}x30`), series('kube_deployment_status_replicas_updated', labels, `${desired}x30`)],
      };
    }
    case 'StatefulSet': {
      const labels = { ...ksm, namespace: w.namespace, statefulset: w.name };
      return { alertname: 'KubeStatefulSetReplicasMismatch', labels, series: [series('kube_statefulset_replicas', labels, `${desired}x30`), series('kube_statefulset_status_replicas_ready', labels, `${up}x30`)] };
    }
    case 'DaemonSet': {
      const labels = { ...ksm, namespace: w.namespace, daemonset: w.name };
      return { alertname: 'KubeDaemonSetNotReady', labels, series: [series('kube_daemonset_status_desired_number_scheduled', labels, `${desired}x30`), series('kube_daemonset_status_number_ready', labels, `${up}x30`)] };
    }
  }
}

/** Every generated workload whose pods never become ready raises its kind's alert; ready ones do not. */
function workloadTests(workloads: readonly Workload[], ksm: Labels, alert: (name: string, labels: Labels) => Expected): PromtoolTestFile['tests'][number][] {
  const alertnames = ['KubeDeploymentReplicasMismatch', 'KubeStatefulSetReplicasMismatch', 'KubeDaemonSetNotReady'];
  const broken = workloads.map((w) => workloadSeries(w, ksm, 'none'));
  const healthy = workloads.map((w) => workloadSeries(w, ksm, 'all'));
  return [
    {
      name: `every generated workload (${workloads.length}) whose pods never become ready raises its kind's replica alert`,
      interval: '1m',
      input_series: broken.flatMap((b) => b.series),
      alert_rule_test: alertnames.flatMap((alertname) => [
        { eval_time: '10m', alertname, exp_alerts: [] },
        { eval_time: '20m', alertname, exp_alerts: broken.filter((b) => b.alertname === alertname).map((b) => alert(alertname, b.labels)) },
      ]),
    },
    {
      name: 'the replica alerts stay quiet for every generated workload once its pods are ready',
      interval: '1m',
      input_series: healthy.flatMap((h) => h.series),
      alert_rule_test: alertnames.map((alertname) => ({ eval_time: '20m', alertname, exp_alerts: [] })),
    },
  ];
}
