import type { Config } from '../config/schema';
import { outputDirFor } from '../config/load';
import { AUTH_TOKEN_PATH } from '../config/gateway-paths';
import { verifiesTokens } from './verifies-tokens';
import { calleeEnvName } from '../config/schema/microservices';
import { JWKS_PATH } from '../services/auth/src/paths';
import { Identity, imageVersion, selectorLabels } from '../lib/labels';
import { objectClaims, podPorts } from './claims';
import { DATASTORE_COMPONENT, datastoreName } from './datastore-name';
import { eventServices } from './events';
import { gitopsModel } from './gitops';
import { jenkinsDeploys } from './jenkins-deploys';
import type { Components, EnvironmentModel, Workload } from './environment';
import { namespaceSpecs } from './namespaces';
import { natsFacts, natsUser } from './nats';
import { natsClientEnv, serviceEnv } from './env';
import { networkModel } from './network-policies';
import { userCreatedSecrets } from './user-secrets';

/** `<service>.<namespace>.svc.<cluster domain>` */
function serviceHost(config: Config, service: string, namespace: string): string {
  return `${service}.${namespace}.svc.${config.cluster.domain}`;
}

/**
 * The whole environment, resolved once from a validated configuration: names, identities, hosts,
 * URLs, routes, claims, pod ports and user-created Secrets. Deeply frozen (the configuration it
 * holds is the caller's and stays as it is).
 */
