import type { Labels } from '../lib/labels';

/*
 * The network flows between components, as data: for each component's pods the NetworkPolicy that
 * lists what they accept and reach (model/network-policies.ts builds them, constructs/network.ts
 * renders them), and the flat list of flows those policies exist for. Every namespace we create
 * also gets a default-deny policy, so a flow not listed here does not happen.
 */

export type Protocol = 'TCP' | 'UDP';

export interface NetworkPort {
  readonly protocol: Protocol;
  readonly port: number;
}

/** Who a rule admits or reaches, in the form the NetworkPolicy names it. */
export type NetworkPeer =
  /** Pods with these labels in the policy's own namespace. */
  | { readonly kind: 'pods'; readonly labels: Labels }
  /** Pods with these labels in the named namespace (selected by its immutable name label). */
  | { readonly kind: 'namespacedPods'; readonly namespace: string; readonly labels: Labels }
  /** Every pod of the named namespace. */
  | { readonly kind: 'namespace'; readonly namespace: string };

/** One flow a rule is there for: the endpoint at the other end and the port on the receiving side. */
export interface RuleFlow {
  /** An endpoint id (`NetworkModel.endpoints`). */
  readonly endpoint: string;
  readonly protocol: Protocol;
  readonly port: number;
}

/** One ingress or egress rule: any of the peers, on any of the ports. */
export interface NetworkRule {
  /** Empty: any address (the rule names ports only). */
  readonly peers: readonly NetworkPeer[];
  readonly ports: readonly NetworkPort[];
  /** The flows it allows on purpose; peers × ports may allow more (a namespace or any address). */
  readonly serves: readonly RuleFlow[];
}

/** The policy of one component's pods: they accept and send only what its rules list. */
export interface NetworkPolicyModel {
  /** The endpoint (component) whose pods it selects. */
  readonly endpoint: string;
  readonly name: string;
  readonly namespace: string;
  /** The policy object's own labels (the component's recommended labels). */
  readonly labels: Labels;
  /** The pods it applies to. */
  readonly pods: Labels;
  /** In the order the rules are written (the output depends on it). */
  readonly ingress: readonly NetworkRule[];
  readonly egress: readonly NetworkRule[];
}

/** Denies every flow into and out of a namespace's pods unless a component's policy allows it. */
export interface DefaultDenyModel {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
}

/** One end of a flow: pods (ours, or the cluster DNS), or something outside the pod network. */
export type NetworkEndpoint =
  | {
      readonly id: string;
      readonly kind: 'pods';
      readonly namespace: string;
      /** Selector labels of its pods. */
      readonly pods: Labels;
      /** On the node's network (node-exporter): reached at the node's address, so no selector names it. */
      readonly hostNetwork: boolean;
    }
  | { readonly id: string; readonly kind: 'outside'; readonly description: string };

/** A connection from one endpoint to another on a port (the receiver's). */
export interface NetworkFlow {
  readonly from: string;
  readonly to: string;
  readonly protocol: Protocol;
  readonly port: number;
}

export interface NetworkModel {
  /** Every endpoint a policy selects or a flow names. */
  readonly endpoints: readonly NetworkEndpoint[];
  /** One per namespace the environment creates. */
  readonly defaultDeny: readonly DefaultDenyModel[];
  readonly policies: readonly NetworkPolicyModel[];
  /** Every flow a policy allows on purpose, once (a flow is usually listed by both of its ends), in policy order. */
  readonly flows: readonly NetworkFlow[];
}

/** The name of every namespace's deny-all policy. */
export const DEFAULT_DENY = 'default-deny';

/** Endpoint ids of the components and of what lies outside the pod network. */
export const ENDPOINT = {
  gateway: 'gateway',
  auth: 'auth',
  events: 'events',
  eventsStreamsJob: 'events.streams',
  eventsSmokeJob: 'events.smoke',
  prometheus: 'prometheus',
  alertmanager: 'alertmanager',
  grafana: 'grafana',
  kubeStateMetrics: 'kubeStateMetrics',
  nodeExporter: 'nodeExporter',
  jenkins: 'jenkins',
  jenkinsAgent: 'jenkins.agent',
  /** The cluster DNS pods (`cluster.dns`). */
  dns: 'dns',
  /** The Kubernetes API server: a node or cloud address behind the `kubernetes` Service. */
  apiServer: 'apiServer',
  /** Every node's kubelet. */
  kubelet: 'kubelet',
  /** HTTPS servers outside the cluster: plugin downloads, Git, package registries. */
  internet: 'internet',
  /** Alertmanager's receiver (Slack, a webhook). */
  alertReceiver: 'alertReceiver',
  /** Any client: users, Ingress controllers, load balancers. */
  anyone: 'anyone',
} as const;

/** `services.<name>` */
export function serviceEndpoint(service: string): string {
  return `services.${service}`;
}

/** `services.<name>.datastore` */
export function datastoreEndpoint(service: string): string {
  return `${serviceEndpoint(service)}.datastore`;
}

/** The policy of an endpoint's pods; throws when the model has none (a chart for a component that is off). */
export function policyOf(network: NetworkModel, endpoint: string): NetworkPolicyModel {
  const policy = network.policies.find((p) => p.endpoint === endpoint);
  if (!policy) throw new Error(`the model has no NetworkPolicy for endpoint "${endpoint}"`);
  return policy;
}

/** The default-deny policy of a namespace the environment creates. */
export function defaultDenyOf(network: NetworkModel, namespace: string): DefaultDenyModel {
  const policy = network.defaultDeny.find((p) => p.namespace === namespace);
  if (!policy) throw new Error(`the model has no default-deny NetworkPolicy for namespace "${namespace}"`);
  return policy;
}

/** The flows the policies' rules serve, each once: a flow is usually listed by both of its ends. */
export function flowsOf(policies: readonly NetworkPolicyModel[]): NetworkFlow[] {
  const flows = new Map<string, NetworkFlow>();
  const add = (flow: NetworkFlow) => {
    const key = `${flow.from}\u0000${flow.to}\u0000${flow.protocol}\u0000${flow.port}`;
    if (!flows.has(key)) flows.set(key, flow);
  };
  for (const p of policies) {
    for (const r of p.egress) for (const f of r.serves) add({ from: p.endpoint, to: f.endpoint, protocol: f.protocol, port: f.port });
    for (const r of p.ingress) for (const f of r.serves) add({ from: f.endpoint, to: p.endpoint, protocol: f.protocol, port: f.port });
  }
  return [...flows.values()];
}
