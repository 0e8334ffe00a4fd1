import type { Config } from './schema';

/**
 * Every object name the environment's components create, with the configuration field that chose
 * it: the one place that owns names. Two components claiming the same kind, namespace and name is
 * a configuration error naming both fields, instead of a silent overwrite by `kubectl apply`.
 *
 * A new component adds its claims in `objectClaims` (what its chart creates); synth also refuses
 * output in which two objects share a kind, namespace and name (synth/unique-objects.ts), so a
 * component that forgot to claim is still caught before anything is published.
 */
export interface Claim {
  readonly kinds: readonly string[];
  /** Undefined: cluster-scoped. */
  readonly namespace?: string;
  readonly name: string;
  /** The configuration field that chose the name, e.g. `services[1].name`. */
  readonly field: string;
}

const WORKLOAD = ['Deployment', 'Service', 'ServiceAccount', 'PodDisruptionBudget', 'NetworkPolicy'];
const STATEFUL = ['StatefulSet', 'Service', 'ServiceAccount', 'PodDisruptionBudget', 'NetworkPolicy'];

export function objectClaims(config: Config): Claim[] {
  const ns = config.namespaces;
  const claims: Claim[] = [];
  const claim = (namespace: string | undefined, name: string, field: string, ...kinds: string[]) => claims.push({ kinds, namespace, name, field });

  for (const key of Object.keys(ns) as (keyof typeof ns)[]) {
    claim(undefined, ns[key], `namespaces.${key}`, 'Namespace');
    claim(ns[key], 'default-deny', `namespaces.${key}`, 'NetworkPolicy');
  }

  config.services.forEach((s, i) => {
    const field = `services[${i}].name`;
    claim(ns.apps, s.name, field, ...WORKLOAD, 'HorizontalPodAutoscaler');
    if (s.datastore.enabled) claim(ns.apps, `${s.name}-redis`, `${field} (its datastore)`, ...STATEFUL);
  });
  const gw = config.gateway.name;
  claim(ns.apps, gw, 'gateway.name', ...WORKLOAD, 'Ingress');
  claim(ns.apps, `${gw}-nginx`, 'gateway.name', 'ConfigMap');
  if (config.auth.enabled) {
    claim(ns.apps, config.auth.name, 'auth.name', ...WORKLOAD);
    claim(ns.apps, `${config.auth.name}-bundle`, 'auth.name', 'ConfigMap');
  }
  const e = config.events;
  if (e.enabled) {
    claim(ns.apps, e.name, 'events.name', ...STATEFUL);
    claim(ns.apps, `${e.name}-headless`, 'events.name', 'Service');
    claim(ns.apps, `${e.name}-config`, 'events.name', 'ConfigMap');
    for (const job of ['streams', 'smoke']) claim(ns.apps, `${e.name}-${job}`, 'events.name', 'ServiceAccount', 'NetworkPolicy');
  }

  const m = config.monitoring;
  if (m.enabled) {
    const p = m.prometheus.name;
    claim(ns.monitoring, p, 'monitoring.prometheus.name', ...STATEFUL);
    for (const suffix of ['config', 'rules']) claim(ns.monitoring, `${p}-${suffix}`, 'monitoring.prometheus.name', 'ConfigMap');
    for (const where of [ns.apps, ns.monitoring, ns.nodeMonitoring]) claim(where, `${p}-discovery`, 'monitoring.prometheus.name', 'Role', 'RoleBinding');
    claim(undefined, `${ns.monitoring}-${p}`, 'monitoring.prometheus.name', 'ClusterRole', 'ClusterRoleBinding');
    claim(ns.monitoring, m.alertmanager.name, 'monitoring.alertmanager.name', ...WORKLOAD);
    claim(ns.monitoring, `${m.alertmanager.name}-config`, 'monitoring.alertmanager.name', 'ConfigMap');
    claim(ns.monitoring, m.grafana.name, 'monitoring.grafana.name', ...WORKLOAD);
    for (const suffix of ['datasources', 'dashboard-providers', 'dashboards']) claim(ns.monitoring, `${m.grafana.name}-${suffix}`, 'monitoring.grafana.name', 'ConfigMap');
    claim(ns.monitoring, `${m.grafana.name}-data`, 'monitoring.grafana.name', 'PersistentVolumeClaim');
    claim(ns.monitoring, m.kubeStateMetrics.name, 'monitoring.kubeStateMetrics.name', ...WORKLOAD);
    claim(undefined, `${ns.monitoring}-${m.kubeStateMetrics.name}`, 'monitoring.kubeStateMetrics.name', 'ClusterRole', 'ClusterRoleBinding');
    claim(ns.nodeMonitoring, m.nodeExporter.name, 'monitoring.nodeExporter.name', 'DaemonSet', 'ServiceAccount', 'NetworkPolicy');
  }

  const j = config.jenkins;
  if (j.enabled) {
    claim(ns.ci, j.name, 'jenkins.name', ...STATEFUL);
    claim(ns.ci, `${j.name}-agent`, 'jenkins.name', 'Service', 'NetworkPolicy');
    claim(ns.ci, `${j.name}-agents`, 'jenkins.name', 'Role', 'RoleBinding');
    claim(ns.ci, `${j.name}-config`, 'jenkins.name', 'ConfigMap');
    claim(ns.ci, `${j.name}-deploy`, 'jenkins.name', 'Role', 'RoleBinding', 'ServiceAccount');
    for (const where of [ns.apps, ns.monitoring, ns.nodeMonitoring]) claim(where, `${j.name}-deploy`, 'jenkins.name', 'Role', 'RoleBinding');
    claim(undefined, `${ns.ci}-${j.name}-deploy`, 'jenkins.name', 'ClusterRole', 'ClusterRoleBinding');
  }
  return claims;
}

/** Each clash once: the later claim's field, the earlier one's, and what they both want. */
export interface Clash {
  readonly field: string;
  readonly other: string;
  readonly what: string;
}

export function claimClashes(claims: readonly Claim[]): Clash[] {
  const owners = new Map<string, Claim>();
  const clashes: Clash[] = [];
  const seen = new Set<string>();
  for (const c of claims) {
    for (const kind of c.kinds) {
      const key = `${kind}|${c.namespace ?? ''}|${c.name}`;
      const first = owners.get(key);
      if (!first) {
        owners.set(key, c);
        continue;
      }
      // Fields that claim the same set of names for themselves (a namespace's default-deny) do not clash with themselves.
      if (first.field === c.field) continue;
      const pair = `${first.field}|${c.field}|${c.name}`;
      if (seen.has(pair)) continue;
      seen.add(pair);
      clashes.push({ field: c.field, other: first.field, what: `${kind} "${c.name}"${c.namespace ? ` in namespace "${c.namespace}"` : ''}` });
    }
  }
  return clashes;
}
