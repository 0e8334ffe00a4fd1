import * as units from '@grafana/grafana-foundation-sdk/units';
import type { Config } from '../../config/schema';
import { NODE_STORAGE_FSTYPE_MATCHER as REAL_FS } from '../filesystems';
import { buildDashboard, graph, single } from './panels';
import type { GrafanaDashboard } from './dashboard';

/** Physical and bridge interfaces, not the per-pod virtual ones. */
const REAL_NICS = 'device!~"lo|veth.*|cali.*|cni.*|flannel.*|vxlan.*|cilium.*|lxc.*|tunl.*|docker.*"';

/** (a) Nodes and cluster: node-exporter per node, kube-state-metrics for the cluster totals. */
export function nodesDashboard(config: Config): GrafanaDashboard {
  const idleShare = 'avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[$__rate_interval]))';
  return {
    uid: 'container-infra-nodes',
    model: buildDashboard({
      uid: 'container-infra-nodes',
      title: 'Nodes and cluster',
      description: 'Capacity and saturation of every node (node-exporter) and the state of the cluster (kube-state-metrics).',
      tags: [config.partOf, 'nodes', 'node-exporter'],
      sections: [
        {
          title: 'Cluster',
          panels: [
            single('Nodes ready', 'Nodes whose Ready condition is true, out of all nodes.', units.Short, [
              { expr: 'sum(kube_node_status_condition{condition="Ready", status="true"})', legend: 'ready' },
              { expr: 'count(kube_node_info)', legend: 'nodes' },
            ]),
            single('Pods running', 'Pods in phase Running, in every namespace.', units.Short, [{ expr: 'sum(kube_pod_status_phase{phase="Running"})', legend: 'running' }]),
            single('CPU used', 'Share of all node CPU time not idle.', units.PercentUnit, [{ expr: '1 - avg(rate(node_cpu_seconds_total{mode="idle"}[$__rate_interval]))', legend: 'cpu' }], { min: 0, max: 1 }),
            single('Memory used', 'Share of all node memory not available to new processes.', units.PercentUnit, [
              { expr: '1 - sum(node_memory_MemAvailable_bytes) / sum(node_memory_MemTotal_bytes)', legend: 'memory' },
            ], { min: 0, max: 1 }),
          ],
        },
        {
          title: 'Nodes',
          panels: [
            graph('CPU used per node', 'Share of CPU time not idle, averaged over the cores of each node.', units.PercentUnit, [{ expr: `1 - ${idleShare}`, legend: '{{instance}}' }], { min: 0, max: 1 }),
            graph('CPU by mode', 'Where CPU time goes (user, system, iowait, steal …), all nodes, in cores.', units.Short, [
              { expr: 'sum by (mode) (rate(node_cpu_seconds_total{mode!="idle"}[$__rate_interval]))', legend: '{{mode}}' },
            ], { stacked: true }),
            graph('Memory used per node', 'Share of memory not available (MemAvailable accounts for reclaimable caches).', units.PercentUnit, [
              { expr: '1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes', legend: '{{instance}}' },
            ], { min: 0, max: 1 }),
            graph('Load average', 'Runnable and uninterruptible tasks; above the core count means CPU saturation.', units.Short, [
              { expr: 'node_load1', legend: '{{instance}} 1m' },
              { expr: 'node_load5', legend: '{{instance}} 5m' },
              { expr: 'node_load15', legend: '{{instance}} 15m' },
            ]),
            graph('Filesystem used', 'Share of each real filesystem in use; the alert fires before it fills.', units.PercentUnit, [
              { expr: `1 - node_filesystem_avail_bytes{${REAL_FS}} / node_filesystem_size_bytes{${REAL_FS}}`, legend: '{{instance}} {{mountpoint}}' },
            ], { min: 0, max: 1 }),
            graph('Network traffic', 'Bytes per second received (+) and sent (−) on physical interfaces.', units.BytesPerSecondSI, [
              { expr: `sum by (instance) (rate(node_network_receive_bytes_total{${REAL_NICS}}[$__rate_interval]))`, legend: '{{instance}} received' },
              { expr: `-sum by (instance) (rate(node_network_transmit_bytes_total{${REAL_NICS}}[$__rate_interval]))`, legend: '{{instance}} sent' },
            ]),
          ],
        },
      ],
    }),
  };
}
