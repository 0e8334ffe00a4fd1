import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { EnvironmentModel } from '../model/environment';
import type { PodSecurityLevel } from '../model/namespaces';
import * as k8s from '../imports/k8s';
import { MANAGED_BY } from '../lib/labels';

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

/** First chart: every namespace, so `kubectl apply -f dist` creates them before anything inside. */
export class NamespacesChart extends Chart {
  constructor(scope: Construct, id: string, props: { model: EnvironmentModel }) {
    super(scope, id, { disableResourceNameHashes: true });
    for (const spec of props.model.namespaces) {
      new k8s.KubeNamespace(this, spec.name, {
        metadata: {
          name: spec.name,
          labels: {
            'app.kubernetes.io/name': spec.name,
            'app.kubernetes.io/instance': spec.name,
            'app.kubernetes.io/component': 'namespace',
            'app.kubernetes.io/part-of': props.model.config.partOf,
            'app.kubernetes.io/managed-by': MANAGED_BY,
            ...podSecurityLabels(spec.level),
          },
          annotations: { 'container-infra/pod-security-reason': spec.reason },
        },
      });
    }
  }
}