export function resolve(config: Config): EnvironmentModel {
  const ns = config.namespaces;
  const partOf = config.partOf;
  const workload = (enabled: boolean, field: string, namespace: string, name: string, identity: Omit<Identity, 'partOf'>): Workload => {
    const id: Identity = { ...identity, partOf };
    return { enabled, field, namespace, name, identity: id, pods: selectorLabels(id), host: serviceHost(config, name, namespace) };
  };
  const m = config.monitoring;
  const e = config.events;
  const j = config.jenkins;
  const gw = config.gateway;

  const eventClients = eventServices(config);
  const services = config.services.map((s, i) => {
    const host = serviceHost(config, s.name, ns.apps);
    const datastore = datastoreName(s.name);
    const datastoreIdentity: Identity = { name: 'redis', instance: datastore, component: DATASTORE_COMPONENT, partOf, version: imageVersion(s.datastore.image) };
    const datastoreHost = serviceHost(config, datastore, ns.apps);
    return {
      config: s,
      field: `services[${i}].name`,
      name: s.name,
      identity: { name: s.name, instance: s.name, component: 'microservice', partOf, version: imageVersion(s.image) },
      pods: selectorLabels({ name: s.name, instance: s.name }),
      host,
      url: `http://${host}:${s.port}`,
      datastore: {
        enabled: s.datastore.enabled,
        name: datastore,
        identity: datastoreIdentity,
        pods: selectorLabels(datastoreIdentity),
        host: datastoreHost,
        port: s.datastore.port,
        url: `tcp://${datastoreHost}:${s.datastore.port}`,
      },
      usesEvents: eventClients.includes(s),
      verifiesTokens: verifiesTokens(config, s),
    };
  });

  // Each call resolved to its callee's Service (the schema guarantees the callee exists).
  const urlOf = new Map(services.map((s) => [s.name, s.url]));
  const servicesWithCalls = services.map((s) => ({ ...s, calls: s.config.calls.map((callee) => ({ service: callee, env: calleeEnvName(callee), url: urlOf.get(callee)! })) }));

  const auth = workload(config.auth.enabled, 'auth.name', ns.apps, config.auth.name, { name: 'auth', instance: config.auth.name, component: 'auth', version: imageVersion(config.auth.image) });
  const gateway = workload(true, 'gateway.name', ns.apps, gw.name, { name: 'nginx', instance: gw.name, component: 'api-gateway', version: imageVersion(gw.image) });

  const bus = workload(e.enabled, 'events.name', ns.apps, e.name, { name: 'nats', instance: e.name, component: 'event-bus', version: imageVersion(e.image) });
  const headless = `${e.name}-headless`;
  const job = (name: 'streams' | 'smoke') => ({
    name: `${e.name}-${name}`,
    identity: { name: 'nats-box', instance: `${e.name}-${name}`, component: 'event-bus-job', partOf, version: imageVersion(e.boxImage) },
  });
  const nats = natsFacts(config, headless);
  const clientUrl = `nats://${bus.host}:${e.ports.client}`;
  const jwksUrl = `http://${auth.host}:${config.auth.port}${JWKS_PATH}`;
  // Every variable of each service's container, and who sets it (the clash check reads it).
  const servicesWithEnv = servicesWithCalls.map((s) => ({
    ...s,
    env: serviceEnv({
      config: s.config,
      datastoreUrl: s.datastore.enabled ? s.datastore.url : undefined,
      nats: s.usesEvents ? natsClientEnv(clientUrl, e.secretName, natsUser(nats, s.name)) : undefined,
      calls: s.calls,
      jwksUrl: s.verifiesTokens ? jwksUrl : undefined,
    }),
  }));

  const prometheus = workload(m.enabled, 'monitoring.prometheus.name', ns.monitoring, m.prometheus.name, { name: 'prometheus', instance: m.prometheus.name, component: 'monitoring', version: imageVersion(m.prometheus.image) });
  const jenkins = workload(j.enabled, 'jenkins.name', ns.ci, j.name, { name: 'jenkins', instance: j.name, component: 'ci-controller', version: imageVersion(j.image) });
  const deployDir = outputDirFor(j.deploy.environment);
  const agentName = `${j.name}-agent`;
  const agentIdentity: Identity = { name: 'jenkins-agent', instance: agentName, component: 'ci-agent', partOf };
  const agentHost = serviceHost(config, agentName, ns.ci);

  const components: Components = {
    config,
    namespaces: namespaceSpecs(config),
    services: servicesWithEnv,
    gateway: {
      ...gateway,
      nginxConfig: `${gw.name}-nginx`,
      routes: services.map((s) => ({ prefix: s.name, host: s.host, port: s.config.port, ...(s.config.auth.required ? { auth: s.config.auth.scope !== undefined ? { scope: s.config.auth.scope } : {} } : {}), ...(s.config.auth.forwardAuthorization ? { forwardAuthorization: true } : {}) })),
      auth: config.auth.enabled ? { host: auth.host, port: config.auth.port, tokenPath: AUTH_TOKEN_PATH, tokenRatePerSecond: gw.tokenRateLimit.perSecond, tokenBurst: gw.tokenRateLimit.burst } : undefined,
      resolver: gw.resolver ?? serviceHost(config, config.cluster.dns.service, config.cluster.dns.namespace),
    },
    auth: { ...auth, bundle: `${config.auth.name}-bundle`, jwksUrl },
    events: {
      ...bus,
      deployed: eventClients.length > 0,
      clients: eventClients,
      headless,
      configMap: `${e.name}-config`,
      clientUrl,
      streams: job('streams'),
      smoke: job('smoke'),
      ...nats,
    },
    prometheus: {
      ...prometheus,
      configMap: `${m.prometheus.name}-config`,
      rules: `${m.prometheus.name}-rules`,
      discovery: `${m.prometheus.name}-discovery`,
      clusterRole: `${ns.monitoring}-${m.prometheus.name}`,
      url: `http://${prometheus.host}:${m.prometheus.port}`,
    },
    alertmanager: {
      ...workload(m.enabled, 'monitoring.alertmanager.name', ns.monitoring, m.alertmanager.name, { name: 'alertmanager', instance: m.alertmanager.name, component: 'alerting', version: imageVersion(m.alertmanager.image) }),
      configMap: `${m.alertmanager.name}-config`,
    },
    grafana: {
      ...workload(m.enabled, 'monitoring.grafana.name', ns.monitoring, m.grafana.name, { name: 'grafana', instance: m.grafana.name, component: 'dashboards', version: imageVersion(m.grafana.image) }),
      datasources: `${m.grafana.name}-datasources`,
      dashboardProviders: `${m.grafana.name}-dashboard-providers`,
      dashboards: `${m.grafana.name}-dashboards`,
      data: `${m.grafana.name}-data`,
    },
    kubeStateMetrics: {
      ...workload(m.enabled, 'monitoring.kubeStateMetrics.name', ns.monitoring, m.kubeStateMetrics.name, { name: 'kube-state-metrics', instance: m.kubeStateMetrics.name, component: 'exporter', version: imageVersion(m.kubeStateMetrics.image) }),
      clusterRole: `${ns.monitoring}-${m.kubeStateMetrics.name}`,
    },
    nodeExporter: workload(m.enabled, 'monitoring.nodeExporter.name', ns.nodeMonitoring, m.nodeExporter.name, { name: 'node-exporter', instance: m.nodeExporter.name, component: 'exporter', version: imageVersion(m.nodeExporter.image) }),
    jenkins: {
      ...jenkins,
      configMap: `${j.name}-config`,
      url: `http://${jenkins.host}:${j.port}/`,
      agent: { name: agentName, identity: agentIdentity, pods: selectorLabels(agentIdentity), host: agentHost, tunnel: `${agentHost}:${j.agentPort}` },
      agentsRole: `${j.name}-agents`,
      deploys: jenkinsDeploys(config),
      deploy: `${j.name}-deploy`,
      // The deploy identity's rights where it deploys: the configured namespaces, or those with objects.
      deployNamespaces: j.deploy.namespaces ?? [ns.ci, ns.apps, ...(m.enabled ? [ns.monitoring, ns.nodeMonitoring] : [])],
      deployClusterRole: `${ns.ci}-${j.name}-deploy`,
      deployDir,
      applySetParent: `${partOf}-${j.deploy.environment}`,
      scrapeTarget: j.enabled ? { service: j.name, namespace: ns.ci, port: j.port, address: `${jenkins.host}:${j.port}`, path: `${j.metricsPath}/` } : undefined,
    },
    gitops: gitopsModel(config, deployDir),
  };
  return deepFreeze({ ...components, objects: objectClaims(components), podPorts: podPorts(components), userSecrets: userCreatedSecrets(components), network: networkModel(components) }, config);
}

/** Freezes the model's own objects; the configuration (and the parts of it the model holds) stays the caller's. */
function deepFreeze<T>(value: T, config: Config): T {
  const theirs = new WeakSet<object>();
  const mark = (v: unknown): void => {
    if (!v || typeof v !== 'object' || theirs.has(v)) return;
    theirs.add(v);
    Object.values(v).forEach(mark);
  };
  mark(config);
  const freeze = (v: unknown): void => {
    if (!v || typeof v !== 'object' || theirs.has(v) || Object.isFrozen(v)) return;
    Object.values(v).forEach(freeze);
    Object.freeze(v);
  };
  freeze(value);
  return value;
}
