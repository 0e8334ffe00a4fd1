import type { Components } from './environment';
import { Claim, HASH_SUFFIX_LENGTH, PodPorts } from './objects';

export { HASH_SUFFIX_LENGTH };
export type { Claim, PodPorts };

import { nameRule } from '../lib/names';
import { APPLYSET_CRD_NAME, APPLYSET_TYPE } from './applyset-type';
import { DEFAULT_DENY } from './network';

// The claims and pod ports of the resolved model, and the clash and name checks model/check.ts runs on them.

const WORKLOAD = ['Deployment', 'Service', 'ServiceAccount', 'PodDisruptionBudget', 'NetworkPolicy'];
const STATEFUL = ['StatefulSet', 'Service', 'ServiceAccount', 'NetworkPolicy'];

export function objectClaims(model: Components): Claim[] {
  const config = model.config;
  const apps = config.namespaces.apps;
  const claims: Claim[] = [];
  const claim = (namespace: string | undefined, name: string, field: string, ...kinds: string[]) => claims.push({ kinds, namespace, name, field });

  // A namespace exists only when a component that lives there is enabled.
  for (const n of model.namespaces) {
    claim(undefined, n.name, `namespaces.${n.key}`, 'Namespace');
    claim(n.name, DEFAULT_DENY, `namespaces.${n.key}`, 'NetworkPolicy');
  }

  for (const s of model.services) {
    claim(apps, s.name, s.field, ...WORKLOAD, ...(s.config.autoscaling ? ['HorizontalPodAutoscaler'] : []));
    if (s.config.datastore.enabled) claim(apps, s.datastore.name, `${s.field} (its datastore)`, ...STATEFUL);
  }
  const gw = model.gateway;
  claim(gw.namespace, gw.name, gw.field, ...WORKLOAD, ...(config.gateway.ingress.enabled ? ['Ingress'] : []));
  claim(gw.namespace, gw.nginxConfig, gw.field, 'ConfigMap');
  const a = model.auth;
  if (a.enabled) {
    claim(a.namespace, a.name, a.field, ...WORKLOAD);
    claim(a.namespace, a.bundle, a.field, 'ConfigMap');
  }
  const e = model.events;
  if (e.enabled) {
    claim(e.namespace, e.name, e.field, ...STATEFUL, 'PodDisruptionBudget');
    claim(e.namespace, e.headless, e.field, 'Service');
    claim(e.namespace, e.configMap, e.field, 'ConfigMap');
    claim(e.namespace, e.streams.name, e.field, 'ServiceAccount', 'NetworkPolicy');
    // The stream Job and its definitions are named by a hash of what they apply.
    claims.push({ kinds: ['Job', 'ConfigMap'], namespace: e.namespace, name: `${e.streams.name}-`, prefix: true, field: e.field });
    if (config.events.smoke.enabled) {
      // Only when some service consumes what another publishes (smokePair in model/nats.ts).
      claims.push({ kinds: ['ServiceAccount', 'NetworkPolicy'], namespace: e.namespace, name: e.smoke.name, field: e.field, optional: true });
      claims.push({ kinds: ['Job'], namespace: e.namespace, name: `${e.smoke.name}-`, prefix: true, field: e.field, optional: true });
    }
  }

  if (config.monitoring.enabled) {
    const p = model.prometheus;
    claim(p.namespace, p.name, p.field, ...STATEFUL, 'PodDisruptionBudget');
    for (const name of [p.configMap, p.rules]) claim(p.namespace, name, p.field, 'ConfigMap');
    for (const where of [apps, config.namespaces.monitoring, config.namespaces.nodeMonitoring]) claim(where, p.discovery, p.field, 'Role', 'RoleBinding');
    claim(undefined, p.clusterRole, p.field, 'ClusterRole', 'ClusterRoleBinding');
    const am = model.alertmanager;
    claim(am.namespace, am.name, am.field, ...WORKLOAD);
    claim(am.namespace, am.configMap, am.field, 'ConfigMap');
    const g = model.grafana;
    claim(g.namespace, g.name, g.field, ...WORKLOAD);
    for (const name of [g.datasources, g.dashboardProviders, g.dashboards]) claim(g.namespace, name, g.field, 'ConfigMap');
    if (config.monitoring.grafana.persistence.enabled) claim(g.namespace, g.data, g.field, 'PersistentVolumeClaim');
    const k = model.kubeStateMetrics;
    claim(k.namespace, k.name, k.field, 'Deployment', 'Service', 'ServiceAccount', 'NetworkPolicy');
    claim(undefined, k.clusterRole, k.field, 'ClusterRole', 'ClusterRoleBinding');
    const n = model.nodeExporter;
    claim(n.namespace, n.name, n.field, 'DaemonSet', 'ServiceAccount', 'NetworkPolicy');
  }

  const j = model.jenkins;
  if (j.enabled) {
    claim(j.namespace, j.name, j.field, ...STATEFUL);
    claim(j.namespace, j.agent.name, j.field, 'Service', 'NetworkPolicy');
    claim(j.namespace, j.agentsRole, j.field, 'Role', 'RoleBinding');
    claim(j.namespace, j.configMap, j.field, 'ConfigMap');
  }
  // The deploy identity exists only when Jenkins deploys (no GitOps mode: model/jenkins-deploys.ts).
  if (j.enabled && j.deploys) {
    claim(j.namespace, j.deploy, j.field, 'ServiceAccount');
    for (const where of j.deployNamespaces) claim(where, j.deploy, j.field, 'Role', 'RoleBinding');
    claim(undefined, j.deployClusterRole, j.field, 'ClusterRole', 'ClusterRoleBinding');
  }
  // scripts/deploy.sh: the ApplySet parent's type (one for every environment) and this environment's
  // parent; under a GitOps mode that tool deploys and neither is generated (synth/build-app.ts).
  if (config.gitops.mode === 'none') {
    claim(undefined, APPLYSET_CRD_NAME, 'constant (model/applyset-type.ts)', 'CustomResourceDefinition');
    claim(undefined, j.applySetParent, 'partOf, jenkins.deploy.environment', APPLYSET_TYPE.kind);
  }
  return claims;
}

