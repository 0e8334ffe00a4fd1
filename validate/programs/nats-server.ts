import { ChildProcess, spawn, spawnSync } from 'child_process';
import { writeFileSync } from 'fs';
import * as path from 'path';
import { findTool } from './tools';

/*
 * A real nats-server on 127.0.0.1 for the tests: started from a configuration file with the
 * environment the pod would have, waited for through its own health endpoint (bounded), stopped
 * by PID.
 */

export interface LocalPorts {
  readonly client: number;
  readonly monitor: number;
}

/**
 * The generated nats.conf made runnable here: only the listen ports, the store and the pid file
 * change (loopback, free ports, a temporary directory); users, permissions and limits stay as generated.
 */
export function localNatsConfig(conf: string, ports: LocalPorts, dir: string, cluster?: LocalCluster): string {
  const replace = (text: string, re: RegExp, by: string) => {
    if (!re.test(text)) throw new Error(`nats.conf has no line matching ${re}`);
    return text.replace(re, by);
  };
  let out = replace(conf, /^port: [0-9]+$/m, `port: ${ports.client}\nhost: "127.0.0.1"`);
  out = replace(out, /^http_port: [0-9]+$/m, `http: "127.0.0.1:${ports.monitor}"`);
  out = replace(out, /^( *)store_dir: ".*"$/m, `$1store_dir: ${JSON.stringify(path.join(dir, 'jetstream'))}`);
  out = replace(out, /^pid_file: ".*"$/m, `pid_file: ${JSON.stringify(path.join(dir, 'nats.pid'))}`);
  if (cluster) {
    // The cluster listens on loopback; each route `nats://<sts>-<i>.<headless…>:<port>` goes to server i here.
    out = replace(out, /^(cluster: \{\n(?: {2}.*\n)*?) {2}port: [0-9]+$/m, `$1  host: "127.0.0.1"\n  port: ${cluster.ports[cluster.index]}`);
    const route = new RegExp(`"nats://${cluster.statefulSet}-([0-9]+)\\.[^":]+:[0-9]+"`, 'g');
    if (!route.test(out)) throw new Error(`nats.conf has no route to ${cluster.statefulSet}-<i>`);
    out = out.replace(route, (_all, i: string) => `"nats://127.0.0.1:${cluster.ports[Number(i)]}"`);
  }
  return out;
}

/** Server `index` of a local cluster: every server's cluster port, and the StatefulSet the routes name. */
export interface LocalCluster {
  readonly statefulSet: string;
  readonly index: number;
  readonly ports: readonly number[];
}

export interface RunningNats {
  readonly pid: number;
  readonly url: string;
  readonly monitorUrl: string;
  /** Output so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

async function waitHealthy(monitorUrl: string, proc: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`nats-server exited with ${proc.exitCode}:\n${log()}`);
    try {
      const r = await fetch(`${monitorUrl}/healthz?js-enabled-only=true`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nats-server not healthy within ${timeoutMs} ms:\n${log()}`);
}

/** Start nats-server with `confFile` and `env` (the pod's variables); resolves once JetStream is healthy. */
export async function startNatsServer(confFile: string, env: Record<string, string>, ports: LocalPorts, timeoutMs = 15_000): Promise<RunningNats> {
  const bin = findTool('nats-server');
  if (!bin) throw new Error('nats-server is not installed: run scripts/install-tools.sh');
  const proc = spawn(bin, ['-c', confFile], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout!.on('data', (d) => (log += d));
  proc.stderr!.on('data', (d) => (log += d));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    process.kill(proc.pid!, 'SIGTERM');
    const timer = setTimeout(() => proc.exitCode === null && process.kill(proc.pid!, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitHealthy(`http://127.0.0.1:${ports.monitor}`, proc, () => log, timeoutMs);
  } catch (e) {
    await stop();
    throw e;
  }
  return { pid: proc.pid!, url: `nats://127.0.0.1:${ports.client}`, monitorUrl: `http://127.0.0.1:${ports.monitor}`, output: () => log, stop };
}

export function writeFile(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** `nats-server -t -c FILE` with the given environment (the password variables), bounded. */
export function checkNatsConfig(file: string, env: Record<string, string>): { status: number | null; output: string } {
  const bin = findTool('nats-server');
  if (!bin) throw new Error('nats-server is not installed: run scripts/install-tools.sh');
  const r = spawnSync(bin, ['-t', '-c', file], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
