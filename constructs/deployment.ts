import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { Labels } from '../lib/labels';

export interface AppDeploymentProps {
  readonly name: string;
  /** Recommended labels of the Deployment and its pods. */
  readonly labels: Labels;
  /** The stable subset of `labels` the Deployment selects (never the version). */
  readonly selector: Labels;
  /** Unset: the field is left out (an HPA owns the count). */
  readonly replicas?: number;
  readonly strategy?: k8s.DeploymentStrategy;
  readonly podAnnotations?: Record<string, string>;
  /** The pod's own ServiceAccount (constructs/workload.ts ownServiceAccount). */
  readonly serviceAccountName: string;
  /** @default false: these programs do not talk to the Kubernetes API */
  readonly automountServiceAccountToken?: boolean;
  readonly securityContext: k8s.PodSecurityContext;
  /** @default 30 */
  readonly terminationGracePeriodSeconds?: number;
  /** Everything else of the pod: containers, volumes, spread constraints, ... */
  readonly pod: Omit<k8s.PodSpec, 'serviceAccountName' | 'automountServiceAccountToken' | 'securityContext' | 'terminationGracePeriodSeconds'>;
}

/**
 * A Deployment with the settings every workload here shares: selector on stable labels only, a short
 * revision history, its own ServiceAccount without a token unless asked, the pod security context.
 */
export function appDeployment(scope: Construct, id: string, props: AppDeploymentProps): k8s.KubeDeployment {
  return new k8s.KubeDeployment(scope, id, {
    metadata: { name: props.name, labels: props.labels },
    spec: {
      ...(props.replicas !== undefined ? { replicas: props.replicas } : {}),
      revisionHistoryLimit: 5,
      selector: { matchLabels: props.selector },
      ...(props.strategy ? { strategy: props.strategy } : {}),
      template: {
        metadata: { labels: props.labels, ...(props.podAnnotations ? { annotations: props.podAnnotations } : {}) },
        spec: {
          serviceAccountName: props.serviceAccountName,
          automountServiceAccountToken: props.automountServiceAccountToken ?? false,
          securityContext: props.securityContext,
          terminationGracePeriodSeconds: props.terminationGracePeriodSeconds ?? 30,
          ...props.pod,
        },
      },
    },
  });
}
