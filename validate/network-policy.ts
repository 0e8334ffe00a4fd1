import { LabelSelector, matchesSelector } from './label-selector';
import type { K8sObject, Manifest } from './manifests';

/**
 * A NetworkPolicy evaluator: given the policies and namespaces of a manifest set, is a flow from
 * endpoint A to endpoint B on port P allowed? It follows the Kubernetes semantics:
 * - a pod is isolated for a direction when a policy of its namespace selects it and lists that
 *   direction in policyTypes (default: Ingress, plus Egress when the policy has egress rules);
 * - an isolated pod accepts/sends what the union of its policies' rules allows; both the egress
 *   side of A and the ingress side of B must allow the flow;
 * - peers: podSelector (policy namespace), namespaceSelector (namespace labels, including the
 *   automatic `kubernetes.io/metadata.name`), both (AND), ipBlock or an empty/missing list = anywhere;
 * - ports by number (with endPort ranges) or by name (resolved on the destination pod), protocol TCP by default;
 * - hostNetwork pods are outside NetworkPolicy: never isolated, reachable only by ipBlock/anywhere.
 */
export interface Endpoint {
  /** For messages: `Deployment container-infra/news`. */
  readonly name: string;
  /** Undefined for a client outside the cluster. */
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  readonly hostNetwork?: boolean;
  /** Declared container ports, to resolve named policy ports on the destination. */
  readonly ports: ReadonlyArray<{ readonly name?: string; readonly containerPort: number; readonly protocol: string }>;
}

/** A client outside the cluster (the internet, a node, a load balancer). */
export const EXTERNAL: Endpoint = { name: 'a client outside the cluster', labels: {}, ports: [] };

export interface RuleRef {
  readonly manifest: Manifest;
  /** `spec.ingress[1]` */
  readonly path: string;
}

export interface SideResult {
  readonly allowed: boolean;
  /** The side is not isolated by any policy (everything allowed). */
  readonly isolated: boolean;
  /** Policies that isolate the side (to point a fix at). */
  readonly policies: Manifest[];
  /** The rule that allowed the flow, when one did. */
  readonly rule?: RuleRef;
}

export interface FlowResult {
  readonly allowed: boolean;
  readonly egress: SideResult;
  readonly ingress: SideResult;
}

export class NetworkPolicyModel {
  private readonly policies: Manifest[];
  private readonly namespaceLabels = new Map<string, Record<string, string>>();

  constructor(manifests: readonly Manifest[]) {
    this.policies = manifests.filter((m) => m.object.kind === 'NetworkPolicy');
    for (const m of manifests.filter((x) => x.object.kind === 'Namespace')) this.namespaceLabels.set(m.object.metadata.name, m.object.metadata.labels ?? {});
  }

  labelsOfNamespace(ns: string): Record<string, string> {
    // The API server sets this label on every namespace (Kubernetes 1.21+), whatever the manifest says.
    return { ...(this.namespaceLabels.get(ns) ?? {}), 'kubernetes.io/metadata.name': ns };
  }

  flow(from: Endpoint, to: Endpoint, port: number, protocol = 'TCP'): FlowResult {
    const egress = this.side(from, 'Egress', to, port, protocol);
    const ingress = this.side(to, 'Ingress', from, port, protocol);
    return { allowed: egress.allowed && ingress.allowed, egress, ingress };
  }

  private selecting(pod: Endpoint, direction: 'Ingress' | 'Egress'): Manifest[] {
    if (pod.namespace === undefined || pod.hostNetwork) return [];
    return this.policies.filter((m) => {
      const p = m.object;
      if ((p.metadata.namespace ?? 'default') !== pod.namespace) return false;
      if (!matchesSelector(p.spec?.podSelector ?? {}, pod.labels)) return false;
      return policyTypes(p).includes(direction);
    });
  }

  private side(pod: Endpoint, direction: 'Ingress' | 'Egress', peer: Endpoint, port: number, protocol: string): SideResult {
    const policies = this.selecting(pod, direction);
    if (policies.length === 0) return { allowed: true, isolated: false, policies };
    // Named ports always name a port of the destination: the policy's pod for ingress, the peer for egress.
    const destination = direction === 'Ingress' ? pod : peer;
    const key = direction === 'Ingress' ? 'ingress' : 'egress';
    const peersKey = direction === 'Ingress' ? 'from' : 'to';
    for (const m of policies) {
      const rules = (m.object.spec?.[key] ?? []) as any[];
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i];
        const peers = (rule[peersKey] ?? []) as any[];
        const peerOk = peers.length === 0 || peers.some((x) => this.peerMatches(x, m.object, peer));
        const ports = (rule.ports ?? []) as any[];
        const portOk = ports.length === 0 || ports.some((x) => portMatches(x, destination, port, protocol));
        if (peerOk && portOk) return { allowed: true, isolated: true, policies, rule: { manifest: m, path: `spec.${key}[${i}]` } };
      }
    }
    return { allowed: false, isolated: true, policies };
  }

  private peerMatches(peer: any, policy: K8sObject, ep: Endpoint): boolean {
    if (peer.ipBlock) return true;
    // Selector peers select pods on the pod network: never external clients or host-network pods.
    if (ep.namespace === undefined || ep.hostNetwork) return false;
    const policyNs = policy.metadata.namespace ?? 'default';
    const nsOk = peer.namespaceSelector ? matchesSelector(peer.namespaceSelector as LabelSelector, this.labelsOfNamespace(ep.namespace)) : ep.namespace === policyNs;
    const podOk = peer.podSelector ? matchesSelector(peer.podSelector as LabelSelector, ep.labels) : true;
    return nsOk && podOk;
  }
}

export function policyTypes(p: K8sObject): string[] {
  if (Array.isArray(p.spec?.policyTypes) && p.spec.policyTypes.length > 0) return p.spec.policyTypes;
  return ['Ingress', ...(p.spec?.egress !== undefined ? ['Egress'] : [])];
}

function portMatches(rulePort: any, destination: Endpoint, port: number, protocol: string): boolean {
  if ((rulePort.protocol ?? 'TCP') !== protocol) return false;
  const p = rulePort.port;
  if (p === undefined) return true;
  if (typeof p === 'number') return rulePort.endPort !== undefined ? port >= p && port <= rulePort.endPort : port === p;
  return destination.ports.some((d) => d.name === p && d.containerPort === port && d.protocol === protocol);
}
