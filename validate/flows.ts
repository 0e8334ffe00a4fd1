import type { Finding } from './findings';
import { matchesMap } from './label-selector';
import type { Manifest } from './manifests';
import { refOf } from './manifests';
import { Endpoint, EXTERNAL, FlowResult, NetworkPolicyModel } from './network-policy';
import { discoveredTargets } from './prometheus-discovery';
import { serviceAddresses, servicesByName } from './urls';
import { declaredPorts, podName, podsByLabels, podTemplates, PodTemplate, resolvePort } from './workloads';

/**
 * The flows the system needs, derived from the objects themselves, and the check that the
 * NetworkPolicies allow exactly those between the workloads of the manifest set:
 * - configuration that names a Service (`<svc>.<ns>.svc…`: nginx upstreams, datasource URLs,
 *   scrape targets, `--cache-server=tcp://…`) → its readers reach the Service's pods on the targetPort;
 * - `prometheus.io/scrape: "true"` + `prometheus.io/port` on a pod → Prometheus reaches that port;
 * - a Prometheus configuration's pod discovery (role pod, label selectors, a kept port name) →
 *   its readers reach the selected pods on that port (prometheus-discovery.ts);
 * - a pod that uses a cluster DNS name → DNS (UDP and TCP 53) to the cluster DNS pods;
 * - every other flow between two workloads of the set that the policies allow is a finding,
 *   unless the port is open to clients outside the cluster anyway (the public entry point).
 */
export interface FlowOptions {
  /** The cluster DNS pods (not in the manifests). Default: kube-system, k8s-app=kube-dns (CoreDNS in kubeadm, kind, minikube). */
  readonly dns?: { readonly namespace: string; readonly labels: Record<string, string> };
  /** Labels that identify the Prometheus pods. Default: app.kubernetes.io/name=prometheus. */
  readonly prometheusLabels?: Record<string, string>;
}

export interface RequiredFlow {
  readonly from: PodTemplate;
  readonly to: PodTemplate | 'dns';
  readonly port: number;
  readonly protocol: string;
  /** Why the system needs it, for messages. */
  readonly because: string;
}

export const DEFAULT_DNS = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
export const DEFAULT_PROMETHEUS_LABELS = { 'app.kubernetes.io/name': 'prometheus' };

export function endpointOf(pod: PodTemplate): Endpoint {
  return { name: podName(pod), namespace: pod.namespace, labels: pod.labels, hostNetwork: pod.spec.hostNetwork === true, ports: declaredPorts(pod) };
}

