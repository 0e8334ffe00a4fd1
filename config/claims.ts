import { APPLYSET_CRD_NAME, APPLYSET_TYPE } from '../constructs/applyset';
import type { Config } from './schema';
import { DNS1035_LABEL, DNS1123_LABEL, DNS1123_SUBDOMAIN } from './schema/common';

/**
 * Every object name and every pod port the environment's components take, each with the
 * configuration field that chose it: the one place that owns names and ports. Two components
 * claiming the same kind, namespace and name (or two listeners one port in one pod) is a
 * configuration error naming both fields (config/schema/consistency.ts), instead of a silent
 * overwrite by `kubectl apply` or a container that cannot bind.
 *
 * A new component adds its objects in `objectClaims` and its pods in `podPorts`, next to the
 * others. Tests hold this list to what the charts really create (test/claims.test.ts: every
 * synthesized object is claimed, every claimed object is synthesized, every containerPort is
 * claimed), and synth refuses output in which two objects share a group, kind, namespace and name
 * (synth/unique-objects.ts): a component that forgot to claim is caught before anything is written.
 */
export interface Claim {
  readonly kinds: readonly string[];
  /** Undefined: cluster-scoped. */
  readonly namespace?: string;
  /** The name; with `prefix`, every name that starts with it (objects named by a content hash). */
  readonly name: string;
  readonly prefix?: boolean;
  /** The configuration field that chose the name, e.g. `services[1].name`. */
  readonly field: string;
  /** The chart may leave it out in some configurations (the name stays reserved for it). */
  readonly optional?: boolean;
}

/** Length of the content hash that follows a prefix claim (constructs/jetstream-objects.ts definitionsHash). */
export const HASH_SUFFIX_LENGTH = 10;

const WORKLOAD = ['Deployment', 'Service', 'ServiceAccount', 'PodDisruptionBudget', 'NetworkPolicy'];
const STATEFUL = ['StatefulSet', 'Service', 'ServiceAccount', 'NetworkPolicy'];

