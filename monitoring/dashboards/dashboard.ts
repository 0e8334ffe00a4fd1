import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

/** One provisioned dashboard (its own file so the dashboards and their index do not import each other). */
export interface GrafanaDashboard {
  /** Stable identity; also the file name in the dashboards ConfigMap (`<uid>.json`). */
  readonly uid: string;
  /** The Grafana dashboard JSON model (classic schema, which file provisioning accepts). */
  readonly model: dashboard.Dashboard;
}