function dnsEndpoint(dns: { namespace: string; labels: Record<string, string> }): Endpoint {
  return {
    name: `cluster DNS (${dns.namespace}, ${Object.entries(dns.labels).map(([k, v]) => `${k}=${v}`).join(',')})`,
    namespace: dns.namespace,
    labels: dns.labels,
    ports: [
      { name: 'dns', containerPort: 53, protocol: 'UDP' },
      { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
    ],
  };
}

export function requiredFlows(manifests: readonly Manifest[], options: FlowOptions = {}): RequiredFlow[] {
  const pods = podTemplates(manifests);
  const podIndex = podsByLabels(pods);
  const services = servicesByName(manifests);
  const flows: RequiredFlow[] = [];
  const resolvesNames = new Set<PodTemplate>();
  for (const a of serviceAddresses(manifests)) {
    a.clients.forEach((c) => resolvesNames.add(c));
    const svc = services.get(`${a.namespace}/${a.service}`);
    const selector = svc?.object.spec?.selector as Record<string, string> | undefined;
    if (!svc || !selector) continue;
    const svcPorts = ((svc.object.spec?.ports ?? []) as any[]).filter((p) => a.port === undefined || p.port === a.port);
    for (const backend of podIndex.selectMap(a.namespace, selector)) {
      for (const sp of svcPorts) {
        const target = resolvePort(backend, sp.targetPort ?? sp.port, sp.protocol ?? 'TCP');
        if (!target) continue; // references.ts reports the dangling targetPort
        for (const client of a.clients) {
          if (client.workload === backend.workload) continue; // a workload naming its own Service (e.g. a URL it hands to others)
          flows.push({ from: client, to: backend, port: target.containerPort, protocol: target.protocol, because: `${a.manifest.object.kind} ${a.manifest.object.metadata.name} ${a.path} names ${a.text}` });
        }
      }
    }
  }
  const prometheus = pods.filter((p) => matchesMap(options.prometheusLabels ?? DEFAULT_PROMETHEUS_LABELS, p.labels));
  for (const target of pods) {
    if (target.annotations['prometheus.io/scrape'] !== 'true') continue;
    const port = Number(target.annotations['prometheus.io/port']);
    if (!Number.isInteger(port)) continue;
    for (const p of prometheus) {
      if (p.workload !== target.workload) flows.push({ from: p, to: target, port, protocol: 'TCP', because: `${target.workload.metadata.name} asks to be scraped (prometheus.io/port "${port}")` });
    }
  }
  for (const d of discoveredTargets(manifests)) {
    flows.push({ from: d.reader, to: d.target, port: d.port, protocol: 'TCP', because: d.because });
  }
  for (const pod of resolvesNames) {
    for (const protocol of ['UDP', 'TCP']) flows.push({ from: pod, to: 'dns', port: 53, protocol, because: 'it uses cluster DNS names' });
  }
  return flows;
}

function describeFlow(from: Endpoint, to: Endpoint, port: number, protocol: string): string {
  return `${from.name} → ${to.name} port ${port}/${protocol}`;
}

export function checkFlows(manifests: readonly Manifest[], options: FlowOptions = {}): Finding[] {
  const model = new NetworkPolicyModel(manifests);
  const dns = dnsEndpoint(options.dns ?? DEFAULT_DNS);
  const required = requiredFlows(manifests, options);
  const out: Finding[] = [];
  const needed = new Set<string>();
  const seen = new Set<string>();
  for (const f of required) {
    const from = endpointOf(f.from);
    const to = f.to === 'dns' ? dns : endpointOf(f.to);
    const key = `${from.name}\u0000${to.name}\u0000${f.port}/${f.protocol}`;
    needed.add(key);
    if (seen.has(key)) continue;
    seen.add(key);
    const r = model.flow(from, to, f.port, f.protocol);
    if (!r.allowed) out.push(blocked(r, f, from, to));
  }
  // Every pod on the pod network is isolated both ways: a namespace without default-deny lets
  // anything in and out, and the "no more than needed" check below would have nothing to hold on to.
  const pods = podTemplates(manifests);
  for (const p of pods) {
    const ep = endpointOf(p);
    if (ep.hostNetwork) continue; // NetworkPolicy does not apply to host-network pods
    const probe = model.flow(ep, ep, 1);
    const open = [...(probe.egress.isolated ? [] : ['egress']), ...(probe.ingress.isolated ? [] : ['ingress'])];
    if (open.length > 0) {
      out.push({
        check: 'network-policy',
        file: p.manifest.file,
        object: refOf(p.workload),
        path: p.metadataPath + '.labels',
        message: `no NetworkPolicy restricts the ${open.join(' or ')} of its pods: they ${open.length === 2 ? 'accept and send' : open[0] === 'ingress' ? 'accept' : 'send'} any traffic`,
        fix: `add a default-deny NetworkPolicy to namespace ${p.namespace} and a policy listing this workload's flows (generated ones come from model/network-policies.ts)`,
      });
    }
  }

  // Anything else allowed between two workloads of the set is more than the system needs.
  // Only pods the target's ingress rules can select are candidates (every pod when it accepts anyone).
  const podIndex = podsByLabels(pods);
  const order = new Map(pods.map((p, i) => [p, i]));
  const endpoints = new Map(pods.map((p) => [p, endpointOf(p)]));
  for (const b of pods) {
    const target = endpoints.get(b)!;
    for (const port of declaredPorts(b)) {
      if (model.flow(EXTERNAL, target, port.containerPort, port.protocol).allowed) continue; // public entry point
      const candidates = model.ingressCandidates(target, port.containerPort, port.protocol, podIndex);
      const clients = candidates ? [...candidates].sort((x, y) => order.get(x)! - order.get(y)!) : pods;
      for (const a of clients) {
        if (a.workload === b.workload) continue;
        const from = endpoints.get(a)!;
        if (needed.has(`${from.name}\u0000${target.name}\u0000${port.containerPort}/${port.protocol}`)) continue;
        const r = model.flow(from, target, port.containerPort, port.protocol);
        if (!r.allowed) continue;
        const rule = r.ingress.rule ?? r.egress.rule;
        out.push({
          check: 'network-policy',
          file: rule?.manifest.file ?? b.manifest.file,
          object: refOf(rule?.manifest.object ?? b.workload),
          path: rule?.path ?? b.metadataPath,
          message: `allows ${describeFlow(from, target, port.containerPort, port.protocol)}${port.name ? ` (${port.name})` : ''}, which nothing in the configuration uses${r.ingress.isolated ? '' : `; ${target.name} has no ingress policy at all`}`,
          fix: r.ingress.isolated
            ? 'narrow the rule\'s peers to the pods that need this port (a podSelector with the client\'s pod labels)'
            : `select ${target.name}'s pods with a NetworkPolicy that lists exactly its clients (and a default-deny in the namespace)`,
        });
      }
    }
  }
  return out;
}

function blocked(r: FlowResult, f: RequiredFlow, from: Endpoint, to: Endpoint): Finding {
  const side = !r.egress.allowed ? r.egress : r.ingress;
  const direction = !r.egress.allowed ? 'egress' : 'ingress';
  // Point at the pod's own policy (non-empty podSelector) rather than the namespace's default-deny.
  const policy = [...side.policies].sort((x, y) => specificity(y) - specificity(x))[0];
  const owner = direction === 'egress' ? f.from : f.to === 'dns' ? f.from : f.to;
  return {
    check: 'network-policy',
    file: policy?.file ?? owner.manifest.file,
    object: refOf(policy?.object ?? owner.workload),
    path: `spec.${direction}`,
    message: `${direction === 'egress' ? 'egress' : 'ingress'} rules (${side.policies.map((p) => p.object.metadata.name).join(', ')}) block ${describeFlow(from, to, f.port, f.protocol)}, which the system needs: ${f.because}`,
    fix:
      f.to === 'dns'
        ? 'allow egress to the cluster DNS pods on 53/UDP and 53/TCP in the pod\'s NetworkPolicy (generated ones: the DNS rule in model/network-policies.ts)'
        : `allow it in the ${direction} of ${direction === 'egress' ? from.name : to.name} (peer: the other side's pod selector labels, port ${f.port}/${f.protocol}; generated policies come from model/network-policies.ts)`,
  };
}

function specificity(m: Manifest): number {
  const sel = m.object.spec?.podSelector ?? {};
  return Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length;
}
