import type { NetworkModel } from '../../model/network';
import { parse } from 'yaml';
import type { K8sObject } from './manifests';

/*
 * The synthesized NetworkPolicies, read from the YAML with the Kubernetes semantics written out
 * here, compared with the model's flows both ways. Nothing here reads the model's rules: only its
 * endpoints (where each component's pods are) and its flows.
 */

type Labels = Record<string, string>;

/** A pod endpoint as the objects show it: the labels of the workload's pod template. */
interface Pods {
  readonly namespace: string;
  readonly labels: Labels;
  readonly hostNetwork: boolean;
}

const WORKLOADS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'];

const subset = (want: Labels | undefined, have: Labels): boolean => Object.entries(want ?? {}).every(([k, v]) => have[k] === v);

/**
 * Pod templates of the synthesized workloads, and the Pods a ConfigMap carries as YAML text (the
 * Jenkins kubernetes plugin's agent template in jenkins.yaml), in the ConfigMap's namespace unless
 * they name their own.
 */
export function podTemplates(objects: K8sObject[]): Pods[] {
  const embedded: Pods[] = [];
  const walk = (value: unknown, namespace: string): void => {
    if (typeof value === 'string') {
      if (!/kind: Pod$/m.test(value)) return;
      let doc: any;
      try {
        doc = parse(value);
      } catch {
        return;
      }
      if (doc?.kind === 'Pod') embedded.push({ namespace: doc.metadata?.namespace ?? namespace, labels: doc.metadata?.labels ?? {}, hostNetwork: doc.spec?.hostNetwork === true });
      else walk(doc, namespace);
    } else if (value && typeof value === 'object') {
      for (const v of Object.values(value)) walk(v, namespace);
    }
  };
  for (const o of objects.filter((x) => x.kind === 'ConfigMap')) walk(o.data ?? {}, o.metadata.namespace!);
  return [
    ...objects
      .filter((o) => WORKLOADS.includes(o.kind))
      .map((o) => ({ namespace: o.metadata.namespace!, labels: o.spec.template.metadata.labels, hostNetwork: o.spec.template.spec.hostNetwork === true })),
    ...embedded,
  ];
}

export interface FlowCheck {
  /** Model flows some policy blocks: `<flow>: <why>`. */
  readonly blocked: string[];
  /** Peers × ports a policy allows that no model flow accounts for. */
  readonly unexplained: string[];
  /** Model endpoints whose pods no synthesized workload has (or not as the model says). */
  readonly unknownEndpoints: string[];
}

/**
 * Checks `objects` against the model's flows: every flow is allowed by the egress of its source and
 * the ingress of its destination, and every peer and port a policy allows is some flow's.
 */
