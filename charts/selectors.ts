import { verifiesTokens } from '../config/schema/consistency';
import { JWKS_PATH } from '../services/auth/src/paths';
import type { Config } from '../config/schema';
import { Identity, imageVersion, Labels, selectorLabels } from '../constructs/labels';

/**
 * Identities of the workloads that other charts refer to (NetworkPolicy peers, scrape targets,
 * URLs), derived from the configuration in one place so a reference can never drift from its target.
 */
export function gatewayIdentity(config: Config): Identity {
  return { name: 'nginx', instance: config.gateway.name, component: 'api-gateway', partOf: config.partOf, version: imageVersion(config.gateway.image) };
}

export function gatewayPods(config: Config): Labels {
  return selectorLabels(gatewayIdentity(config));
}

export function microservicePods(service: { name: string }): Labels {
  return selectorLabels({ name: service.name, instance: service.name });
}

export function prometheusPods(config: Config): Labels {
  return selectorLabels(prometheusIdentity(config));
}

/** Prometheus as a NetworkPolicy peer, or nothing when monitoring is off. */
export function prometheusScraper(config: Config): { namespace: string; labels: Labels } | undefined {
  return config.monitoring.enabled ? { namespace: config.namespaces.monitoring, labels: prometheusPods(config) } : undefined;
}

/** `<service>.<namespace>.svc.<cluster domain>` */
export function serviceHost(config: Config, service: string, namespace: string): string {
  return `${service}.${namespace}.svc.${config.cluster.domain}`;
}

export function grafanaIdentity(config: Config): Identity {
  const g = config.monitoring.grafana;
  return { name: 'grafana', instance: g.name, component: 'dashboards', partOf: config.partOf, version: imageVersion(g.image) };
}

export function grafanaPods(config: Config): Labels {
  return selectorLabels(grafanaIdentity(config));
}

export function prometheusIdentity(config: Config): Identity {
  const p = config.monitoring.prometheus;
  return { name: 'prometheus', instance: p.name, component: 'monitoring', partOf: config.partOf, version: imageVersion(p.image) };
}

export function alertmanagerIdentity(config: Config): Identity {
  const a = config.monitoring.alertmanager;
  return { name: 'alertmanager', instance: a.name, component: 'alerting', partOf: config.partOf, version: imageVersion(a.image) };
}

export function nodeExporterIdentity(config: Config): Identity {
  const n = config.monitoring.nodeExporter;
  return { name: 'node-exporter', instance: n.name, component: 'exporter', partOf: config.partOf, version: imageVersion(n.image) };
}

export function kubeStateMetricsIdentity(config: Config): Identity {
  const k = config.monitoring.kubeStateMetrics;
  return { name: 'kube-state-metrics', instance: k.name, component: 'exporter', partOf: config.partOf, version: imageVersion(k.image) };
}

/** The Jenkins controller. */
export function jenkinsIdentity(config: Config): Identity {
  return { name: 'jenkins', instance: config.jenkins.name, component: 'ci-controller', partOf: config.partOf, version: imageVersion(config.jenkins.image) };
}

export function jenkinsPods(config: Config): Labels {
  return selectorLabels(jenkinsIdentity(config));
}

/** Build agents the kubernetes plugin starts from the pod template (selected by NetworkPolicies). */
export function jenkinsAgentIdentity(config: Config): Identity {
  return { name: 'jenkins-agent', instance: `${config.jenkins.name}-agent`, component: 'ci-agent', partOf: config.partOf };
}

export function jenkinsAgentPods(config: Config): Labels {
  return selectorLabels(jenkinsAgentIdentity(config));
}

/**
 * The Jenkins UI/metrics Service as a scrape target: name, namespace, port and path in one place.
 * The path ends in a slash: the prometheus plugin serves `/<path>/`; the bare path only redirects.
 */
export function jenkinsScrapeTarget(config: Config): { service: string; namespace: string; port: number; path: string } | undefined {
  return config.jenkins.enabled
    ? { service: config.jenkins.name, namespace: config.namespaces.ci, port: config.jenkins.port, path: `${config.jenkins.metricsPath}/` }
    : undefined;
}

/** The NATS servers of the event bus. */
export function natsIdentity(config: Config): Identity {
  const e = config.events;
  return { name: 'nats', instance: e.name, component: 'event-bus', partOf: config.partOf, version: imageVersion(e.image) };
}

export function natsPods(config: Config): Labels {
  return selectorLabels(natsIdentity(config));
}

/** What a client connects to: `nats://<name>.<apps namespace>.svc.<domain>:<client port>`. */
export function natsClientUrl(config: Config): string {
  return `nats://${serviceHost(config, config.events.name, config.namespaces.apps)}:${config.events.ports.client}`;
}

/** Pods of the bus's own Jobs (stream setup, smoke check): clients of the client port. */
export function natsJobIdentity(config: Config, job: 'streams' | 'smoke'): Identity {
  return { name: 'nats-box', instance: `${config.events.name}-${job}`, component: 'event-bus-job', partOf: config.partOf, version: imageVersion(config.events.boxImage) };
}

/** The auth service (token issuer and validator for the gateway). */
export function authIdentity(config: Config): Identity {
  return { name: 'auth', instance: config.auth.name, component: 'auth', partOf: config.partOf, version: imageVersion(config.auth.image) };
}

export function authPods(config: Config): Labels {
  return selectorLabels(authIdentity(config));
}

/** Services that verify tokens themselves (config/schema/consistency.ts verifiesTokens). */
export function tokenVerifiers(config: Config): Config['services'] {
  return config.services.filter((s) => verifiesTokens(config, s));
}

/** The JWKS URL a token verifier gets in AUTH_JWKS_URL. */
export function authJwksUrl(config: Config): string {
  return `http://${serviceHost(config, config.auth.name, config.namespaces.apps)}:${config.auth.port}${JWKS_PATH}`;
}
