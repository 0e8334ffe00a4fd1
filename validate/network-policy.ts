import { LabelSelector, matchesSelector } from './label-selector';
import type { K8sObject, Manifest } from './manifests';
import type { LabelIndex } from './selector-index';

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

/**
 * The policies of one namespace, each filed under the one `key=value` of its podSelector's
 * matchLabels that the fewest of them share (a pod must carry it to be selected), or under
 * `anyPod` when it has no matchLabels: finding the policies that select a pod then looks at a
 * handful of candidates instead of every policy of the namespace.
 */
interface NamespacePolicies {
  readonly anyPod: number[];
  readonly byPair: Map<string, number[]>;
}

const pairKey = (k: string, v: string): string => `${k}\u0000${v}`;

export class NetworkPolicyModel {
  private readonly policies: Manifest[];
  private readonly namespaceLabels = new Map<string, Record<string, string>>();
  private readonly byNamespace = new Map<string, NamespacePolicies>();
  private readonly selectingCache = new Map<string, Manifest[]>();

  constructor(manifests: readonly Manifest[]) {
    this.policies = manifests.filter((m) => m.object.kind === 'NetworkPolicy');
    for (const m of manifests.filter((x) => x.object.kind === 'Namespace')) this.namespaceLabels.set(m.object.metadata.name, m.object.metadata.labels ?? {});
    const inNamespace = new Map<string, number[]>();
    this.policies.forEach((m, i) => {
      const ns = m.object.metadata.namespace ?? 'default';
      inNamespace.set(ns, [...(inNamespace.get(ns) ?? []), i]);
    });
    for (const [ns, indices] of inNamespace) {
      const count = new Map<string, number>();
      const pairsOf = (i: number) => Object.entries((this.policies[i].object.spec?.podSelector?.matchLabels ?? {}) as Record<string, string>).map(([k, v]) => pairKey(k, v));
      for (const i of indices) for (const p of pairsOf(i)) count.set(p, (count.get(p) ?? 0) + 1);
      const entry: NamespacePolicies = { anyPod: [], byPair: new Map() };
      for (const i of indices) {
        const pairs = pairsOf(i);
        if (pairs.length === 0) {
          entry.anyPod.push(i);
          continue;
        }
        const rarest = pairs.reduce((a, b) => (count.get(b)! < count.get(a)! ? b : a));
        entry.byPair.set(rarest, [...(entry.byPair.get(rarest) ?? []), i]);
      }
      this.byNamespace.set(ns, entry);
    }
  }

  /** Namespaces the manifests create or put policies in. */
  knownNamespaces(): string[] {
    return [...new Set([...this.namespaceLabels.keys(), ...this.byNamespace.keys()])];
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

  /** The policies of the pod's namespace that select it for `direction`, in manifest order. */
  private selecting(pod: Endpoint, direction: 'Ingress' | 'Egress'): Manifest[] {
    if (pod.namespace === undefined || pod.hostNetwork) return [];
    const key = `${direction}\u0000${pod.namespace}\u0000${JSON.stringify(Object.entries(pod.labels).sort())}`;
    const cached = this.selectingCache.get(key);
    if (cached) return cached;
    const ns = this.byNamespace.get(pod.namespace);
    const candidates = ns ? [...ns.anyPod, ...Object.entries(pod.labels).flatMap(([k, v]) => ns.byPair.get(pairKey(k, v)) ?? [])] : [];
    const result = [...new Set(candidates)]
      .sort((a, b) => a - b)
      .map((i) => this.policies[i])
      .filter((m) => matchesSelector(m.object.spec?.podSelector ?? {}, pod.labels) && policyTypes(m.object).includes(direction));
    this.selectingCache.set(key, result);
    return result;
  }

  /**
   * The pods of `pods` that the ingress of `to` could let in on port/protocol: a superset of the
   * clients model.flow() allows (their egress is not looked at), found through the selectors of
   * the ingress rules. Undefined when `to` accepts anyone there (not isolated, an ipBlock or an
   * empty peer list): then every pod is a candidate.
   */
  ingressCandidates<T>(to: Endpoint, port: number, protocol: string, pods: LabelIndex<T>): Set<T> | undefined {
    const policies = this.selecting(to, 'Ingress');
    if (policies.length === 0) return undefined;
    const out = new Set<T>();
    for (const m of policies) {
      const policyNs = m.object.metadata.namespace ?? 'default';
      for (const rule of (m.object.spec?.ingress ?? []) as any[]) {
        const ports = (rule.ports ?? []) as any[];
        if (ports.length > 0 && !ports.some((x) => portMatches(x, to, port, protocol))) continue;
        const peers = (rule.from ?? []) as any[];
        if (peers.length === 0 || peers.some((x) => x.ipBlock)) return undefined;
        for (const peer of peers) {
          const namespaces = peer.namespaceSelector
            ? [...new Set([...pods.namespaces(), ...this.knownNamespaces()])].filter((ns) => matchesSelector(peer.namespaceSelector as LabelSelector, this.labelsOfNamespace(ns)))
            : [policyNs];
          for (const ns of namespaces) for (const p of pods.select(ns, (peer.podSelector as LabelSelector | undefined) ?? {})) out.add(p);
        }
      }
    }
    return out;
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
