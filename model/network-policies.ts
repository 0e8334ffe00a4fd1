import { API_SERVER_PORTS, DNS_PORT, HTTPS_PORT, KUBELET_PORT } from '../lib/cluster-ports';
import { Identity, Labels, recommendedLabels, selectorLabels } from '../lib/labels';
import type { Components, ServiceModel } from './environment';
import { smokePair } from './nats';
import {
  datastoreEndpoint,
  DEFAULT_DENY,
  DefaultDenyModel,
  ENDPOINT,
  flowsOf,
  NetworkEndpoint,
  NetworkModel,
  NetworkPolicyModel,
  NetworkPort,
  NetworkRule,
  RuleFlow,
  serviceEndpoint,
} from './network';

/** A pod endpoint as rules name it. */
interface Target {
  readonly id: string;
  readonly namespace: string;
  readonly pods: Labels;
}

const tcp = (port: number): NetworkPort => ({ protocol: 'TCP', port });
const serve = (targets: readonly Target[], ports: readonly NetworkPort[]): RuleFlow[] => targets.flatMap((t) => ports.map((p) => ({ endpoint: t.id, ...p })));
const portsOf = (serves: readonly RuleFlow[]): NetworkPort[] => {
  const seen = new Set<string>();
  return serves.flatMap((f) => (seen.has(`${f.protocol}/${f.port}`) ? [] : (seen.add(`${f.protocol}/${f.port}`), [{ protocol: f.protocol, port: f.port }])));
};

/** Pods of the policy's own namespace. */
const pods = (targets: readonly Target[], ports: readonly NetworkPort[]): NetworkRule => ({
  peers: targets.map((t) => ({ kind: 'pods', labels: t.pods })),
  ports,
  serves: serve(targets, ports),
});
/** A target's pods, named with their namespace. */
const podsIn = (target: Target, ports: readonly NetworkPort[]): NetworkRule => ({
  peers: [{ kind: 'namespacedPods', namespace: target.namespace, labels: target.pods }],
  ports,
  serves: serve([target], ports),
});
/** Every pod of a namespace, on the ports of the flows (ascending). */
const namespaceWide = (namespace: string, serves: readonly RuleFlow[]): NetworkRule => ({
  peers: [{ kind: 'namespace', namespace }],
  ports: portsOf(serves).sort((a, b) => a.port - b.port),
  serves,
});
/** Any address, on the ports of the flows (in their order). */
const anywhere = (serves: readonly RuleFlow[]): NetworkRule => ({ peers: [], ports: portsOf(serves), serves });
const at = (endpoint: string, ports: readonly number[]): RuleFlow[] => ports.map((port) => ({ endpoint, protocol: 'TCP', port }));

/**
 * Every NetworkPolicy of the environment as data, in the order of its rules as written, and the
 * flows they serve. Only components that are generated get a policy.
 */