export function objectClaims(config: Config): Claim[] {
  const ns = config.namespaces;
  const claims: Claim[] = [];
  const claim = (namespace: string | undefined, name: string, field: string, ...kinds: string[]) => claims.push({ kinds, namespace, name, field });

  // A namespace exists only when a component that lives there is enabled (charts/namespaces.ts).
  const used: (keyof typeof ns)[] = ['apps', ...(config.jenkins.enabled ? (['ci'] as const) : []), ...(config.monitoring.enabled ? (['monitoring', 'nodeMonitoring'] as const) : [])];
  for (const key of used) {
    claim(undefined, ns[key], `namespaces.${key}`, 'Namespace');
    claim(ns[key], 'default-deny', `namespaces.${key}`, 'NetworkPolicy');
  }

  config.services.forEach((s, i) => {
    const field = `services[${i}].name`;
    claim(ns.apps, s.name, field, ...WORKLOAD, ...(s.autoscaling ? ['HorizontalPodAutoscaler'] : []));
    if (s.datastore.enabled) claim(ns.apps, `${s.name}-redis`, `${field} (its datastore)`, ...STATEFUL);
  });
  const gw = config.gateway.name;
  claim(ns.apps, gw, 'gateway.name', ...WORKLOAD, ...(config.gateway.ingress.enabled ? ['Ingress'] : []));
  claim(ns.apps, `${gw}-nginx`, 'gateway.name', 'ConfigMap');
  if (config.auth.enabled) {
    claim(ns.apps, config.auth.name, 'auth.name', ...WORKLOAD);
    claim(ns.apps, `${config.auth.name}-bundle`, 'auth.name', 'ConfigMap');
  }
  const e = config.events;
  if (e.enabled) {
    claim(ns.apps, e.name, 'events.name', ...STATEFUL, 'PodDisruptionBudget');
    claim(ns.apps, `${e.name}-headless`, 'events.name', 'Service');
    claim(ns.apps, `${e.name}-config`, 'events.name', 'ConfigMap');
    claim(ns.apps, `${e.name}-streams`, 'events.name', 'ServiceAccount', 'NetworkPolicy');
    // The stream Job and its definitions are named by a hash of what they apply.
    claims.push({ kinds: ['Job', 'ConfigMap'], namespace: ns.apps, name: `${e.name}-streams-`, prefix: true, field: 'events.name' });
    if (e.smoke.enabled) {
      // Only when some service consumes what another publishes (charts/event-bus.ts smokePair).
      claims.push({ kinds: ['ServiceAccount', 'NetworkPolicy'], namespace: ns.apps, name: `${e.name}-smoke`, field: 'events.name', optional: true });
      claims.push({ kinds: ['Job'], namespace: ns.apps, name: `${e.name}-smoke-`, prefix: true, field: 'events.name', optional: true });
    }
  }

  const m = config.monitoring;
  if (m.enabled) {
    const p = m.prometheus.name;
    claim(ns.monitoring, p, 'monitoring.prometheus.name', ...STATEFUL, 'PodDisruptionBudget');
    for (const suffix of ['config', 'rules']) claim(ns.monitoring, `${p}-${suffix}`, 'monitoring.prometheus.name', 'ConfigMap');
    for (const where of [ns.apps, ns.monitoring, ns.nodeMonitoring]) claim(where, `${p}-discovery`, 'monitoring.prometheus.name', 'Role', 'RoleBinding');
    claim(undefined, `${ns.monitoring}-${p}`, 'monitoring.prometheus.name', 'ClusterRole', 'ClusterRoleBinding');
    claim(ns.monitoring, m.alertmanager.name, 'monitoring.alertmanager.name', ...WORKLOAD);
    claim(ns.monitoring, `${m.alertmanager.name}-config`, 'monitoring.alertmanager.name', 'ConfigMap');
    claim(ns.monitoring, m.grafana.name, 'monitoring.grafana.name', ...WORKLOAD);
    for (const suffix of ['datasources', 'dashboard-providers', 'dashboards']) claim(ns.monitoring, `${m.grafana.name}-${suffix}`, 'monitoring.grafana.name', 'ConfigMap');
    if (m.grafana.persistence.enabled) claim(ns.monitoring, `${m.grafana.name}-data`, 'monitoring.grafana.name', 'PersistentVolumeClaim');
    claim(ns.monitoring, m.kubeStateMetrics.name, 'monitoring.kubeStateMetrics.name', 'Deployment', 'Service', 'ServiceAccount', 'NetworkPolicy');
    claim(undefined, `${ns.monitoring}-${m.kubeStateMetrics.name}`, 'monitoring.kubeStateMetrics.name', 'ClusterRole', 'ClusterRoleBinding');
    claim(ns.nodeMonitoring, m.nodeExporter.name, 'monitoring.nodeExporter.name', 'DaemonSet', 'ServiceAccount', 'NetworkPolicy');
  }

  const j = config.jenkins;
  if (j.enabled) {
    claim(ns.ci, j.name, 'jenkins.name', ...STATEFUL);
    claim(ns.ci, `${j.name}-agent`, 'jenkins.name', 'Service', 'NetworkPolicy');
    claim(ns.ci, `${j.name}-agents`, 'jenkins.name', 'Role', 'RoleBinding');
    claim(ns.ci, `${j.name}-config`, 'jenkins.name', 'ConfigMap');
  }
  // The deploy identity exists only when Jenkins deploys (no GitOps mode: charts/jenkins.ts jenkinsDeploys).
  if (j.enabled && config.gitops.mode === 'none') {
    claim(ns.ci, `${j.name}-deploy`, 'jenkins.name', 'ServiceAccount');
    // The deploy identity's rights where it deploys: the configured namespaces, or those with objects.
    const deployed = j.deploy.namespaces ?? [ns.ci, ns.apps, ...(m.enabled ? [ns.monitoring, ns.nodeMonitoring] : [])];
    for (const where of deployed) claim(where, `${j.name}-deploy`, 'jenkins.name', 'Role', 'RoleBinding');
    claim(undefined, `${ns.ci}-${j.name}-deploy`, 'jenkins.name', 'ClusterRole', 'ClusterRoleBinding');
  }
  // scripts/deploy.sh: the ApplySet parent's type (one for every environment) and this environment's
  // parent; under a GitOps mode that tool deploys and neither is generated (synth/build-app.ts).
  if (config.gitops.mode === 'none') {
    claim(undefined, APPLYSET_CRD_NAME, 'constant (constructs/applyset.ts)', 'CustomResourceDefinition');
    claim(undefined, `${config.partOf}-${j.deploy.environment}`, 'partOf, jenkins.deploy.environment', APPLYSET_TYPE.kind);
  }
  return claims;
}

