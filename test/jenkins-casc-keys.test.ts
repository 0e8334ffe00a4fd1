import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { alertRules } from '../charts/alert-rules';
import { JOBS } from '../charts/prometheus-config';
import { loadConfig } from '../model/load';
import { DEFAULT_JENKINS_IMAGE, DEFAULT_PLUGINS } from '../config/schema/jenkins';
import { CASC_KEYS, cascKeyPaths, NOT_CONFIGURABLE, RECORDED_VERSIONS, unrecordedCascKeys } from '../constructs/jenkins-casc-keys';
import { dashboardQueries, grafanaDashboards } from '../monitoring/dashboards';
import { isJenkinsMetric, JENKINS_METRICS, JENKINS_METRICS_VERSIONS } from '../monitoring/jenkins-metrics';
import { metricNames } from '../monitoring/promql';
import type { Config } from '../config/schema';
import { configFrom, find, synthObjects } from './support/manifests';

function generatedCasc(config: Config): unknown {
  const objects = synthObjects(config);
  return parse(find(objects, 'ConfigMap', `${config.jenkins.name}-config`, config.namespaces.ci).data['jenkins.yaml']);
}

const prodFile = path.join(__dirname, '..', 'config', 'environments', 'prod.yaml');
const configs: [string, Config][] = [
  ['default', configFrom()],
  ['no SCM polling', configFrom({ jenkins: { job: { pollSchedule: '' } } })],
  ...(existsSync(prodFile) ? [['prod', loadConfig({ env: 'prod' }).config] as [string, Config]] : []),
];

describe('every JCasC key the generator writes is in the reviewed record', () => {
  test.each(configs)('%s configuration', (_name, config) => {
    expect(unrecordedCascKeys(generatedCasc(config))).toEqual([]);
  });

  test('the check rejects a key that is not recorded and the keys recorded as not configurable', () => {
    const doc = generatedCasc(configFrom()) as any;
    doc.unclassified.prometheusConfiguration.urlName = 'prometheus';
    doc.jenkins.remotingSecurity = { enabled: true };
    doc.jenkins.clouds[0].kubernetes.maxRequestsPerHost = 32;
    expect(unrecordedCascKeys(doc).sort()).toEqual([
      expect.stringMatching(/^jenkins\.clouds\[\]\.kubernetes\.maxRequestsPerHost: not in the reviewed record/),
      expect.stringMatching(/^jenkins\.remotingSecurity\.enabled: not configurable/),
      expect.stringMatching(/^jenkins\.remotingSecurity: not configurable/),
      expect.stringMatching(/^unclassified\.prometheusConfiguration\.urlName: not configurable.*`path`/),
    ]);
  });

  test('key paths name list items with [] and nested keys with dots', () => {
    expect(cascKeyPaths({ a: { b: [{ c: 1 }, { d: [{ e: 2 }] }] } })).toEqual(['a', 'a.b', 'a.b[].c', 'a.b[].d', 'a.b[].d[].e']);
  });

  test('the prometheus endpoint is configured by `path`, which the record knows, and never by `urlName`', () => {
    expect(CASC_KEYS['unclassified.prometheusConfiguration.path']).toBeDefined();
    expect(CASC_KEYS['unclassified.prometheusConfiguration.urlName']).toBeUndefined();
    expect(NOT_CONFIGURABLE['unclassified.prometheusConfiguration.urlName'].reason).toContain('no setter');
  });

  test('every record entry cites a source file and line at its recorded version', () => {
    for (const [key, entry] of [...Object.entries(CASC_KEYS), ...Object.entries(NOT_CONFIGURABLE)]) {
      expect({ key, source: entry.source }).toEqual({ key, source: expect.stringMatching(/\.(java|groovy):[0-9]+/) });
    }
  });

  // A version bump must force a re-check of the record: the pins and the record must agree.
  test('the record was checked against exactly the pinned core and plugin versions', () => {
    expect(DEFAULT_JENKINS_IMAGE).toBe(RECORDED_VERSIONS.core.pin);
    for (const [component, v] of Object.entries(RECORDED_VERSIONS)) {
      if (component === 'core') continue;
      expect(DEFAULT_PLUGINS).toContain(v.pin);
    }
    expect(DEFAULT_PLUGINS).toContain(JENKINS_METRICS_VERSIONS['prometheus-plugin']);
  });
});

describe('every Jenkins metric the dashboards and alerts use is in the reviewed record', () => {
  const config = configFrom();
  const exprs = [
    ...grafanaDashboards(config).flatMap((d) => dashboardQueries(d.model as any)),
    ...alertRules(config).map((r) => r.expr),
  ];
  const used = [...new Set(exprs.flatMap(metricNames).filter(isJenkinsMetric))].sort();

  test('the Jenkins dashboard uses Jenkins metrics at all (the check is not vacuous)', () => {
    expect(used.length).toBeGreaterThan(5);
  });

  test('each is recorded with its collector and source', () => {
    expect(used.filter((m) => !JENKINS_METRICS[m])).toEqual([]);
  });

  test('no query applies rate() or increase() to the build-duration summary, which is rebuilt at every collection', () => {
    const summaryRates = exprs.filter((e) => /(rate|increase)\(\s*default_jenkins_builds_duration_milliseconds_summary/.test(e));
    expect(summaryRates).toEqual([]);
    expect(exprs.some((e) => e.includes('default_jenkins_builds_duration_milliseconds_summary_sum'))).toBe(true);
  });
});

describe('the scrape job reads the path the plugin serves', () => {
  test('metrics_path ends with a slash (the bare path is a redirect)', () => {
    const config = configFrom();
    const promCm = synthObjects(config).find((o) => o.kind === 'ConfigMap' && o.data?.['prometheus.yml']);
    const prom = parse(promCm!.data['prometheus.yml']);
    const job = prom.scrape_configs.find((j: any) => j.job_name === JOBS.jenkins);
    expect(job.metrics_path).toBe(`${config.jenkins.metricsPath}/`);
  });
});

test('docs/jenkins.md says how to re-check the record', () => {
  const doc = readFileSync(path.join(__dirname, '..', 'docs', 'jenkins.md'), 'utf8');
  expect(doc).toContain('constructs/jenkins-casc-keys.ts');
  expect(doc).toContain('monitoring/jenkins-metrics.ts');
});
