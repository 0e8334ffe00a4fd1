import { parse } from 'yaml';
import { grafanaDashboards } from '../monitoring/dashboards';
import { exporterOf, METRIC_CATALOG } from '../monitoring/metric-catalog';
import { metricNames } from '../monitoring/promql';
import { configFrom, find, synthObjects } from './support/manifests';

/** The dashboards and datasource exactly as Grafana will read them: parsed from the synthesized ConfigMaps. */
function rendered(input = {}) {
  const config = configFrom(input);
  const objects = synthObjects(config);
  const ns = config.namespaces.monitoring;
  const dashboards = Object.entries(find(objects, 'ConfigMap', 'grafana-dashboards', ns).data as Record<string, string>).map(([file, text]) => ({
    file,
    model: JSON.parse(text),
  }));
  const datasources = parse(find(objects, 'ConfigMap', 'grafana-datasources', ns).data['datasources.yaml']);
  return { objects, dashboards, datasources };
}

function panelsOf(model: any): any[] {
  return (model.panels ?? []).flatMap((p: any) => [p, ...(p.panels ?? [])]);
}

function queriesOf(model: any): string[] {
  return panelsOf(model).flatMap((p: any) => (p.targets ?? []).map((t: any) => t.expr));
}

describe('Grafana provisioning', () => {
  const { dashboards, datasources } = rendered();

  test('provisions the five dashboards: nodes, microservices, workloads, Jenkins, event bus', () => {
    expect(dashboards.map((d) => d.model.title).sort()).toEqual(['Event bus', 'Jenkins', 'Microservices', 'Nodes and cluster', 'Workloads and pods']);
  });

  test('the datasource is Prometheus through its Service DNS name and port, with a fixed uid', () => {
    expect(datasources.datasources).toHaveLength(1);
    const ds = datasources.datasources[0];
    expect(ds.type).toBe('prometheus');
    expect(ds.url).toBe('http://prometheus.monitoring.svc.cluster.local:9090');
    expect(ds.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
  });

  test('the datasource URL follows the Prometheus name, namespace, port and cluster domain in the configuration', () => {
    const custom = rendered({
      namespaces: { monitoring: 'obs' },
      cluster: { domain: 'k8s.example' },
      monitoring: { prometheus: { name: 'prom', port: 9999 } },
    });
    expect(custom.datasources.datasources[0].url).toBe('http://prom.obs.svc.k8s.example:9999');
  });

  test('every panel and every query names the provisioned datasource uid', () => {
    const uid = datasources.datasources[0].uid;
    for (const { model } of dashboards) {
      for (const panel of panelsOf(model).filter((p) => p.type !== 'row')) {
        expect({ panel: panel.title, ds: panel.datasource }).toEqual({ panel: panel.title, ds: { type: 'prometheus', uid } });
        expect(panel.targets.length).toBeGreaterThan(0);
        for (const t of panel.targets) expect({ panel: panel.title, ds: t.datasource }).toEqual({ panel: panel.title, ds: { type: 'prometheus', uid } });
      }
    }
  });

  test('dashboard uids are unique, valid, name their file, and stable across configurations', () => {
    const uids = dashboards.map((d) => d.model.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const d of dashboards) {
      expect(d.model.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
      expect(d.file).toBe(`${d.model.uid}.json`);
    }
    const other = rendered({
      partOf: 'shop',
      namespaces: { apps: 'shop-apps' },
      services: [{ name: 'cart', events: { publishes: ['cart.ordered'] } }],
      events: { streams: [{ name: 'CART', subjects: ['cart.>'] }] },
    });
    expect(other.dashboards.map((d) => d.model.uid).sort()).toEqual([...uids].sort());
  });

  test('panel ids are unique within each dashboard and panels do not overlap on the grid', () => {
    for (const { model } of dashboards) {
      const panels = panelsOf(model);
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const [i, a] of panels.entries()) {
        expect(a.gridPos.x + a.gridPos.w).toBeLessThanOrEqual(24);
        for (const b of panels.slice(i + 1)) {
          const overlap =
            a.gridPos.x < b.gridPos.x + b.gridPos.w && b.gridPos.x < a.gridPos.x + a.gridPos.w && a.gridPos.y < b.gridPos.y + b.gridPos.h && b.gridPos.y < a.gridPos.y + a.gridPos.h;
          expect({ a: a.title, b: b.title, overlap }).toEqual({ a: a.title, b: b.title, overlap: false });
        }
      }
    }
  });

  test('every metric every query reads is in the metric catalogue', () => {
    const unknown: string[] = [];
    for (const { model } of dashboards) {
      for (const expr of queriesOf(model)) {
        const names = metricNames(expr);
        expect({ expr, names: names.length > 0 }).toEqual({ expr, names: true });
        for (const name of names) if (!exporterOf(name)) unknown.push(`${model.uid}: ${name} (in ${expr})`);
      }
    }
    expect(unknown).toEqual([]);
  });

  test('each dashboard reads the exporters it is about', () => {
    const exportersOf = (title: string) =>
      new Set(queriesOf(dashboards.find((d) => d.model.title === title)!.model).flatMap((q) => metricNames(q).map((m) => exporterOf(m))));
    expect([...exportersOf('Nodes and cluster')]).toEqual(expect.arrayContaining(['node-exporter', 'kube-state-metrics']));
    expect([...exportersOf('Microservices')]).toEqual(expect.arrayContaining(['nginx-exporter', 'podinfo']));
    expect([...exportersOf('Workloads and pods')]).toEqual(expect.arrayContaining(['kube-state-metrics', 'cadvisor']));
    expect([...exportersOf('Jenkins')]).toEqual(['jenkins']);
  });

  test('the microservices dashboard offers every configured service, one at a time, through the service variable', () => {
    const model = rendered({ services: [{ name: 'cart' }, { name: 'search' }] }).dashboards.find((d) => d.model.title === 'Microservices')!.model;
    const variable = model.templating.list.find((v: any) => v.name === 'service');
    expect(variable.query.split(',')).toEqual(['cart', 'search']);
    const rows = model.panels.filter((p: any) => p.type === 'row').map((p: any) => p.title);
    expect(rows).toContain('Service $service');
    const queries = queriesOf(model).join('\n');
    expect(queries).toContain('service="$service"');
    expect(queries).not.toContain('news');
  });

  test('the dashboards do not grow with the number of services beyond the variable list', () => {
    const size = (n: number) =>
      JSON.stringify(grafanaDashboards(configFrom({ services: Array.from({ length: n }, (_, i) => ({ name: `s${String(i).padStart(4, '0')}` })) })).map((d) => d.model)).length;
    // 990 more names of 5 characters and a comma: about 6 KB, nothing per service beyond that.
    expect(size(1000) - size(10)).toBeLessThan(990 * 6 + 500);
  });

  test("the dashboards ConfigMap fits client-side kubectl apply's 256 KiB annotation limit, even with ten services", () => {
    const services = Array.from({ length: 10 }, (_, i) => ({ name: `service-${i}` }));
    const config = configFrom({ services });
    const configMap = find(synthObjects(config), 'ConfigMap', 'grafana-dashboards', config.namespaces.monitoring);
    // kubectl stores the whole object as JSON in the last-applied-configuration annotation.
    expect(Buffer.byteLength(JSON.stringify(configMap))).toBeLessThan(256 * 1024);
  });

  test('the Jenkins dashboard exists only when Jenkins is deployed', () => {
    const titles = rendered({ jenkins: { enabled: false } }).dashboards.map((d) => d.model.title);
    expect(titles).not.toContain('Jenkins');
    expect(titles).toHaveLength(4);
  });

  test('the event bus dashboard exists only when the bus is deployed', () => {
    const titles = rendered({ events: { enabled: false } }).dashboards.map((d) => d.model.title);
    expect(titles).not.toContain('Event bus');
    expect(titles).toHaveLength(4);
  });
});

describe('metric catalogue', () => {
  test('no metric is claimed by two exporters, and every name is a valid Prometheus metric name', () => {
    const all = Object.values(METRIC_CATALOG).flatMap((e) => e.metrics);
    expect(new Set(all).size).toBe(all.length);
    for (const m of all) expect(m).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
  });

  test('exporterOf finds the exporter of a known name and nothing for an unknown one', () => {
    expect(exporterOf('node_load1')).toBe('node-exporter');
    expect(exporterOf('http_request_duration_seconds_bucket')).toBe('podinfo');
    expect(exporterOf('node_load_one')).toBeUndefined();
  });
});
