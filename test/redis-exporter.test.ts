import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { alertRules } from '../charts/alert-rules';
import { datastoreName } from '../model/datastore-name';
import { dashboardQueries, grafanaDashboards } from '../monitoring/dashboards';
import { exporterOf, METRIC_CATALOG } from '../monitoring/metric-catalog';
import { metricNames } from '../monitoring/promql';
import { configFrom, find, synthObjects } from './support/manifests';
import { exposedMetricNames, freePort, httpGet, redisCommand, startHealthy, Started, withFlag } from './support/redis-server';
import { findTool, itWithTool } from './support/tools';

/**
 * A datastore pod's two programs, started as the synthesized StatefulSet starts them: redis-server
 * (Debian's 7.0; the image runs 7.4) with the redis container's command and arguments, and
 * redis_exporter (Debian's 1.69; the image runs the pinned 1.88) with the exporter container's
 * arguments. Only what cannot work outside a pod is replaced: ports (free ones on 127.0.0.1) and the
 * data directory (a temporary one). Each must come up healthy; a broken flag must stop that.
 */
const HINT = 'scripts/install-system-packages.sh (redis-server) and scripts/install-tools.sh (redis_exporter)';
const itRedis = itWithTool('redis-server', HINT);
// Both programs, or skipped (failing under CI=true) when either is missing.
const itBoth = itRedis === it ? itWithTool('redis_exporter', HINT) : itRedis;

const config = configFrom();
const service = config.services.find((s) => s.datastore.enabled)!;
const pod = find(synthObjects(config), 'StatefulSet', datastoreName(service.name), config.namespaces.apps).spec.template;
const containerNamed = (name: string) => pod.spec.containers.find((c: { name: string }) => c.name === name);
const redis = containerNamed('redis');
const exporter = containerNamed('exporter');

/** Metric names the alert rules and dashboards read from the Redis exporter. */
const usedRedisMetrics = [...new Set([...alertRules(config).map((r) => r.expr), ...grafanaDashboards(config).flatMap((d) => dashboardQueries(d.model))].flatMap(metricNames))]
  .filter((m) => exporterOf(m) === 'redis-exporter')
  .sort();

let dir = '';
const running: Started[] = [];
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'redis-exporter-'));
});
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 20_000);

/** redis-server with the generated arguments, on a free loopback port and its own data directory. */
async function startRedis(args: readonly string[] = redis.args): Promise<{ port: number; process: Started }> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(dir, 'data-'));
  const local = withFlag(withFlag(args, '--port', () => String(port)), '--dir', () => dataDir);
  // The pod listens on its own network namespace; here, loopback only.
  const started = await startHealthy(findTool(redis.command[0])!, [...local, '--bind', '127.0.0.1'], path.join(dataDir, 'redis.log'), async () => (await redisCommand(port, 'PING')) === '+PONG');
  running.push(started);
  return { port, process: started };
}

/** redis_exporter with the generated arguments, pointed at `redisPort` and listening on a free loopback port. */
async function startExporter(redisPort: number, args: readonly string[] = exporter.args): Promise<{ port: number; process: Started }> {
  const port = await freePort();
  const local = withFlag(
    withFlag(args, '--redis.addr', (addr) => {
      const url = new URL(addr);
      url.port = String(redisPort);
      return url.toString().replace(/\/$/, '');
    }),
    '--web.listen-address',
    () => `127.0.0.1:${port}`,
  );
  const started = await startHealthy(findTool('redis_exporter')!, local, path.join(dir, `exporter-${port}.log`), async () => (await httpGet(port, '/health')).status === 200);
  running.push(started);
  return { port, process: started };
}

describe('a datastore pod on real programs', () => {
  test('the pod runs redis and its exporter, and the scrape annotation names the exporter port and path', () => {
    expect(redis).toBeDefined();
    expect(exporter).toBeDefined();
    const metricsPort = exporter.ports.find((p: { name: string }) => p.name === 'metrics');
    expect(pod.metadata.annotations['prometheus.io/port']).toBe(String(metricsPort.containerPort));
    expect(exporter.args).toContain(`--web.telemetry-path=${pod.metadata.annotations['prometheus.io/path']}`);
    expect(exporter.args).toContain(`--web.listen-address=:${metricsPort.containerPort}`);
    // The exporter reads Redis over the pod's loopback, on the port the redis container listens on.
    const redisPort = redis.ports.find((p: { name: string }) => p.name === 'redis').containerPort;
    expect(exporter.args).toContain(`--redis.addr=redis://127.0.0.1:${redisPort}`);
  });

  test('the alerts and dashboards read Redis exporter metrics', () => {
    expect(usedRedisMetrics).toEqual(expect.arrayContaining(['redis_up', 'redis_memory_used_bytes', 'redis_memory_max_bytes']));
  });

  itBoth('redis-server and redis_exporter start healthy with the generated arguments, and the exporter exposes every metric the alerts and dashboards use', async () => {
    const r = await startRedis();
    // A key, a hit and a miss: the keyspace series exist once there is something to count.
    expect(await redisCommand(r.port, 'SET', 'k', 'v')).toBe('+OK');
    expect(await redisCommand(r.port, 'GET', 'k')).toBe('$1');
    expect(await redisCommand(r.port, 'GET', 'missing')).toBe('$-1');
    const e = await startExporter(r.port);

    const scrape = await httpGet(e.port, pod.metadata.annotations['prometheus.io/path']);
    expect(scrape.status).toBe(200);
    expect(scrape.body).toMatch(/^redis_up 1$/m);
    const exposed = exposedMetricNames(scrape.body);
    expect(usedRedisMetrics.filter((m) => !exposed.has(m))).toEqual([]);
    expect(METRIC_CATALOG['redis-exporter'].metrics.filter((m) => !exposed.has(m))).toEqual([]);
    // The memory alert's denominator is the maxmemory the arguments set.
    const maxmemory = redis.args[redis.args.indexOf('--maxmemory') + 1];
    expect(Number(/^redis_memory_max_bytes (\S+)$/m.exec(scrape.body)?.[1])).toBe(Number(maxmemory));
    // The flags that keep the series count down took effect.
    expect([...exposed].filter((m) => m.startsWith('go_') || m.startsWith('process_'))).toEqual([]);
    expect(exposed.has('redis_commands_latencies_usec_bucket')).toBe(false);

    await e.process.stop();
    await r.process.stop();
  });

  itBoth('the exporter reports redis_up 0 when Redis is gone (what DatastoreDown reads)', async () => {
    const r = await startRedis();
    const e = await startExporter(r.port);
    await r.process.stop();
    const scrape = await httpGet(e.port, pod.metadata.annotations['prometheus.io/path']);
    expect(scrape.body).toMatch(/^redis_up 0$/m);
    await e.process.stop();
  });

  itRedis('a broken redis-server argument keeps it from starting', async () => {
    const broken = withFlag(redis.args, '--maxmemory-policy', () => 'allkeys-lrx');
    await expect(startRedis(broken)).rejects.toThrow(/exited/);
  });

  itBoth('a broken exporter flag keeps it from starting', async () => {
    const r = await startRedis();
    const broken = exporter.args.map((a: string) => a.replace(/^--redis-only-metrics$/, '--redis-only-metricz'));
    expect(broken).not.toEqual(exporter.args);
    await expect(startExporter(r.port, broken)).rejects.toThrow(/exited/);
    await r.process.stop();
  });
});