/** One port a pod listens on, and the field that chose it. */
export interface PortClaim {
  readonly field: string;
  readonly port: number;
}

/** The pods of the environment (by the workload that runs them) and every port each listens on, declared or loopback-only. */
export interface PodPorts {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly ports: readonly PortClaim[];
}

export function podPorts(config: Config): PodPorts[] {
  const ns = config.namespaces;
  const pods: PodPorts[] = [];
  const pod = (kind: string, namespace: string, name: string, ...ports: [string, number][]) =>
    pods.push({ kind, namespace, name, ports: ports.map(([field, port]) => ({ field, port })) });
  const m = config.monitoring;

  config.services.forEach((s, i) => {
    const at = `services[${i}]`;
    pod('Deployment', ns.apps, s.name, [`${at}.port`, s.port]);
    const d = s.datastore;
    // The exporter sidecar runs only with monitoring.
    if (d.enabled) pod('StatefulSet', ns.apps, `${s.name}-redis`, [`${at}.datastore.port`, d.port], ...(m.enabled ? [[`${at}.datastore.exporter.port`, d.exporter.port] as [string, number]] : []));
  });
  const gw = config.gateway;
  pod('Deployment', ns.apps, gw.name, ['gateway.port', gw.port], ['gateway.statusPort', gw.statusPort], ['gateway.exporter.port', gw.exporter.port]);
  if (config.auth.enabled) pod('Deployment', ns.apps, config.auth.name, ['auth.port', config.auth.port]);
  const e = config.events;
  if (e.enabled) pod('StatefulSet', ns.apps, e.name, ...Object.entries(e.ports).map(([k, v]): [string, number] => [`events.ports.${k}`, v as number]));

  if (m.enabled) {
    const p = m.prometheus;
    pod('StatefulSet', ns.monitoring, p.name, ['monitoring.prometheus.port', p.port], ['monitoring.prometheus.reloader.port', p.reloader.port]);
    pod('Deployment', ns.monitoring, m.alertmanager.name, ['monitoring.alertmanager.port', m.alertmanager.port]);
    pod('Deployment', ns.monitoring, m.grafana.name, ['monitoring.grafana.port', m.grafana.port]);
    const k = m.kubeStateMetrics;
    pod('Deployment', ns.monitoring, k.name, ['monitoring.kubeStateMetrics.port', k.port], ['monitoring.kubeStateMetrics.telemetryPort', k.telemetryPort]);
    pod('DaemonSet', ns.nodeMonitoring, m.nodeExporter.name, ['monitoring.nodeExporter.port', m.nodeExporter.port]);
  }
  const j = config.jenkins;
  if (j.enabled) pod('StatefulSet', ns.ci, j.name, ['jenkins.port', j.port], ['jenkins.agentPort', j.agentPort]);
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

/**
 * Kubernetes' rule for the name of each kind, where it is stricter than a DNS-1123 subdomain.
 * A StatefulSet's pods carry `controller-revision-hash: <name>-<10-character hash>`, a label
 * value (at most 63), so its name can have at most 52 (kubernetes/kubernetes#64023); a Job's pods
 * carry `job-name: <name>`.
 */
const NAME_RULES: Record<string, { pattern: RegExp; max: number; what: string }> = {
  Service: { pattern: DNS1035_LABEL, max: 63, what: 'a Service name is a DNS-1035 label: lower-case letters, digits and "-", starting with a letter, at most 63 characters' },
  Namespace: { pattern: DNS1123_LABEL, max: 63, what: 'a namespace name is a DNS-1123 label of at most 63 characters' },
  StatefulSet: { pattern: DNS1123_LABEL, max: 52, what: 'a StatefulSet name has at most 52 characters: its pods carry "<name>-<10-character hash>" as a label value (at most 63)' },
  Job: { pattern: DNS1123_LABEL, max: 63, what: 'a Job name is a label value on its pods: at most 63 characters' },
};
const SUBDOMAIN_RULE = { pattern: DNS1123_SUBDOMAIN, max: 253, what: 'an object name is a DNS-1123 subdomain of at most 253 characters' };

/** Claimed names Kubernetes would refuse for their kind: the field, and the rule with the name it broke. */
export function nameProblems(claims: readonly Claim[]): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const seen = new Set<string>();
  for (const c of claims) {
    for (const kind of c.kinds) {
      const rule = NAME_RULES[kind] ?? SUBDOMAIN_RULE;
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
