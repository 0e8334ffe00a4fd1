import { resolve } from '../model/resolve';
import { alertRules } from '../charts/alert-rules';
import { CADVISOR_KEEP, EXPORTER_JOBS, JOBS, prometheusConfig } from '../charts/prometheus-config';
import { dashboardQueries, grafanaDashboards } from '../monitoring/dashboards';
import { exporterOf } from '../monitoring/metric-catalog';
import { podLabelMeta } from '../constructs/prometheus-config';
import { metricNames } from '../monitoring/promql';
import { configFrom, ofKind, synthObjects } from './support/manifests';

// Grafana and the alert rules read what Prometheus collects: tie each query to a scrape job.
const config = configFrom();
const scrape = prometheusConfig(resolve(config)).scrape_configs;
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

describe('every datastore is scraped, and the dashboard finds it by the labels the scrape attaches', () => {
  const objects = synthObjects(config);
  const job = scrape.find((j) => j.job_name === JOBS.annotatedPods)!;
  const keep = job.relabel_configs!.find((r) => r.action === 'keep' && r.source_labels?.[0] === '__meta_kubernetes_pod_annotation_prometheus_io_scrape')!;
  const serviceFrom = job.relabel_configs!.find((r) => r.target_label === 'service')!.source_labels![0];
  const componentFrom = job.relabel_configs!.find((r) => r.target_label === 'component')!.source_labels![0];
  const podLabel = (pod: any, meta: string) => Object.entries(pod.metadata.labels as Record<string, string>).find(([k]) => podLabelMeta(k) === meta)?.[1];
  const redisPods = ofKind(objects, 'StatefulSet')
    .filter((s) => s.spec.template.spec.containers.some((c: any) => c.command?.[0] === 'redis-server'))
    .map((s) => [s.metadata.name as string, s] as const);

  test('there is a Redis for every service with a datastore', () => {
    expect(redisPods).toHaveLength(config.services.filter((s) => s.datastore.enabled).length);
  });

  test.each(redisPods)('%s is discovered by the annotated-pods job, on its exporter port', (_name, sts) => {
    const pod = sts.spec.template;
    expect(job.kubernetes_sd_configs![0].namespaces!.names).toContain(sts.metadata.namespace);
    expect(new RegExp(`^(?:${keep.regex})$`).test(pod.metadata.annotations?.['prometheus.io/scrape'] ?? '')).toBe(true);
    const exporterPorts = pod.spec.containers.filter((c: any) => c.command?.[0] !== 'redis-server').flatMap((c: any) => c.ports ?? []).map((p: any) => String(p.containerPort));
    expect(exporterPorts).toContain(pod.metadata.annotations['prometheus.io/port']);
  });

  test.each(redisPods)('%s: the alerts select its component label and the dashboard its service label', (_name, sts) => {
    const pod = sts.spec.template;
    const component = podLabel(pod, componentFrom)!;
    const service = podLabel(pod, serviceFrom)!;
    for (const rule of alertRules(config).filter((r) => metricNames(r.expr).some((m) => exporterOf(m) === 'redis-exporter'))) {
      expect(rule.expr).toContain(`component="${component}"`);
    }
    // The dashboard's datastore row selects `service="<…$service…>"`; one value of the variable yields this pod's label.
    const dashboard = grafanaDashboards(config).find((d) => d.model.title === 'Microservices')!;
    const redisQueries = dashboardQueries(dashboard.model).filter((q) => metricNames(q).some((m) => exporterOf(m) === 'redis-exporter'));
    expect(redisQueries.length).toBeGreaterThan(0);
    const variable = dashboard.model.templating!.list!.find((v) => v.name === 'service')!;
    const values = String(variable.query).split(',');
    for (const q of redisQueries) {
      const selected = /service="([^"]*)"/.exec(q)![1];
      expect(values.map((v) => selected.replace('$service', v))).toContain(service);
    }
  });
});
