import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import type { DefaultDenyModel, NetworkPeer, NetworkPolicyModel, NetworkPort, NetworkRule } from '../model/network';

function peer(p: NetworkPeer): k8s.NetworkPolicyPeer {
  switch (p.kind) {
    case 'pods':
      return { podSelector: { matchLabels: p.labels } };
    // Namespaces are selected by their immutable name label.
    case 'namespacedPods':
      return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': p.namespace } }, podSelector: { matchLabels: p.labels } };
    case 'namespace':
      return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': p.namespace } } };
  }
}

function port(p: NetworkPort): k8s.NetworkPolicyPort {
  return { protocol: p.protocol, port: k8s.IntOrString.fromNumber(p.port) };
}

/** No peers: the rule names ports only, so any address matches. */
function ingressRule(r: NetworkRule): k8s.NetworkPolicyIngressRule {
  return r.peers.length > 0 ? { from: r.peers.map(peer), ports: r.ports.map(port) } : { ports: r.ports.map(port) };
}

function egressRule(r: NetworkRule): k8s.NetworkPolicyEgressRule {
  return r.peers.length > 0 ? { to: r.peers.map(peer), ports: r.ports.map(port) } : { ports: r.ports.map(port) };
}

/** The chart's namespace is where the object lands: it must be the one the model placed the policy in. */
function checkNamespace(scope: Construct, namespace: string, name: string): void {
  const chart = Chart.of(scope).namespace;
  if (chart !== namespace) throw new Error(`NetworkPolicy ${name} belongs in namespace ${namespace}, but its chart writes to ${chart}`);
}

/**
 * A component's policy from the model (model/network.ts). It names both directions, so the pods it
 * selects accept and send only what it lists (an empty list means nothing at all). An empty list
 * is left out rather than written: the API server drops it, so `ingress: []` would make every
 * apply a change; `policyTypes` keeps the direction denied.
 */
export class NetworkPolicy extends Construct {
  constructor(scope: Construct, id: string, policy: NetworkPolicyModel) {
    super(scope, id);
    checkNamespace(this, policy.namespace, policy.name);
    new k8s.KubeNetworkPolicy(this, 'policy', {
      metadata: { name: policy.name, labels: { ...policy.labels } },
      spec: {
        podSelector: { matchLabels: policy.pods },
        policyTypes: ['Ingress', 'Egress'],
        ...(policy.ingress.length > 0 ? { ingress: policy.ingress.map(ingressRule) } : {}),
        ...(policy.egress.length > 0 ? { egress: policy.egress.map(egressRule) } : {}),
      },
    });
  }
}

/** Deny every flow into and out of a namespace's pods unless another policy allows it. */
export class DefaultDenyPolicy extends Construct {
  constructor(scope: Construct, id: string, policy: DefaultDenyModel) {
    super(scope, id);
    checkNamespace(this, policy.namespace, policy.name);
    new k8s.KubeNetworkPolicy(this, 'policy', {
      metadata: { name: policy.name, labels: { ...policy.labels } },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
  }
}
