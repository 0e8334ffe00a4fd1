import type { Config } from '../config/schema';
import type { EnvironmentModel } from '../model/environment';

/**
 * Grafana provisioning files as typed data (datasource and dashboard provider), serialized once by
 * the Grafana chart. Grafana reads both only at start, so the chart rolls its pod when they change.
 */

/** Fixed, so every dashboard panel can name it and a re-created Grafana keeps working dashboards. */
export const PROMETHEUS_DATASOURCE_UID = 'prometheus';
export const PROMETHEUS_DATASOURCE_TYPE = 'prometheus';

/** Where the dashboards ConfigMap is mounted, read-only. */
export const DASHBOARDS_DIR = '/etc/grafana/dashboards';

export interface DatasourceProvisioning {
  readonly apiVersion: 1;
  /** Datasources Grafana has but this file no longer lists are deleted: the file is the truth. */
  readonly prune: boolean;
  readonly datasources: ReadonlyArray<{
    readonly name: string;
    readonly type: string;
    readonly uid: string;
    readonly access: 'proxy';
    readonly url: string;
    readonly isDefault: boolean;
    readonly editable: boolean;
    readonly jsonData: Readonly<Record<string, string | number | boolean>>;
  }>;
}

export interface DashboardProviderProvisioning {
  readonly apiVersion: 1;
  readonly providers: ReadonlyArray<{
    readonly name: string;
    readonly orgId: number;
    readonly folder: string;
    readonly type: 'file';
    readonly disableDeletion: boolean;
    readonly allowUiUpdates: boolean;
    readonly updateIntervalSeconds: number;
    readonly options: { readonly path: string; readonly foldersFromFilesStructure: boolean };
  }>;
}

export function datasourceProvisioning(model: EnvironmentModel): DatasourceProvisioning {
  return {
    apiVersion: 1,
    prune: true,
    datasources: [
      {
        name: 'Prometheus',
        type: PROMETHEUS_DATASOURCE_TYPE,
        uid: PROMETHEUS_DATASOURCE_UID,
        // Grafana's server queries Prometheus, so only Grafana's pod needs a NetworkPolicy path to it.
        access: 'proxy',
        url: model.prometheus.url,
        isDefault: true,
        editable: false,
        jsonData: {
          httpMethod: 'POST',
          prometheusType: 'Prometheus',
          // Grafana assumes 15s otherwise, and $__rate_interval (at least 4 × this) would be 60s:
          // two 30s scrapes at best in Prometheus 3's left-open windows, so one late scrape blanks rate().
          timeInterval: model.config.monitoring.prometheus.scrapeInterval,
        },
      },
    ],
  };
}

export function dashboardProviderProvisioning(config: Config): DashboardProviderProvisioning {
  return {
    apiVersion: 1,
    providers: [
      {
        name: config.partOf,
        orgId: 1,
        folder: config.partOf,
        type: 'file',
        // Dashboards are code: edits in the UI would be lost at the next restart, so they are refused.
        disableDeletion: true,
        allowUiUpdates: false,
        // The kubelet refreshes the mounted ConfigMap; Grafana picks changed dashboards up without a restart.
        updateIntervalSeconds: 30,
        options: { path: DASHBOARDS_DIR, foldersFromFilesStructure: false },
      },
    ],
  };
}