export function checkFlows(objects: K8sObject[], network: NetworkModel): FlowCheck {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const templates = podTemplates(objects);
  const isolated = new Set(policies.filter((p) => Object.keys(p.spec.podSelector ?? {}).length === 0 || Object.keys(p.spec.podSelector.matchLabels ?? {}).length === 0).map((p) => p.metadata.namespace));
  const unknownEndpoints: string[] = [];

  // Each model pod endpoint in a namespace we create is a workload's pods: take the labels the pods really carry.
  const pods = new Map<string, Pods>();
  for (const ep of network.endpoints) {
    if (ep.kind !== 'pods') continue;
    if (!isolated.has(ep.namespace)) {
      // Not ours (the cluster DNS): the model's labels are all there is.
      pods.set(ep.id, { namespace: ep.namespace, labels: { ...ep.pods }, hostNetwork: ep.hostNetwork });
      continue;
    }
    const hits = templates.filter((t) => t.namespace === ep.namespace && subset(ep.pods, t.labels));
    if (hits.length !== 1) unknownEndpoints.push(`${ep.id}: ${hits.length} workloads in ${ep.namespace} have pods labelled ${JSON.stringify(ep.pods)}`);
    else if (hits[0].hostNetwork !== ep.hostNetwork) unknownEndpoints.push(`${ep.id}: hostNetwork is ${hits[0].hostNetwork} in the objects, ${ep.hostNetwork} in the model`);
    else pods.set(ep.id, hits[0]);
  }
  const endpoint = new Map(network.endpoints.map((ep) => [ep.id, ep]));
  /** Where selectors cannot reach: outside the pod network, or on a node's. */
  const unnamed = (id: string): boolean => endpoint.get(id)?.kind === 'outside' || pods.get(id)?.hostNetwork === true;

  const selecting = (p: Pods, type: 'Ingress' | 'Egress') =>
    policies.filter((n) => n.metadata.namespace === p.namespace && n.spec.policyTypes.includes(type) && subset(n.spec.podSelector?.matchLabels, p.labels));

  // An empty peer list (or none) is any address; else the peer must name the endpoint's pods.
  const peerMatches = (peer: any, policyNamespace: string, id: string): boolean => {
    if (peer.ipBlock) throw new Error(`ipBlock peers are not expected: ${JSON.stringify(peer)}`);
    const other = pods.get(id);
    if (!other || other.hostNetwork) return false;
    const namespaceOk = peer.namespaceSelector
      ? subset(peer.namespaceSelector.matchLabels, { 'kubernetes.io/metadata.name': other.namespace })
      : other.namespace === policyNamespace;
    return namespaceOk && (peer.podSelector === undefined || subset(peer.podSelector.matchLabels, other.labels));
  };
  const portMatches = (rule: any, protocol: string, port: number): boolean =>
    rule.ports === undefined || rule.ports.some((p: any) => (p.protocol ?? 'TCP') === protocol && p.port === port);
  const ruleAllows = (rule: any, peers: any[] | undefined, policyNamespace: string, id: string, protocol: string, port: number): boolean =>
    portMatches(rule, protocol, port) && (peers === undefined || peers.length === 0 || peers.some((peer) => peerMatches(peer, policyNamespace, id)));

  const blocked: string[] = [];
  for (const f of network.flows) {
    const name = `${f.from} -> ${f.to} ${f.protocol}/${f.port}`;
    if (!endpoint.has(f.from) || !endpoint.has(f.to)) {
      blocked.push(`${name}: an end is not among the model's endpoints`);
      continue;
    }
    const from = pods.get(f.from);
    if (from && !from.hostNetwork) {
      const egress = selecting(from, 'Egress');
      if (egress.length > 0 && !egress.some((n) => (n.spec.egress ?? []).some((r: any) => ruleAllows(r, r.to, n.metadata.namespace!, f.to, f.protocol, f.port)))) {
        blocked.push(`${name}: no egress rule of ${egress.map((n) => n.metadata.name).join(', ')} allows it`);
      }
    }
    const to = pods.get(f.to);
    if (to) {
      const ingress = selecting(to, 'Ingress');
      if (ingress.length > 0 && !ingress.some((n) => (n.spec.ingress ?? []).some((r: any) => ruleAllows(r, r.from, n.metadata.namespace!, f.from, f.protocol, f.port)))) {
        blocked.push(`${name}: no ingress rule of ${ingress.map((n) => n.metadata.name).join(', ')} allows it`);
      }
    }
  }

  // Every (peer, port) of every rule: some flow between a selected endpoint and one the peer names.
  const unexplained: string[] = [];
  for (const n of policies) {
    const ns = n.metadata.namespace!;
    const selected = [...pods].filter(([, p]) => p.namespace === ns && subset(n.spec.podSelector?.matchLabels, p.labels)).map(([id]) => id);
    const sides = [
      ['ingress', n.spec.ingress ?? [], 'from'],
      ['egress', n.spec.egress ?? [], 'to'],
    ] as const;
    for (const [direction, rules, key] of sides) {
      rules.forEach((rule: any, i: number) => {
        const peers: any[] = rule[key] ?? [];
        for (const peer of peers.length > 0 ? peers : [undefined]) {
          for (const p of rule.ports ?? [{ protocol: 'ANY', port: 'ANY' }]) {
            const protocol = p.protocol ?? 'TCP';
            const explained = network.flows.some((f) => {
              const [self, other] = direction === 'ingress' ? [f.to, f.from] : [f.from, f.to];
              if (!selected.includes(self) || f.protocol !== protocol || f.port !== p.port) return false;
              // Any address stands for what selectors cannot name; a peer for the pods it names.
              return peer === undefined ? unnamed(other) : peerMatches(peer, ns, other);
            });
            if (!explained) unexplained.push(`${ns}/${n.metadata.name} ${direction}[${i}] ${peer ? JSON.stringify(peer) : 'any address'} ${protocol}/${p.port}`);
          }
        }
      });
    }
  }
  return { blocked, unexplained, unknownEndpoints };
}
