import { alertRules } from '../charts/alert-rules';
import { CADVISOR_KEEP, EXPORTER_JOBS, JOBS, prometheusConfig } from '../charts/prometheus-config';
import { dashboardQueries, grafanaDashboards } from '../monitoring/dashboards';
import { exporterOf } from '../monitoring/metric-catalog';
import { metricNames } from '../monitoring/promql';
import { configFrom } from './support/manifests';

// Grafana and the alert rules read what Prometheus collects: tie each query to a scrape job.
const config = configFrom();
const scrape = prometheusConfig(config).scrape_configs;
const jobNames = scrape.map((j) => j.job_name);

const queries: Array<[string, string]> = [
  ...grafanaDashboards(config).flatMap((d) => dashboardQueries(d.model).map((q): [string, string] => [`dashboard ${d.uid}`, q])),
  ...alertRules(config).map((r): [string, string] => [`alert ${r.alert}`, r.expr]),
];

describe('every metric a dashboard or alert reads is collected by a scrape job', () => {
  test('there are queries to check', () => {
    expect(queries.length).toBeGreaterThan(30);
  });

  test.each(queries)('%s: %s', (_where, expr) => {
    for (const metric of metricNames(expr)) {
      const exporter = exporterOf(metric);
      expect({ metric, exporter }).toEqual({ metric, exporter: expect.any(String) });
      // At least one job that collects this exporter is configured.
      expect(EXPORTER_JOBS[exporter!].some((j) => jobNames.includes(j))).toBe(true);
      // cAdvisor series outside the keep list are dropped at scrape time.
      if (exporter === 'cadvisor') expect(CADVISOR_KEEP).toContain(metric);
    }
  });
});

describe('the microservices dashboard selects by labels the annotated-pods job attaches', () => {
  const job = scrape.find((j) => j.job_name === JOBS.annotatedPods)!;
  const targetLabels = new Set((job.relabel_configs ?? []).map((r) => r.target_label).filter((l): l is string => !!l && !l.startsWith('__')));
  // Labels podinfo's, the nginx exporter's and the auth service's own series carry (see monitoring/metric-catalog.ts sources).
  const ownLabels = new Set(['method', 'path', 'status', 'le', 'endpoint', 'outcome']);
  const dashboard = grafanaDashboards(config).find((d) => d.model.title === 'Microservices')!;

  test.each(dashboardQueries(dashboard.model))('%s', (expr) => {
    const matchers = [...expr.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*"/g)].map((m) => m[1]);
    const grouping = [...expr.matchAll(/\bby\s*\(([^)]*)\)/g)].flatMap((m) => m[1].split(',').map((s) => s.trim()).filter(Boolean));
    for (const label of [...matchers, ...grouping]) {
      expect({ label, known: targetLabels.has(label) || ownLabels.has(label) }).toEqual({ label, known: true });
    }
  });

  test('the service label carries the names the dashboard filters on', () => {
    const serviceRule = job.relabel_configs!.find((r) => r.target_label === 'service')!;
    expect(serviceRule.source_labels).toEqual(['__meta_kubernetes_pod_label_app_kubernetes_io_instance']);
  });
});
