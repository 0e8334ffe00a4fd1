import { parse } from 'yaml';
import { ALERT_RULES_FILE, PROMETHEUS_CONFIG_FILE } from '../charts/prometheus-config';
import type { ConfigInput } from '../config/schema';
import { configFrom, find, synthObjects } from './support/manifests';

/**
 * Dashboards and alerts that agree with each other and with Prometheus, read from the synthesized
 * ConfigMaps (what Grafana and Prometheus load), not from the code that builds them.
 */
function rendered(input: ConfigInput = {}) {
  const config = configFrom(input);
  const objects = synthObjects(config);
  const ns = config.namespaces.monitoring;
  const p = config.monitoring.prometheus.name;
  const g = config.monitoring.grafana.name;
  const dashboards = find(objects, 'ConfigMap', `${g}-dashboards`, ns).data as Record<string, string>;
  return {
    prometheus: parse(find(objects, 'ConfigMap', `${p}-config`, ns).data[PROMETHEUS_CONFIG_FILE]),
    datasources: parse(find(objects, 'ConfigMap', `${g}-datasources`, ns).data['datasources.yaml']).datasources as Array<{ type: string; jsonData: Record<string, unknown> }>,
    rules: parse(find(objects, 'ConfigMap', `${p}-rules`, ns).data[ALERT_RULES_FILE]).groups.flatMap((gr: { rules: unknown[] }) => gr.rules) as Array<{ alert: string; expr: string }>,
    panels: Object.values(dashboards).flatMap((json) => JSON.parse(json).panels ?? []) as Array<{ title: string; targets?: Array<{ expr: string }> }>,
  };
}

describe('the Grafana datasource knows how often Prometheus scrapes', () => {
  // Grafana's $__rate_interval is at least 4 × the datasource's interval: with the real scrape
  // interval, every rate() window holds four scrapes; with Grafana's 15s default and a 30s scrape
  // it would hold two at best.
  test.each([
    ['the default', {}],
    ['a 1m scrape interval', { monitoring: { prometheus: { scrapeInterval: '1m', scrapeTimeout: '20s' } } }],
    ['a 15s scrape interval', { monitoring: { prometheus: { scrapeInterval: '15s' } } }],
  ] as Array<[string, ConfigInput]>)('%s: jsonData.timeInterval is prometheus.yml global.scrape_interval', (_what, input) => {
    const { prometheus, datasources } = rendered(input);
    const ds = datasources.filter((d) => d.type === 'prometheus');
    expect(ds).toHaveLength(1);
    expect(typeof prometheus.global.scrape_interval).toBe('string');
    expect(ds[0].jsonData.timeInterval).toBe(prometheus.global.scrape_interval);
    // No job overrides it, so the one value holds for every series a panel reads.
    expect(prometheus.scrape_configs.filter((j: { scrape_interval?: string }) => j.scrape_interval !== undefined)).toEqual([]);
  });
});

describe('the filesystem alert and the filesystem panel watch the same filesystems', () => {
  const { rules, panels } = rendered();
  /** The fstype matcher of every node_filesystem_* selector in `expr`. */
  const fstypeMatchers = (expr: string) => [...expr.matchAll(/node_filesystem_[a-z_]+\{([^}]*)\}/g)].map((m) => /fstype\s*!~\s*"((?:[^"\\]|\\.)*)"/.exec(m[1])?.[1]);
  const alert = rules.find((r) => r.alert === 'NodeFilesystemAlmostFull')!;
  const panel = panels.find((p) => p.title === 'Filesystem used')!;
  const alertMatchers = fstypeMatchers(alert.expr);
  const panelMatchers = (panel.targets ?? []).flatMap((t) => fstypeMatchers(t.expr));

  test('every filesystem series in both is filtered by one and the same fstype exclusion', () => {
    expect(alertMatchers.length).toBeGreaterThanOrEqual(2);
    expect(panelMatchers.length).toBeGreaterThanOrEqual(2);
    const all = new Set([...alertMatchers, ...panelMatchers]);
    expect(all.size).toBe(1);
    expect([...all][0]).toEqual(expect.any(String));
  });

  test('the exclusion drops in-memory and container filesystems and lxcfs, and keeps disks and other FUSE mounts', () => {
    // PromQL string → RE2 pattern (the string literal doubles backslashes); Prometheus anchors it.
    const pattern = new RegExp(`^(?:${alertMatchers[0]!.replace(/\\\\/g, '\\')})$`);
    for (const excluded of ['tmpfs', 'ramfs', 'overlay', 'squashfs', 'nsfs', 'autofs', 'fuse.lxcfs']) expect({ excluded, match: pattern.test(excluded) }).toEqual({ excluded, match: true });
    for (const kept of ['ext4', 'xfs', 'btrfs', 'fuseblk', 'fuse.sshfs', 'fuse-lxcfs', 'tmpfs2']) expect({ kept, match: pattern.test(kept) }).toEqual({ kept, match: false });
  });
});
