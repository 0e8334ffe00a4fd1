import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { Labels, recommendedLabels } from './labels';

/** Pods with these labels in the same namespace. */
export function podPeer(labels: Labels): k8s.NetworkPolicyPeer {
  return { podSelector: { matchLabels: labels } };
}

/** Pods with these labels in another namespace (selected by its immutable name label). */
export function namespacedPodPeer(namespace: string, labels: Labels): k8s.NetworkPolicyPeer {
  return {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
    podSelector: { matchLabels: labels },
  };
}

export function tcp(port: number): k8s.NetworkPolicyPort {
  return { protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) };
}

export interface ClusterDns {
  readonly namespace: string;
  readonly podLabels: Labels;
}

/** Egress to the cluster DNS only: default-deny egress would otherwise break every name lookup. */
export function dnsEgress(dns: ClusterDns): k8s.NetworkPolicyEgressRule {
  return {
    to: [namespacedPodPeer(dns.namespace, dns.podLabels)],
    ports: [
      { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
      { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
    ],
  };
}

export interface AllowPolicyProps {
  readonly name: string;
  readonly labels: Labels;
  /** The pods the policy applies to. */
  readonly podSelector: Labels;
  readonly ingress: k8s.NetworkPolicyIngressRule[];
  readonly egress: k8s.NetworkPolicyEgressRule[];
}

/**
 * A policy that names both directions, so the pods it selects accept and send only what it lists
 * (an empty list means nothing at all). An empty list is left out rather than written: the API
 * server drops it, so `ingress: []` would make every apply a change; `policyTypes` keeps the
 * direction denied.
 */
export class AllowPolicy extends Construct {
  constructor(scope: Construct, id: string, props: AllowPolicyProps) {
    super(scope, id);
    new k8s.KubeNetworkPolicy(this, 'policy', {
      metadata: { name: props.name, labels: props.labels },
      spec: {
        podSelector: { matchLabels: props.podSelector },
        policyTypes: ['Ingress', 'Egress'],
        ...(props.ingress.length > 0 ? { ingress: props.ingress } : {}),
        ...(props.egress.length > 0 ? { egress: props.egress } : {}),
      },
    });
  }
}

/** Deny every flow into and out of a namespace's pods unless another policy allows it. */
export class DefaultDenyPolicy extends Construct {
  constructor(scope: Construct, id: string, props: { namespace: string; partOf: string }) {
    super(scope, id);
    new k8s.KubeNetworkPolicy(this, 'policy', {
      metadata: {
        name: 'default-deny',
        labels: recommendedLabels({ name: 'default-deny', instance: `${props.namespace}-default-deny`, component: 'network-policy', partOf: props.partOf }),
      },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
  }
}
