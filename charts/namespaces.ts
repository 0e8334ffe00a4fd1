import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { Config } from '../config/schema';
import * as k8s from '../imports/k8s';
import { MANAGED_BY } from '../lib/labels';

export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/** Pod Security Admission labels: enforce, and warn/audit at the same level so nothing is silent. */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const mode of ['enforce', 'audit', 'warn']) {
    labels[`pod-security.kubernetes.io/${mode}`] = level;
    // Pinned policy version: a cluster upgrade cannot tighten or loosen the rules under us.
    labels[`pod-security.kubernetes.io/${mode}-version`] = 'v1.27';
  }
  return labels;
}

export interface NamespaceSpec {
  readonly name: string;
  readonly level: PodSecurityLevel;
  /** Why this level, shown as an annotation to whoever inspects the namespace. */
  readonly reason: string;
}

/** The namespaces the enabled components need, each with the strictest level its pods allow. */
export function namespaceSpecs(config: Config): NamespaceSpec[] {
  const ns = config.namespaces;
  return [
    { name: ns.apps, level: 'restricted', reason: 'microservices, datastores and gateway run as non-root with no host access' },
    ...(config.jenkins.enabled
      ? [{ name: ns.ci, level: 'restricted' as const, reason: 'Jenkins controller and agent pods run as non-root with no host access' }]
      : []),
    ...(config.monitoring.enabled
      ? [
          { name: ns.monitoring, level: 'restricted' as const, reason: 'Prometheus, Alertmanager, kube-state-metrics and Grafana need no host access' },
          {
            name: ns.nodeMonitoring,
            level: 'privileged' as const,
            reason: 'node-exporter alone: it reads the host through hostNetwork, hostPID and hostPath, which only privileged allows',
          },
        ]
      : []),
  ];
}

/** First chart: every namespace, so `kubectl apply -f dist` creates them before anything inside. */
export class NamespacesChart extends Chart {
  constructor(scope: Construct, id: string, props: { config: Config }) {
    super(scope, id, { disableResourceNameHashes: true });
    for (const spec of namespaceSpecs(props.config)) {
      new k8s.KubeNamespace(this, spec.name, {
        metadata: {
          name: spec.name,
          labels: {
            'app.kubernetes.io/name': spec.name,
            'app.kubernetes.io/instance': spec.name,
            'app.kubernetes.io/component': 'namespace',
            'app.kubernetes.io/part-of': props.config.partOf,
            'app.kubernetes.io/managed-by': MANAGED_BY,
            ...podSecurityLabels(spec.level),
          },
          annotations: { 'container-infra/pod-security-reason': spec.reason },
        },
      });
    }
  }
}
