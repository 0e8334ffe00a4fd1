import { stringify } from 'yaml';
import { Labels } from '../lib/labels';

/**
 * The subset of Prometheus' configuration file, rule file and Alertmanager configuration that this
 * project writes, as types. Charts build these objects; `renderYaml` serializes them once for the
 * ConfigMap and for promtool/amtool. Field names are Prometheus' own (snake_case).
 */

export type RelabelAction = 'replace' | 'keep' | 'drop' | 'labelmap' | 'labeldrop' | 'labelkeep';

export interface RelabelConfig {
  readonly source_labels?: readonly string[];
  readonly separator?: string;
  readonly regex?: string;
  readonly target_label?: string;
  readonly replacement?: string;
  readonly action?: RelabelAction;
}

export interface KubernetesSdConfig {
  readonly role: 'pod' | 'node' | 'endpoints' | 'service';
  readonly namespaces?: { readonly names: readonly string[] };
  /** Server-side label/field selectors: Prometheus watches only the matching objects. */
  readonly selectors?: ReadonlyArray<{ readonly role: string; readonly label?: string; readonly field?: string }>;
}

export interface TlsConfig {
  readonly ca_file?: string;
  readonly insecure_skip_verify?: boolean;
}

export interface ScrapeConfig {
  readonly job_name: string;
  readonly metrics_path?: string;
  readonly scheme?: 'http' | 'https';
  readonly honor_labels?: boolean;
  readonly tls_config?: TlsConfig;
  readonly authorization?: { readonly type?: 'Bearer'; readonly credentials_file: string };
  readonly static_configs?: ReadonlyArray<{ readonly targets: readonly string[]; readonly labels?: Labels }>;
  readonly kubernetes_sd_configs?: readonly KubernetesSdConfig[];
  readonly relabel_configs?: readonly RelabelConfig[];
  readonly metric_relabel_configs?: readonly RelabelConfig[];
}

export interface AlertmanagerTarget {
  readonly api_version: 'v2';
  readonly kubernetes_sd_configs?: readonly KubernetesSdConfig[];
  readonly relabel_configs?: readonly RelabelConfig[];
}

export interface PrometheusConfig {
  readonly global: {
    readonly scrape_interval: string;
    readonly scrape_timeout: string;
    readonly evaluation_interval: string;
  };
  readonly alerting: { readonly alertmanagers: readonly AlertmanagerTarget[] };
  readonly rule_files: readonly string[];
  readonly scrape_configs: readonly ScrapeConfig[];
}

export type Severity = 'warning' | 'critical';

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: Severity } & Labels;
  readonly annotations: { readonly summary: string; readonly description: string };
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

export interface RuleFile {
  readonly groups: readonly RuleGroup[];
}

/** Serialize configuration data once, the same way for ConfigMaps and for the real tools. */
export function renderYaml(data: unknown): string {
  // lineWidth 0: never fold long PromQL expressions or descriptions across lines.
  // No anchors/aliases for shared objects: the file reads the same as it is meant.
  return stringify(data, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** The server-side label selector `k1=v1,k2=v2` for Kubernetes service discovery. */
export function labelSelector(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

/** `app.kubernetes.io/name` → `__meta_kubernetes_pod_label_app_kubernetes_io_name` */
export function podLabelMeta(label: string): string {
  return `__meta_kubernetes_pod_label_${label.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/** Copy a discovery label to a target label. */
export function copyLabel(source: string, target: string): RelabelConfig {
  return { source_labels: [source], target_label: target, action: 'replace' };
}
