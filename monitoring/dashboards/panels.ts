import * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { PROMETHEUS_DATASOURCE_TYPE, PROMETHEUS_DATASOURCE_UID } from '../grafana-provisioning';

/**
 * A thin layer over Grafana's foundation SDK (the official dashboards-as-code builders), so each
 * dashboard file reads as a list of questions and the PromQL that answers them. Every panel and
 * every query names the provisioned Prometheus datasource by its fixed uid.
 */

export const PROMETHEUS: common.DataSourceRef = { type: PROMETHEUS_DATASOURCE_TYPE, uid: PROMETHEUS_DATASOURCE_UID };

export interface Query {
  readonly expr: string;
  /** Series name in the legend, e.g. `{{pod}}`. */
  readonly legend: string;
}

export interface PanelOptions {
  /** Grid columns out of 24. */
  readonly width?: number;
  readonly height?: number;
  readonly min?: number;
  readonly max?: number;
  /** Stack the series (shares of a whole: CPU modes, pod phases). */
  readonly stacked?: boolean;
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function target(q: Query, index: number, instant: boolean): prometheus.DataqueryBuilder {
  const b = new prometheus.DataqueryBuilder().datasource(PROMETHEUS).refId(REF_IDS[index]).expr(q.expr).legendFormat(q.legend);
  return instant ? b.instant() : b.range();
}

/** A graph over time. */
export function graph(title: string, description: string, unit: string, queries: readonly Query[], o: PanelOptions = {}): timeseries.PanelBuilder {
  const b = new timeseries.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(PROMETHEUS)
    .unit(unit)
    .span(o.width ?? 12)
    .height(o.height ?? 8)
    .fillOpacity(o.stacked ? 40 : 10)
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom))
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
  if (o.stacked) b.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (o.min !== undefined) b.min(o.min);
  if (o.max !== undefined) b.max(o.max);
  queries.forEach((q, i) => b.withTarget(target(q, i, false)));
  return b;
}

/** One number now (the last value), with a sparkline of its recent past. */
export function single(title: string, description: string, unit: string, queries: readonly Query[], o: PanelOptions = {}): stat.PanelBuilder {
  const b = new stat.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(PROMETHEUS)
    .unit(unit)
    .span(o.width ?? 6)
    .height(o.height ?? 4)
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
  if (o.min !== undefined) b.min(o.min);
  if (o.max !== undefined) b.max(o.max);
  queries.forEach((q, i) => b.withTarget(target(q, i, false)));
  return b;
}

export interface Section {
  readonly title: string;
  readonly panels: ReadonlyArray<cog.Builder<dashboard.Panel>>;
}

export interface DashboardSpec {
  /** Stable: links and bookmarks use it, so it never derives from the title. */
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly sections: readonly Section[];
  readonly variables?: ReadonlyArray<cog.Builder<dashboard.VariableModel>>;
}

/** Build the dashboard JSON model, with panel ids numbered in order so the output is deterministic. */
export function buildDashboard(spec: DashboardSpec): dashboard.Dashboard {
  const b = new dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([...spec.tags])
    .readonly()
    .timezone('browser')
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .variables([...(spec.variables ?? [])])
    .annotations([]);
  for (const section of spec.sections) {
    b.withRow(new dashboard.RowBuilder(section.title));
    for (const panel of section.panels) b.withPanel(panel);
  }
  const built = b.build();
  (built.panels ?? []).forEach((p, i) => {
    p.id = i + 1;
  });
  return built;
}
