import * as units from '@grafana/grafana-foundation-sdk/units';
import type { Config } from '../../config/schema';
import { buildDashboard, graph, single } from './panels';
import type { GrafanaDashboard } from './dashboard';

/** (d) Jenkins: controller health, executors and queue, build outcomes (prometheus plugin). */
export function jenkinsDashboard(config: Config): GrafanaDashboard {
  const outcomes = ['success', 'failure', 'unstable', 'aborted'];
  return {
    uid: 'container-infra-jenkins',
    model: buildDashboard({
      uid: 'container-infra-jenkins',
      title: 'Jenkins',
      description: 'Is the Jenkins controller healthy, do builds wait for executors, and how do they end (Jenkins prometheus plugin).',
      tags: [config.partOf, 'jenkins', 'ci'],
      sections: [
        {
          title: 'Controller',
          panels: [
            single('Jenkins up', 'Whether Jenkins is ready to receive requests (1 = up).', units.Short, [{ expr: 'max(default_jenkins_up)', legend: 'up' }]),
            single('Health checks passing', "Share of the metrics plugin's health checks that pass.", units.PercentUnit, [
              { expr: 'min(jenkins_health_check_score)', legend: 'score' },
            ], { min: 0, max: 1 }),
            single('Nodes online', 'Build nodes (controller and agents) online.', units.Short, [{ expr: 'sum(jenkins_node_online_value)', legend: 'online' }]),
            single('JVM heap used', 'Share of the maximum heap in use; near 1 the controller stalls in garbage collection.', units.PercentUnit, [
              { expr: 'max(vm_memory_heap_usage)', legend: 'heap' },
            ], { min: 0, max: 1 }),
          ],
        },
        {
          title: 'Executors and queue',
          panels: [
            graph('Executors', 'Executors defined and in use; all busy while the queue grows means too few agents.', units.Short, [
              { expr: 'sum(jenkins_executor_count_value)', legend: 'total' },
              { expr: 'sum(jenkins_executor_in_use_value)', legend: 'in use' },
              { expr: 'sum(jenkins_executor_free_value)', legend: 'free' },
            ]),
            graph('Build queue', 'Builds waiting to start.', units.Short, [{ expr: 'sum(jenkins_queue_size_value)', legend: 'queued' }]),
          ],
        },
        {
          title: 'Builds',
          panels: [
            graph('Builds finished per hour', 'Completed builds by result, over the preceding hour.', units.Short,
              outcomes.map((o) => ({ expr: `sum(increase(jenkins_runs_${o}_total[1h]))`, legend: o })), { stacked: true }),
            // The plugin rebuilds this summary from the builds Jenkins keeps at every collection, so
            // _sum and _count are not counters (they drop when old builds are discarded): rate() over
            // them is ~0, and NaN once numToKeep builds exist. Their ratio is the mean of the kept builds.
            graph('Mean build duration per job', 'Average duration of the builds Jenkins keeps for each job (the last 30), and the duration of the last build.', units.Milliseconds, [
              {
                expr: 'max by (jenkins_job) (default_jenkins_builds_duration_milliseconds_summary_sum / default_jenkins_builds_duration_milliseconds_summary_count)',
                legend: '{{jenkins_job}} mean of kept builds',
              },
              {
                expr: 'max by (jenkins_job) (default_jenkins_builds_last_build_duration_milliseconds)',
                legend: '{{jenkins_job}} last build',
              },
            ]),
          ],
        },
      ],
    }),
  };
}
