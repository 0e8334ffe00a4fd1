/**
 * The reviewed record of every Jenkins metric name the dashboards and alerts use: which collector
 * exposes it, at which version, and where in the source the name is built. The prometheus plugin
 * names its own collectors `<defaultNamespace>_jenkins_<base>_<name>` (namespace "default" in the
 * generated JCasC); the metrics plugin's Dropwizard registry is exported with dots and dashes turned
 * into underscores (a Gauge set adds `_value`, a Meter `_total`). test/jenkins-casc-keys.test.ts fails
 * when a dashboard or alert uses a Jenkins metric that is not recorded here. Re-check on every
 * version change of the prometheus plugin (docs/jenkins.md).
 */

export type JenkinsCollector = 'prometheus-plugin' | 'metrics-plugin';

export interface JenkinsMetric {
  readonly collector: JenkinsCollector;
  /** Source location at the recorded version, and what it defines. */
  readonly source: string;
  /** Prometheus type as exposed, and what it means for queries. */
  readonly type: string;
}

/**
 * prometheus 852.v317db_5d17a_b_0 (jenkinsci/prometheus-plugin at that tag). The metrics plugin has
 * no tags for its current releases; the version Jenkins gets is the minimum the prometheus plugin
 * declares, managed by bom-2.479.x 4969.v6ffa_18d90c9f (prometheus pom.xml:75-76). Its names were
 * read at jenkinsci/metrics-plugin commit 1ec4ef0e (2025-11-07); they have not changed since 4.x.
 */
export const JENKINS_METRICS_VERSIONS = {
  'prometheus-plugin': 'prometheus:852.v317db_5d17a_b_0',
  'metrics-plugin': 'metrics (minimum declared by prometheus 852, bom-2.479.x 4969.v6ffa_18d90c9f); source read at jenkinsci/metrics-plugin@1ec4ef0e',
} as const;

const PROM = 'src/main/java/org/jenkinsci/plugins/prometheus';
const METRICS = 'src/main/java/jenkins/metrics';
const NAMING = `name = namespace_subsystem_[base_][prefix_]name: ${PROM}/collectors/BaseCollectorFactory.java:18, BaseMetricCollector.java:64; subsystem "jenkins": ${PROM}/util/ConfigurationUtils.java`;

export const JENKINS_METRICS: Readonly<Record<string, JenkinsMetric>> = {
  default_jenkins_up: {
    collector: 'prometheus-plugin',
    source: `${PROM}/collectors/CollectorType.java:5 JENKINS_UP_GAUGE("up"); ${NAMING}`,
    type: 'gauge',
  },
  default_jenkins_builds_duration_milliseconds_summary_sum: {
    collector: 'prometheus-plugin',
    source: `${PROM}/collectors/CollectorType.java:13 BUILD_DURATION_SUMMARY; base "builds" ${PROM}/collectors/builds/BuildsMetricCollector.java:17; built in ${PROM}/JobCollector.java:104`,
    type: 'summary _sum, rebuilt from the kept builds at every collection: not a counter, never rate() it',
  },
  default_jenkins_builds_duration_milliseconds_summary_count: {
    collector: 'prometheus-plugin',
    source: `${PROM}/collectors/CollectorType.java:13 BUILD_DURATION_SUMMARY; base "builds" ${PROM}/collectors/builds/BuildsMetricCollector.java:17; built in ${PROM}/JobCollector.java:104`,
    type: 'summary _count, rebuilt from the kept builds at every collection: not a counter, never rate() it',
  },
  default_jenkins_builds_last_build_duration_milliseconds: {
    collector: 'prometheus-plugin',
    source: `${PROM}/collectors/CollectorType.java:10 BUILD_DURATION_GAUGE; prefix "last" ${PROM}/JobCollector.java:29; set to Run.getDuration() ${PROM}/collectors/builds/BuildDurationGauge.java:32`,
    type: 'gauge',
  },
  jenkins_executor_count_value: { collector: 'metrics-plugin', source: `${METRICS}/impl/JenkinsMetricProviderImpl.java:374 jenkins.executor.count (gauge set: .value)`, type: 'gauge' },
  jenkins_executor_in_use_value: { collector: 'metrics-plugin', source: `${METRICS}/impl/JenkinsMetricProviderImpl.java:381 jenkins.executor.in-use (gauge set: .value)`, type: 'gauge' },
  jenkins_executor_free_value: { collector: 'metrics-plugin', source: `${METRICS}/impl/JenkinsMetricProviderImpl.java:388 jenkins.executor.free (gauge set: .value)`, type: 'gauge' },
  jenkins_queue_size_value: { collector: 'metrics-plugin', source: `${METRICS}/impl/JenkinsMetricProviderImpl.java:318 jenkins.queue.size (gauge set: .value)`, type: 'gauge' },
  jenkins_node_online_value: { collector: 'metrics-plugin', source: `${METRICS}/impl/JenkinsMetricProviderImpl.java:360 jenkins.node.online (gauge set: .value)`, type: 'gauge' },
  jenkins_health_check_score: { collector: 'metrics-plugin', source: `${METRICS}/api/Metrics.java:367 jenkins.health-check.score`, type: 'gauge (0..1)' },
  jenkins_runs_success_total: { collector: 'metrics-plugin', source: `${METRICS}/impl/JenkinsMetricProviderImpl.java:490,720 jenkins.runs.success (meter: _total)`, type: 'counter' },
  jenkins_runs_failure_total: { collector: 'metrics-plugin', source: `${METRICS}/impl/JenkinsMetricProviderImpl.java:490,720 jenkins.runs.failure (meter: _total)`, type: 'counter' },
  jenkins_runs_unstable_total: { collector: 'metrics-plugin', source: `${METRICS}/impl/JenkinsMetricProviderImpl.java:490,720 jenkins.runs.unstable (meter: _total)`, type: 'counter' },
  jenkins_runs_aborted_total: { collector: 'metrics-plugin', source: `${METRICS}/impl/JenkinsMetricProviderImpl.java:490,720 jenkins.runs.aborted (meter: _total)`, type: 'counter' },
  vm_memory_heap_usage: { collector: 'metrics-plugin', source: `${METRICS}/impl/VMMetricProviderImpl.java:86,126 vm.memory + Dropwizard MemoryUsageGaugeSet "heap.usage"`, type: 'gauge (0..1)' },
};

/** Whether a metric name belongs to Jenkins (its prometheus plugin or the metrics plugin it exports). */
export function isJenkinsMetric(name: string): boolean {
  return /^(default_jenkins_|jenkins_|vm_)/.test(name);
}