export function podPorts(model: Components): PodPorts[] {
  const config = model.config;
  const pods: PodPorts[] = [];
  const pod = (w: { namespace: string; name: string }, kind: string, ...ports: [string, number][]) =>
    pods.push({ kind, namespace: w.namespace, name: w.name, ports: ports.map(([field, port]) => ({ field, port })) });
  const m = config.monitoring;

  model.services.forEach((s, i) => {
    const at = `services[${i}]`;
    const apps = config.namespaces.apps;
    pod({ namespace: apps, name: s.name }, 'Deployment', [`${at}.port`, s.config.port]);
    const d = s.config.datastore;
    // The exporter sidecar runs only with monitoring.
    if (d.enabled) pod({ namespace: apps, name: s.datastore.name }, 'StatefulSet', [`${at}.datastore.port`, d.port], ...(m.enabled ? [[`${at}.datastore.exporter.port`, d.exporter.port] as [string, number]] : []));
  });
  const gw = config.gateway;
  pod(model.gateway, 'Deployment', ['gateway.port', gw.port], ['gateway.statusPort', gw.statusPort], ['gateway.exporter.port', gw.exporter.port]);
  if (model.auth.enabled) pod(model.auth, 'Deployment', ['auth.port', config.auth.port]);
  if (model.events.enabled) pod(model.events, 'StatefulSet', ...Object.entries(config.events.ports).map(([k, v]): [string, number] => [`events.ports.${k}`, v as number]));

  if (m.enabled) {
    pod(model.prometheus, 'StatefulSet', ['monitoring.prometheus.port', m.prometheus.port], ['monitoring.prometheus.reloader.port', m.prometheus.reloader.port]);
    pod(model.alertmanager, 'Deployment', ['monitoring.alertmanager.port', m.alertmanager.port]);
    pod(model.grafana, 'Deployment', ['monitoring.grafana.port', m.grafana.port]);
    const k = m.kubeStateMetrics;
    pod(model.kubeStateMetrics, 'Deployment', ['monitoring.kubeStateMetrics.port', k.port], ['monitoring.kubeStateMetrics.telemetryPort', k.telemetryPort]);
    pod(model.nodeExporter, 'DaemonSet', ['monitoring.nodeExporter.port', m.nodeExporter.port]);
  }
  if (model.jenkins.enabled) pod(model.jenkins, 'StatefulSet', ['jenkins.port', config.jenkins.port], ['jenkins.agentPort', config.jenkins.agentPort]);
  return pods;
}

/** A clash: the later claim's field, the earlier one's, and what they both want. */
export interface Clash {
  readonly field: string;
  readonly other: string;
  readonly what: string;
}

const where = (namespace: string | undefined) => (namespace ? ` in namespace "${namespace}"` : '');

export function claimClashes(claims: readonly Claim[]): Clash[] {
  const owners = new Map<string, Claim>();
  const prefixes: { kind: string; claim: Claim }[] = [];
  const clashes: Clash[] = [];
  const seen = new Set<string>();
  const report = (c: Claim, first: Claim, what: string) => {
    // Fields that claim the same set of names for themselves (a namespace's default-deny) do not clash with themselves.
    if (first.field === c.field) return;
    const pair = `${first.field}|${c.field}|${c.name}`;
    if (seen.has(pair)) return;
    seen.add(pair);
    clashes.push({ field: c.field, other: first.field, what });
  };
  for (const c of claims.filter((x) => x.prefix)) {
    for (const kind of c.kinds) prefixes.push({ kind, claim: c });
  }
  for (const c of claims) {
    for (const kind of c.kinds) {
      if (c.prefix) {
        for (const p of prefixes) {
          if (p.claim !== c && p.kind === kind && p.claim.namespace === c.namespace && (p.claim.name.startsWith(c.name) || c.name.startsWith(p.claim.name))) {
            report(c, p.claim, `${kind} names starting with "${c.name}"${where(c.namespace)}`);
          }
        }
        continue;
      }
      const key = `${kind}|${c.namespace ?? ''}|${c.name}`;
      const first = owners.get(key);
      if (first) report(c, first, `${kind} "${c.name}"${where(c.namespace)}`);
      else owners.set(key, c);
      for (const p of prefixes) {
        if (p.kind === kind && p.claim.namespace === c.namespace && c.name.startsWith(p.claim.name)) {
          report(c, p.claim, `${kind} "${c.name}"${where(c.namespace)} (${p.claim.field} names ${kind} objects "${p.claim.name}<hash>")`);
        }
      }
    }
  }
  return clashes;
}

/** Claimed names Kubernetes would refuse for their kind: the field, and the rule with the name it broke. */
export function nameProblems(claims: readonly Claim[]): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const seen = new Set<string>();
  for (const c of claims) {
    for (const kind of c.kinds) {
      const rule = nameRule(kind);
      const example = c.prefix ? `${c.name}${'0'.repeat(HASH_SUFFIX_LENGTH)}` : c.name;
      if (example.length <= rule.max && rule.pattern.test(example)) continue;
      const key = `${c.field}|${rule.what}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push({ field: c.field, message: `gives the ${kind} name "${c.prefix ? `${c.name}<hash>` : c.name}" (${example.length} characters), which Kubernetes refuses: ${rule.what}; choose a shorter name` });
    }
  }
  return problems;
}
