import { parse } from 'yaml';
import { matchesMap } from './label-selector';
import type { Manifest } from './manifests';
import { configMapReaders } from './urls';
import { declaredPorts, podTemplates, PodTemplate } from './workloads';

/**
 * Targets a Prometheus configuration finds through Kubernetes pod discovery: a job (or an
 * Alertmanager set) with `kubernetes_sd_configs` of role pod, restricted by `namespaces.names`
 * and a pod `selectors` label expression, and kept to one container port by a `keep` rule on
 * `__meta_kubernetes_pod_container_port_name`. Each such target is a flow the system needs:
 * the pods that read the configuration reach the selected pods on that port.
 */
export interface DiscoveredTarget {
  readonly reader: PodTemplate;
  readonly target: PodTemplate;
  readonly port: number;
  readonly because: string;
}

interface SdJob {
  readonly name: string;
  readonly kubernetes_sd_configs?: Array<{ role?: string; namespaces?: { names?: string[] }; selectors?: Array<{ role?: string; label?: string }> }>;
  readonly relabel_configs?: Array<{ source_labels?: string[]; regex?: string; action?: string }>;
}

/** `a=b,c=d` → {a: b, c: d}; undefined for set-based expressions, which this does not evaluate. */
function equalityLabels(expr: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const part of expr.split(',')) {
    const m = /^\s*([^=!\s]+)\s*==?\s*([^=\s]*)\s*$/.exec(part);
    if (!m) return undefined;
    out[m[1]] = m[2];
  }
  return out;
}

function sdJobs(config: any): SdJob[] {
  if (!config || typeof config !== 'object') return [];
  const scrape = Array.isArray(config.scrape_configs) ? config.scrape_configs.map((j: any) => ({ ...j, name: `job ${j.job_name}` })) : [];
  const alerting = Array.isArray(config.alerting?.alertmanagers) ? config.alerting.alertmanagers.map((a: any, i: number) => ({ ...a, name: `alertmanagers[${i}]` })) : [];
  return [...scrape, ...alerting];
}

export function discoveredTargets(manifests: readonly Manifest[]): DiscoveredTarget[] {
  const pods = podTemplates(manifests);
  const readersOf = configMapReaders(pods);
  const out: DiscoveredTarget[] = [];
  for (const m of manifests.filter((x) => x.object.kind === 'ConfigMap')) {
    for (const [key, value] of Object.entries((m.object.data ?? {}) as Record<string, string>)) {
      if (!/scrape_configs|alertmanagers/.test(value)) continue;
      let config: unknown;
      try {
        config = parse(value);
      } catch {
        continue; // not YAML: not a Prometheus configuration
      }
      const readers = readersOf(m.object.metadata.namespace ?? 'default', m.object.metadata.name);
      for (const job of sdJobs(config)) {
        const portNames = (job.relabel_configs ?? [])
          .filter((r) => r.action === 'keep' && (r.source_labels ?? []).join(';') === '__meta_kubernetes_pod_container_port_name' && r.regex)
          .map((r) => new RegExp(`^(?:${r.regex})$`));
        for (const sd of job.kubernetes_sd_configs ?? []) {
          if (sd.role !== 'pod') continue;
          const names = sd.namespaces?.names;
          const selectors = (sd.selectors ?? []).filter((s) => s.role === 'pod' && s.label).map((s) => equalityLabels(s.label!));
          if (selectors.some((s) => s === undefined) || selectors.length === 0) continue; // annotation-driven jobs are covered by flows.ts
          for (const target of pods) {
            if (names && !names.includes(target.namespace)) continue;
            if (!selectors.every((s) => matchesMap(s!, target.labels))) continue;
            for (const port of declaredPorts(target)) {
              if (portNames.length > 0 && !portNames.every((re) => re.test(port.name ?? ''))) continue;
              for (const reader of readers) {
                if (reader.workload !== target.workload) out.push({ reader, target, port: port.containerPort, because: `ConfigMap ${m.object.metadata.name} data["${key}"] ${job.name} discovers it` });
              }
            }
          }
        }
      }
    }
  }
  return out;
}
