import { readFileSync, writeFileSync } from 'fs';
import * as http from 'http';
import * as path from 'path';
import { parse } from 'yaml';
import { alertRules } from '../charts/alert-rules';
import { localRun, LocalRunOptions } from './support/container-run';
import { configFrom, K8sObject, podSpecOf, synthObjects, workloads } from './support/manifests';
import { freePorts, httpGet, ProcessGroup, StartedProcess, stopProcess, startProcess, waitForExit, waitForHttp } from './support/processes';
import { findTool, itWithTool } from './support/tools';

/**
 * The monitoring programs started from the synthesized objects: each container's generated args
 * and ConfigMaps (substitutions: see test/support/container-run.ts), on 127.0.0.1, free ports, a
 * temp dir each, stopped by PID. Healthy means the program's own readiness endpoint answers 200.
 *
 * The binaries are Debian trixie builds (scripts/install-tools.sh): prometheus 2.53, alertmanager
 * 0.28, node_exporter 1.9, nginx-prometheus-exporter 1.4, while the images run prometheus 3.5,
 * alertmanager 0.28.1, node-exporter 1.9.1 and the nginx exporter 1.5.1. Passing here means the
 * arguments and configuration are valid in the Debian version; docs/monitoring.md lists the
 * versions tested and why the arguments are kept to those valid in both.
 */
const TOOL_HINT = 'scripts/install-tools.sh';
const config = configFrom();
const objects = synthObjects(config);
const group = new ProcessGroup();
afterAll(() => group.stopAll(), 30_000);

/** The workload running a container of this name (container names are unique per program here). */
function workloadOf(container: string, workload?: string): Pick<LocalRunOptions, 'kind' | 'name' | 'namespace' | 'container'> {
  const w = workloads(objects).find((o) => (workload === undefined || o.metadata.name === workload) && podSpecOf(o).containers.some((c: any) => c.name === container));
  if (!w) throw new Error(`no workload runs a container named ${container}`);
  return { kind: w.kind, name: w.metadata.name, namespace: w.metadata.namespace ?? '', container };
}

function containerPort(container: string, workload?: string): number {
  const w = workloadOf(container, workload);
  const spec = podSpecOf(workloads(objects).find((o) => o.kind === w.kind && o.metadata.name === w.name)!);
  return spec.containers.find((c: any) => c.name === container).ports[0].containerPort;
}

interface Program {
  readonly tool: string;
  readonly container: string;
  /** The workload, where several run a container of that name (exporter sidecars). */
  readonly workload?: string;
  readonly readyPath: string;
  /** Ports the args name besides the program's own (e.g. the nginx status port the exporter reads). */
  readonly extraPorts?: number[];
  readonly env?: Record<string, string>;
}

const PROGRAMS: Record<string, Program> = {
  prometheus: { tool: 'prometheus', container: 'prometheus', readyPath: '/-/ready' },
  alertmanager: { tool: 'alertmanager', container: 'alertmanager', readyPath: '/-/ready' },
  // The DaemonSet listens on the node's IP (downward API status.hostIP): here, loopback.
  nodeExporter: { tool: 'node_exporter', container: 'node-exporter', readyPath: '/', env: { HOST_IP: '127.0.0.1' } },
  nginxExporter: { tool: 'nginx-prometheus-exporter', container: 'exporter', workload: config.gateway.name, readyPath: '/metrics' },
};

interface Prepared {
  readonly port: number;
  readonly ports: Map<number, number>;
  readonly start: (mutate?: (args: string[], dir: string) => string[]) => StartedProcess;
}

async function prepare(p: Program, extra: number[] = []): Promise<Prepared> {
  const own = containerPort(p.container, p.workload);
  const free = await freePorts(1 + extra.length);
  const ports = new Map<number, number>([[own, free[0]], ...extra.map((e, i) => [e, free[i + 1]] as [number, number])]);
  const start = (mutate?: (args: string[], dir: string) => string[]) =>
    group.start({
      name: p.tool,
      bin: findTool(p.tool)!,
      args: (dir) => {
        const run = localRun(objects, { ...workloadOf(p.container, p.workload), dir, ports, env: p.env });
        return mutate ? mutate(run.args, dir) : run.args;
      },
    });
  return { port: free[0], ports, start };
}

