import type { Config } from '../config/schema';

export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

export interface NamespaceSpec {
  /** The `namespaces.*` key that chose the name. */
  readonly key: keyof Config['namespaces'];
  readonly name: string;
  readonly level: PodSecurityLevel;
  /** Why this level, shown as an annotation to whoever inspects the namespace. */
  readonly reason: string;
}

/** The namespaces the enabled components need, each with the strictest level its pods allow. */
export function namespaceSpecs(config: Config): NamespaceSpec[] {
  const ns = config.namespaces;
  return [
    { key: 'apps', name: ns.apps, level: 'restricted', reason: 'microservices, datastores and gateway run as non-root with no host access' },
    ...(config.jenkins.enabled
      ? [{ key: 'ci' as const, name: ns.ci, level: 'restricted' as const, reason: 'Jenkins controller and agent pods run as non-root with no host access' }]
      : []),
    ...(config.monitoring.enabled
      ? [
          { key: 'monitoring' as const, name: ns.monitoring, level: 'restricted' as const, reason: 'Prometheus, Alertmanager, kube-state-metrics and Grafana need no host access' },
          {
            key: 'nodeMonitoring' as const,
            name: ns.nodeMonitoring,
            level: 'privileged' as const,
            reason: 'node-exporter alone: it reads the host through hostNetwork, hostPID and hostPath, which only privileged allows',
          },
        ]
      : []),
  ];
}
