import { eventBusDeployed } from '../../model/events';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { GrafanaDashboard } from './dashboard';
import type { Config } from '../../config/schema';
import { eventBusDashboard } from './event-bus';

import { jenkinsDashboard } from './jenkins';
import { microservicesDashboard } from './microservices';
import { nodesDashboard } from './nodes';
import { workloadsDashboard } from './workloads';

export type { GrafanaDashboard };


/** Every provisioned dashboard, in a fixed order; Jenkins's only when Jenkins is deployed. */
export function grafanaDashboards(config: Config): GrafanaDashboard[] {
  return [
    nodesDashboard(config),
    microservicesDashboard(config),
    workloadsDashboard(config),
    ...(config.jenkins.enabled ? [jenkinsDashboard(config)] : []),
    ...(eventBusDeployed(config) ? [eventBusDashboard(config)] : []),
  ];
}

/** Every PromQL expression of a dashboard: panel targets and query variables. */
export function dashboardQueries(model: dashboard.Dashboard): string[] {
  const exprs: string[] = [];
  for (const panel of model.panels ?? []) {
    for (const t of ('targets' in panel ? panel.targets ?? [] : []) as Array<{ expr?: string }>) {
      if (t.expr !== undefined) exprs.push(t.expr);
    }
  }
  for (const v of model.templating?.list ?? []) {
    if (v.type === 'query' && typeof v.query === 'string') exprs.push(v.query);
  }
  return exprs;
}