function replaceFlag(args: string[], flag: string, value: string): string[] {
  if (!args.some((a) => a.startsWith(`${flag}=`))) throw new Error(`the generated args have no ${flag}`);
  return args.map((a) => (a.startsWith(`${flag}=`) ? `${flag}=${value}` : a));
}

function configFileArg(args: string[]): string {
  return args.find((a) => a.startsWith('--config.file='))!.slice('--config.file='.length);
}

/** Rename a key of the generated configuration file (`key:` → `renamed:`): the program must exit, naming it. */
async function expectUnknownKeyStops(p: Program, key: string, renamed: string): Promise<void> {
  const prepared = await prepare(p);
  const proc = prepared.start((args) => {
    const file = configFileArg(args);
    const text = readFileSync(file, 'utf8');
    if (!text.includes(key)) throw new Error(`the generated configuration has no ${key}`);
    writeFileSync(file, text.replace(key, `${renamed}:`));
    return args;
  });
  expect(await waitForExit(proc, 20_000)).not.toBe(0);
  expect(proc.log()).toContain(renamed);
}

describe('Prometheus with the generated prometheus.yml, rules and arguments', () => {
  const itProm = itWithTool('prometheus', TOOL_HINT);

  itProm('becomes ready, loads the configuration and every generated alert rule', async () => {
    const prom = await prepare(PROGRAMS.prometheus);
    // Kubernetes service discovery needs an API server: outside a cluster it cannot start its
    // watches and says so in the log, but the configuration (every job, the rules) is loaded
    // and the server becomes ready; that is what this test checks.
    const proc = prom.start();
    await waitForHttp(proc, { port: prom.port, path: '/-/ready', timeoutMs: 30_000 });
    // The only errors: Kubernetes SD cannot reach an API server here (one per SD config).
    const errors = proc.log().split('\n').filter((l) => /level=error/i.test(l));
    expect(errors.filter((l) => !/Cannot create service discovery.*in-cluster configuration/.test(l))).toEqual([]);
    const metrics = await httpGet(prom.port, '/metrics');
    expect(metrics.body).toMatch(/^prometheus_config_last_reload_successful 1$/m);
    const loaded = parse(JSON.parse((await httpGet(prom.port, '/api/v1/status/config')).body).data.yaml);
    const generated = parse(
      objects.find((o) => o.kind === 'ConfigMap' && o.data?.['prometheus.yml'])!.data['prometheus.yml'],
    );
    expect(loaded.scrape_configs.map((j: any) => j.job_name)).toEqual(generated.scrape_configs.map((j: any) => j.job_name));
    const rules = JSON.parse((await httpGet(prom.port, '/api/v1/rules')).body).data.groups.flatMap((g: any) => g.rules.map((r: any) => r.name));
    expect(rules.sort()).toEqual(alertRules(config).map((r) => r.alert).sort());
    await stopProcess(proc);
  }, 60_000);

  itProm('a deliberately broken flag value stops it (the test would fail)', async () => {
    const prom = await prepare(PROGRAMS.prometheus);
    // kingpin checks a flag's value before the server starts; --version alone would not see this.
    const proc = prom.start((args) => replaceFlag(args, '--storage.tsdb.retention.size', '1536XB'));
    expect(await waitForExit(proc, 20_000)).not.toBe(0);
    expect(proc.log()).toMatch(/1536XB/);
    await expect(waitForHttp(proc, { port: prom.port, path: '/-/ready', timeoutMs: 2000 })).rejects.toThrow(/exited/);
  }, 60_000);

  itProm('a deliberately unknown configuration key stops it', () => expectUnknownKeyStops(PROGRAMS.prometheus, 'scrape_configs:', 'scrape_configz'), 60_000);
});

describe('Alertmanager with the generated alertmanager.yml and arguments', () => {
  const itAm = itWithTool('alertmanager', TOOL_HINT);

  itAm('becomes ready with the generated configuration', async () => {
    const am = await prepare(PROGRAMS.alertmanager);
    const proc = am.start();
    await waitForHttp(proc, { port: am.port, path: '/-/ready', timeoutMs: 30_000 });
    const status = JSON.parse((await httpGet(am.port, '/api/v2/status')).body);
    const generated = parse(objects.find((o) => o.kind === 'ConfigMap' && o.data?.['alertmanager.yml'])!.data['alertmanager.yml']);
    expect(parse(status.config.original).route.receiver).toBe(generated.route.receiver);
    await stopProcess(proc);
  }, 60_000);

  itAm('a deliberately unknown configuration key stops it', () => expectUnknownKeyStops(PROGRAMS.alertmanager, 'route:', 'routez'), 60_000);
});

