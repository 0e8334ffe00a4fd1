/** Scrape job names: alert rules and Grafana dashboards select series by these. */
export const JOBS = {
  prometheus: 'prometheus',
  alertmanager: 'alertmanager',
  annotatedPods: 'kubernetes-pods',
  kubelet: 'kubelet',
  cadvisor: 'cadvisor',
  nodeExporter: 'node-exporter',
  kubeStateMetrics: 'kube-state-metrics',
  jenkins: 'jenkins',
} as const;