export function networkModel(m: Components): NetworkModel {
  const config = m.config;
  const ns = config.namespaces;
  const mon = config.monitoring;
  const e = config.events;
  const j = config.jenkins;
  const endpoints = new Map<string, NetworkEndpoint>();
  const target = (id: string, namespace: string, labels: Labels, hostNetwork = false): Target => {
    endpoints.set(id, { id, kind: 'pods', namespace, pods: labels, hostNetwork });
    return { id, namespace, pods: labels };
  };
  const outside = (id: string, description: string): string => {
    endpoints.set(id, { id, kind: 'outside', description });
    return id;
  };

  const dns = target(ENDPOINT.dns, config.cluster.dns.namespace, config.cluster.dns.podLabels);
  const apiServer = outside(ENDPOINT.apiServer, 'the Kubernetes API server');
  const kubelet = outside(ENDPOINT.kubelet, "every node's kubelet");
  const internet = outside(ENDPOINT.internet, 'HTTPS servers outside the cluster');
  const alertReceiver = outside(ENDPOINT.alertReceiver, "Alertmanager's receiver (Slack, a webhook)");
  const anyone = outside(ENDPOINT.anyone, 'any client');
  const workload = (id: string, w: { namespace: string; pods: Labels }, hostNetwork = false) => target(id, w.namespace, w.pods, hostNetwork);
  const gateway = workload(ENDPOINT.gateway, m.gateway);
  const auth = workload(ENDPOINT.auth, m.auth);
  const events = workload(ENDPOINT.events, m.events);
  const job = (id: string, identity: Identity) => target(id, m.events.namespace, selectorLabels(identity));
  const streamsJob = job(ENDPOINT.eventsStreamsJob, m.events.streams.identity);
  const smokeJob = job(ENDPOINT.eventsSmokeJob, m.events.smoke.identity);
  const prometheus = workload(ENDPOINT.prometheus, m.prometheus);
  const alertmanager = workload(ENDPOINT.alertmanager, m.alertmanager);
  const grafana = workload(ENDPOINT.grafana, m.grafana);
  const kubeStateMetrics = workload(ENDPOINT.kubeStateMetrics, m.kubeStateMetrics);
  const nodeExporter = workload(ENDPOINT.nodeExporter, m.nodeExporter, true);
  const jenkins = workload(ENDPOINT.jenkins, m.jenkins);
  const agent = target(ENDPOINT.jenkinsAgent, m.jenkins.namespace, m.jenkins.agent.pods);
  const service = new Map(m.services.map((s) => [s.name, target(serviceEndpoint(s.name), ns.apps, s.pods)]));
  const svc = (s: ServiceModel): Target => service.get(s.name)!;
  const datastore = (s: ServiceModel): Target => target(datastoreEndpoint(s.name), ns.apps, s.datastore.pods);

  // Cluster DNS: default-deny egress would otherwise break every name lookup.
  const toDns: NetworkRule = {
    peers: [{ kind: 'namespacedPods', namespace: dns.namespace, labels: dns.pods }],
    ports: [{ protocol: 'UDP', port: DNS_PORT }, tcp(DNS_PORT)],
    serves: serve([dns], [{ protocol: 'UDP', port: DNS_PORT }, tcp(DNS_PORT)]),
  };
  // The API server is not a pod: its address (often a node or cloud IP behind the `kubernetes`
  // Service's DNAT) differs per cluster and no pod or namespace selector matches it, only its ports.
  const toApiServer = anywhere(at(apiServer, API_SERVER_PORTS));
  const scraper = m.prometheus.enabled ? prometheus : undefined;
  const scrapedOn = (port: number): NetworkRule[] => (scraper ? [podsIn(scraper, [tcp(port)])] : []);

  const policies: NetworkPolicyModel[] = [];
  const policy = (t: Target, name: string, identity: Identity, ingress: NetworkRule[], egress: NetworkRule[]) =>
    policies.push({ endpoint: t.id, name, namespace: t.namespace, labels: recommendedLabels(identity), pods: t.pods, ingress, egress });

  // Callers of each service, in configuration order (one pass: there may be a thousand services).
  const byName = new Map(m.services.map((s) => [s.name, s]));
  const callersOf = new Map(m.services.map((s) => [s.name, [] as ServiceModel[]]));
  for (const c of m.services) for (const name of new Set(c.config.calls)) callersOf.get(name)!.push(c);
  for (const s of m.services) {
    const port = tcp(s.config.port);
    const callers = callersOf.get(s.name)!;
    const ds = s.config.datastore;
    policy(
      svc(s),
      s.name,
      s.identity,
      [pods([gateway], [port]), ...callers.map((c) => pods([svc(c)], [port])), ...scrapedOn(s.config.port)],
      [
        toDns,
        ...(ds.enabled ? [pods([datastore(s)], [tcp(ds.port)])] : []),
        ...(s.usesEvents ? [pods([events], [tcp(e.ports.client)])] : []),
        ...s.config.calls.map((name) => {
          const callee = byName.get(name)!;
          return pods([svc(callee)], [tcp(callee.config.port)]);
        }),
        // Services that verify tokens themselves fetch the auth service's public keys (JWKS).
        ...(s.verifiesTokens ? [pods([auth], [tcp(config.auth.port)])] : []),
      ],
    );
    // Prometheus reaches the exporter only; the exporter reaches Redis over the pod's loopback.
    if (ds.enabled) policy(datastore(s), s.datastore.name, s.datastore.identity, [pods([svc(s)], [tcp(ds.port)]), ...scrapedOn(ds.exporter.port)], []);
  }

  if (m.events.deployed) {
    const clustered = e.replicas > 1;
    const smoke = e.smoke.enabled && smokePair(m.events.users) !== undefined;
    policy(
      events,
      m.events.name,
      m.events.identity,
      [
        pods([...m.services.filter((s) => s.usesEvents).map(svc), streamsJob, ...(smoke ? [smokeJob] : [])], [tcp(e.ports.client)]),
        ...(clustered ? [pods([events], [tcp(e.ports.cluster)])] : []),
        ...scrapedOn(e.ports.metrics),
      ],
      // Routes name the other servers by DNS; a single server talks to nobody.
      clustered ? [toDns, pods([events], [tcp(e.ports.cluster)])] : [],
    );
    for (const [t, j_] of [[streamsJob, m.events.streams], ...(smoke ? [[smokeJob, m.events.smoke] as const] : [])] as const) {
      policy(t, j_.name, j_.identity, [], [toDns, pods([events], [tcp(e.ports.client)])]);
    }
  }

  if (config.auth.enabled) {
    const port = tcp(config.auth.port);
    policy(auth, m.auth.name, m.auth.identity, [pods([gateway], [port]), ...m.services.filter((s) => s.verifiesTokens).map((s) => pods([svc(s)], [port])), ...scrapedOn(config.auth.port)], [toDns]);
  }

  policy(
    gateway,
    m.gateway.name,
    m.gateway.identity,
    // The entry point: clients reach it from anywhere (Service, NodePort, Ingress controller).
    [anywhere(at(anyone, [config.gateway.port])), ...scrapedOn(config.gateway.exporter.port)],
    [toDns, ...m.services.map((s) => pods([svc(s)], [tcp(s.config.port)])), ...(config.auth.enabled ? [pods([auth], [tcp(config.auth.port)])] : [])],
  );

  if (mon.enabled) {
    // Annotated pods in the apps namespace, on the metrics ports they declare.
    const scrapedApps: RuleFlow[] = [
      ...m.services.flatMap((s) => at(svc(s).id, [s.config.port])),
      ...at(gateway.id, [config.gateway.exporter.port]),
      ...m.services.filter((s) => s.config.datastore.enabled).flatMap((s) => at(datastore(s).id, [s.config.datastore.exporter.port])),
      ...(m.events.deployed ? at(events.id, [e.ports.metrics]) : []),
      ...(config.auth.enabled ? at(auth.id, [config.auth.port]) : []),
    ];
    policy(
      prometheus,
      m.prometheus.name,
      m.prometheus.identity,
      [podsIn(grafana, [tcp(mon.prometheus.port)])],
      [
        toDns,
        // The API server (discovery) and the kubelets (kubelet and cAdvisor metrics) run on the
        // nodes' host network or outside the cluster: only their ports can be named.
        anywhere([...at(apiServer, API_SERVER_PORTS), ...at(kubelet, [KUBELET_PORT])]),
        // node-exporter uses the host network too: its address is the node's.
        anywhere(at(nodeExporter.id, [mon.nodeExporter.port])),
        namespaceWide(ns.apps, scrapedApps),
        ...(j.enabled ? [namespaceWide(ns.ci, at(jenkins.id, [j.port]))] : []),
        pods([alertmanager], [tcp(mon.alertmanager.port)]),
        pods([kubeStateMetrics], [tcp(mon.kubeStateMetrics.port)]),
      ],
    );
    const receiver = mon.alertmanager.receiver;
    policy(
      alertmanager,
      m.alertmanager.name,
      m.alertmanager.identity,
      [pods([prometheus], [tcp(mon.alertmanager.port)])],
      // Slack or a webhook outside the cluster: its addresses are not known in advance.
      receiver.type !== 'none' ? [toDns, anywhere(at(alertReceiver, [receiver.egressPort]))] : [],
    );
    // Most CNIs do not apply NetworkPolicies to host-network pods; this states the intended flows
    // for those that do: Prometheus in, nothing out.
    policy(nodeExporter, m.nodeExporter.name, m.nodeExporter.identity, scrapedOn(mon.nodeExporter.port), []);
    // The API server is reached by its Service IP (no DNS).
    policy(kubeStateMetrics, m.kubeStateMetrics.name, m.kubeStateMetrics.identity, [pods([prometheus], [tcp(mon.kubeStateMetrics.port)])], [toApiServer]);
    policy(
      grafana,
      m.grafana.name,
      m.grafana.identity,
      // The UI: users reach it through port-forward, a Service or an Ingress controller.
      [anywhere(at(anyone, [mon.grafana.port]))],
      [toDns, podsIn(prometheus, [tcp(mon.prometheus.port)])],
    );
  }

  if (j.enabled) {
    // Plugin downloads (init container), Git polling and checkout, npm registry: HTTPS anywhere.
    const toHttps = anywhere(at(internet, [HTTPS_PORT]));
    policy(
      jenkins,
      m.jenkins.name,
      m.jenkins.identity,
      [
        // Users reach the UI through the Service, a port-forward or an Ingress controller.
        anywhere(at(anyone, [j.port])),
        // Kept explicit so that narrowing the rule above never cuts off the scraper.
        ...scrapedOn(j.port),
        pods([agent], [tcp(j.agentPort)]),
      ],
      [toDns, toApiServer, toHttps],
    );
    policy(agent, m.jenkins.agent.name, m.jenkins.agent.identity, [], [
      toDns,
      pods([jenkins], [tcp(j.port), tcp(j.agentPort)]),
      // Only the kubectl container talks to the API server, and only when Jenkins deploys.
      ...(m.jenkins.deploys ? [toApiServer] : []),
      toHttps,
    ]);
  }

  const defaultDeny: DefaultDenyModel[] = m.namespaces.map((n) => ({
    name: DEFAULT_DENY,
    namespace: n.name,
    labels: recommendedLabels({ name: DEFAULT_DENY, instance: `${n.name}-${DEFAULT_DENY}`, component: 'network-policy', partOf: config.partOf }),
  }));
  const flows = flowsOf(policies);
  const used = new Set([...policies.map((p) => p.endpoint), ...flows.flatMap((f) => [f.from, f.to])]);
  return { endpoints: [...endpoints.values()].filter((ep) => used.has(ep.id)), defaultDeny, policies, flows };
}