describe('node-exporter with the generated arguments', () => {
  const itNode = itWithTool('node_exporter', TOOL_HINT);

  itNode('serves metrics, with the filesystem collector filtered as generated', async () => {
    const node = await prepare(PROGRAMS.nodeExporter);
    const proc = node.start();
    const reply = await waitForHttp(proc, { port: node.port, path: '/metrics', timeoutMs: 30_000 });
    expect(reply.body).toMatch(/^node_exporter_build_info\{/m);
    expect(reply.body).toMatch(/^node_scrape_collector_success\{collector="filesystem"\} 1$/m);
    // The generated exclusion applies: no /proc or /sys mount point is reported.
    expect(reply.body).not.toMatch(/node_filesystem_size_bytes\{[^}]*mountpoint="\/(proc|sys)(\/[^"]*)?"/);
    await stopProcess(proc);
  }, 60_000);

  itNode('a deliberately broken flag stops it', async () => {
    const node = await prepare(PROGRAMS.nodeExporter);
    const proc = node.start((args) => [...args, '--collector.no-such-collector']);
    expect(await waitForExit(proc, 20_000)).not.toBe(0);
    expect(proc.log()).toMatch(/no-such-collector/);
  }, 60_000);
});

describe('the nginx exporter with the generated arguments, reading a stub_status page', () => {
  const itNginx = itWithTool('nginx-prometheus-exporter', TOOL_HINT);
  let stub: http.Server | undefined;
  afterAll(() => new Promise<void>((resolve) => (stub ? stub.close(() => resolve()) : resolve())));

  /** The port the generated --nginx.scrape-uri names (nginx's stub_status listener in the pod). */
  function statusPort(): number {
    // The gateway's pod: other pods (datastores, the event bus) have exporter sidecars of their own.
    const spec = podSpecOf(workloads(objects).find((o: K8sObject) => o.kind === 'Deployment' && o.metadata.name === config.gateway.name)!);
    const uri = spec.containers.find((c: any) => c.name === 'exporter').args.find((a: string) => a.startsWith('--nginx.scrape-uri='));
    return Number(new URL(uri.slice('--nginx.scrape-uri='.length)).port);
  }

  itNginx('reports nginx up from the stub_status it is pointed at', async () => {
    const exporter = await prepare(PROGRAMS.nginxExporter, [statusPort()]);
    const local = exporter.ports.get(statusPort())!;
    // nginx's stub_status format (the real nginx is started in test/gateway-nginx.test.ts).
    stub = http.createServer((_req, res) => {
      res.end('Active connections: 1 \nserver accepts handled requests\n 7 7 9 \nReading: 0 Writing: 1 Waiting: 0 \n');
    });
    await new Promise<void>((resolve) => stub!.listen(local, '127.0.0.1', resolve));
    const proc = exporter.start();
    const reply = await waitForHttp(proc, { port: exporter.port, path: '/metrics', timeoutMs: 30_000 });
    expect(reply.body).toMatch(/^nginx_up 1$/m);
    expect(reply.body).toMatch(/^nginx_http_requests_total 9$/m);
    await stopProcess(proc);
  }, 60_000);

  itNginx('a deliberately broken flag stops it', async () => {
    const exporter = await prepare(PROGRAMS.nginxExporter, [statusPort()]);
    const proc = exporter.start((args) => replaceFlag(args, '--web.listen-address', 'not-an-address'));
    expect(await waitForExit(proc, 20_000)).not.toBe(0);
    expect(proc.log()).toMatch(/not-an-address/);
  }, 60_000);
});

test('the process helper stops a program by PID and removes its directory', async () => {
  const proc = startProcess({ name: 'sleep', bin: '/bin/sleep', args: () => ['30'] });
  expect(proc.exited()).toBeUndefined();
  await stopProcess(proc);
  expect(proc.exited()).toBe('SIGTERM');
  expect(() => process.kill(proc.pid, 0)).toThrow();
  expect(() => readFileSync(path.join(proc.dir, 'output.log'))).toThrow();
});
