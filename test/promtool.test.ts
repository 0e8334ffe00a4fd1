import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { ALERTMANAGER_CONFIG_FILE } from '../charts/alertmanager';
import { ALERT_RULES_FILE, PROMETHEUS_CONFIG_FILE } from '../charts/prometheus-config';
import { renderYaml } from '../constructs/prometheus-config';
import type { ConfigInput } from '../config/schema';
import { RuleTestInputs, ruleTestFile, Workload } from './support/alert-rule-tests';
import { scrapeAuthSeries, ScrapedSeries } from './support/auth-service';
import { configFrom, find, K8sObject, synthObjects } from './support/manifests';
import { itWithTool, runTool } from './support/tools';

/**
 * Real-tool checks: the files are taken from the synthesized ConfigMaps (exactly what
 * `kubectl apply -f dist` installs) and checked by promtool and amtool.
 */
const HINT = 'scripts/install-tools.sh';
const itPromtool = itWithTool('promtool', HINT);
const itAmtool = itWithTool('amtool', HINT);

let workDir: string;
let authSeries: ScrapedSeries[];
beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'promtool-'));
  authSeries = await scrapeAuthSeries();
}, 30_000);
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function configMapFile(objects: K8sObject[], name: string, key: string, dir: string): string {
  const text = find(objects, 'ConfigMap', name, 'monitoring').data[key];
  expect(typeof text).toBe('string');
  const file = path.join(dir, key);
  writeFileSync(file, text);
  return file;
}

const WORKLOAD_KINDS: ReadonlyArray<Workload['kind']> = ['Deployment', 'StatefulSet', 'DaemonSet'];

/** What the alert tests are fed besides the rules: the synthesized workloads and the auth bundle's own series. */
function inputsFor(objects: K8sObject[]): RuleTestInputs {
  const workloads = objects
    .filter((o) => (WORKLOAD_KINDS as string[]).includes(o.kind))
    .map((o): Workload => ({ kind: o.kind as Workload['kind'], namespace: o.metadata.namespace ?? '', name: o.metadata.name, replicas: o.spec.replicas }));
  return { workloads, authSeries };
}

function extract(input: ConfigInput = {}, label = 'default') {
  const config = configFrom(input);
  const objects = synthObjects(config);
  const dir = mkdtempSync(path.join(workDir, `${label}-`));
  const p = config.monitoring.prometheus;
  return {
    config,
    objects,
    dir,
    prometheusYml: configMapFile(objects, `${p.name}-config`, PROMETHEUS_CONFIG_FILE, dir),
    rulesYml: configMapFile(objects, `${p.name}-rules`, ALERT_RULES_FILE, dir),
    alertmanagerYml: configMapFile(objects, `${config.monitoring.alertmanager.name}-config`, ALERTMANAGER_CONFIG_FILE, dir),
  };
}

describe('promtool', () => {
  itPromtool('accepts the rendered prometheus.yml (Kubernetes SD included)', () => {
    const { prometheusYml } = extract();
    const r = runTool('promtool', ['check', 'config', '--syntax-only', prometheusYml]);
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  itPromtool('accepts prometheus.yml without Jenkins and with other intervals', () => {
    const { prometheusYml } = extract({ jenkins: { enabled: false }, monitoring: { prometheus: { scrapeInterval: '1m', scrapeTimeout: '20s' } } }, 'variant');
    const r = runTool('promtool', ['check', 'config', '--syntax-only', prometheusYml]);
    expect(r.status).toBe(0);
  });

  itPromtool('accepts the rendered alert rules', () => {
    const { rulesYml } = extract();
    const r = runTool('promtool', ['check', 'rules', rulesYml]);
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  itPromtool('rejects a broken rule file, so the checks above can fail', () => {
    const file = path.join(workDir, 'broken.rules.yml');
    writeFileSync(file, renderYaml({ groups: [{ name: 'x', rules: [{ alert: 'Broken', expr: 'sum(rate(up[5m])' }] }] }));
    expect(runTool('promtool', ['check', 'rules', file]).status).not.toBe(0);
  });

  itPromtool('passes the unit tests of every alert (firing and not firing)', () => {
    const { config, objects, dir, rulesYml } = extract();
    const rules = parse(readFileSync(rulesYml, 'utf8')).groups.flatMap((g: { rules: unknown[] }) => g.rules);
    const inputs = inputsFor(objects);
    // The default environment has every kind, so each replica alert is exercised.
    expect([...new Set(inputs.workloads.map((w) => w.kind))].sort()).toEqual([...WORKLOAD_KINDS].sort());
    const testFile = path.join(dir, 'alerts.test.yml');
    writeFileSync(testFile, renderYaml(ruleTestFile(config, rules, path.basename(rulesYml), inputs)));
    const r = runTool('promtool', ['test', 'rules', testFile], dir);
    if (r.status !== 0) throw new Error(`promtool test rules failed:\n${r.output}`);
    expect(r.output).toContain('SUCCESS');
  });

  itPromtool('the alert unit tests fail when an alert does not behave as expected', () => {
    // The same tests against rules that can never fire: promtool must report the failures.
    const { config, objects, dir, rulesYml } = extract();
    const rules = parse(readFileSync(rulesYml, 'utf8')).groups.flatMap((g: { rules: Array<{ expr: string }> }) => g.rules);
    const flipped = rules.map((r: { expr: string }) => ({ ...r, expr: `(${r.expr}) and on () (vector(0) > 0)` }));
    const flippedFile = path.join(dir, 'flipped.rules.yml');
    writeFileSync(flippedFile, renderYaml({ groups: [{ name: 'flipped', rules: flipped }] }));
    const testFile = path.join(dir, 'flipped.test.yml');
    writeFileSync(testFile, renderYaml(ruleTestFile(config, rules, path.basename(flippedFile), inputsFor(objects))));
    const r = runTool('promtool', ['test', 'rules', testFile], dir);
    expect(r.status).not.toBe(0);
    // Every alert has a firing case, so every alert must show up as failed.
    for (const rule of rules as Array<{ alert: string }>) expect(r.output).toContain(`alertname: ${rule.alert},`);
  });
});

describe('amtool', () => {
  itAmtool('accepts the default alertmanager.yml (null receiver)', () => {
    const { alertmanagerYml } = extract();
    const r = runTool('amtool', ['check-config', alertmanagerYml]);
    expect(r.status).toBe(0);
  });

  itAmtool.each([
    ['slack', { type: 'slack', slackChannel: '#alerts' }],
    ['webhook', { type: 'webhook' }],
  ] as const)('accepts alertmanager.yml with a %s receiver', (label, receiver) => {
    const { alertmanagerYml } = extract({ monitoring: { alertmanager: { receiver } } }, label);
    const r = runTool('amtool', ['check-config', alertmanagerYml]);
    if (r.status !== 0) throw new Error(r.output);
    expect(r.output).toContain('1 inhibit rules');
  });
});
