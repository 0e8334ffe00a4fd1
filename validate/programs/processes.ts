import { ChildProcess, spawn } from 'child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'fs';
import * as http from 'http';
import * as net from 'net';
import { tmpdir } from 'os';
import * as path from 'path';

/**
 * Starting real programs in tests: loopback only, free ports, a temporary directory per program,
 * bounded waits, and every process stopped by its PID (also when the test fails). Used for
 * Prometheus, Alertmanager and the exporters; redis, redis_exporter and nats-server use it too.
 */

/** A free TCP port on 127.0.0.1 (the kernel picks it; closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** `count` distinct free ports (the kernel could hand the same closed port out twice). */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  for (let attempt = 0; ports.size < count && attempt < count * 20; attempt++) ports.add(await freePort());
  if (ports.size < count) throw new Error(`could not find ${count} distinct free ports on 127.0.0.1`);
  return [...ports];
}

export interface HttpReply {
  readonly status: number;
  readonly body: string;
  readonly headers: http.IncomingHttpHeaders;
}

/** One GET to 127.0.0.1 with a timeout; rejects on connection errors. */
export function httpGet(port: number, urlPath: string, timeoutMs = 3000): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET 127.0.0.1:${port}${urlPath} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

export interface StartedProcess {
  readonly name: string;
  readonly pid: number;
  /** A temporary directory owned by this process (working directory, data, log). */
  readonly dir: string;
  readonly child: ChildProcess;
  /** stdout and stderr so far. */
  log(): string;
  /** Exit code, or the signal name, once the process has exited; undefined while it runs. */
  exited(): number | string | undefined;
}

export interface StartOptions {
  readonly name: string;
  /** Absolute path of the program. */
  readonly bin: string;
  /** Arguments; may use the directory the process gets (created before the call). */
  readonly args: (dir: string) => readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Spawns a program in a new temporary directory with its output in a file there (a file, not a
 * pipe: some programs open /dev/stdout by name, and a pipe nobody reads can block them).
 */
export function startProcess(opts: StartOptions): StartedProcess {
  if (!existsSync(opts.bin)) throw new Error(`${opts.name}: ${opts.bin} does not exist`);
  const dir = mkdtempSync(path.join(tmpdir(), `${opts.name}-`));
  const logFile = path.join(dir, 'output.log');
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(opts.bin, [...opts.args(dir)], { cwd: dir, env: opts.env ?? { PATH: process.env.PATH }, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  if (child.pid === undefined) throw new Error(`${opts.name}: could not start ${opts.bin}`);
  let exit: number | string | undefined;
  child.on('exit', (code, signal) => (exit = code ?? signal ?? 'unknown'));
  child.on('error', (e) => (exit = exit ?? `spawn error: ${e.message}`));
  return {
    name: opts.name,
    pid: child.pid,
    dir,
    child,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    exited: () => exit,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface WaitOptions {
  readonly port: number;
  readonly path: string;
  /** Total time allowed; the loop is bounded by attempts too. */
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/**
 * Polls GET 127.0.0.1:port/path until it answers 200. Fails fast, with the program's output, when
 * the process exits, and fails after a bounded number of attempts otherwise.
 */
export async function waitForHttp(proc: StartedProcess, opts: WaitOptions): Promise<HttpReply> {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const intervalMs = opts.intervalMs ?? 100;
  const attempts = Math.ceil(timeoutMs / intervalMs);
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  for (let i = 0; i < attempts && Date.now() <= deadline; i++) {
    if (proc.exited() !== undefined) {
      throw new Error(`${proc.name} exited (${proc.exited()}) before ${opts.path} answered 200:\n${proc.log()}`);
    }
    try {
      const reply = await httpGet(opts.port, opts.path, Math.min(3000, timeoutMs));
      if (reply.status === 200) return reply;
      last = `HTTP ${reply.status}: ${reply.body.slice(0, 300)}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await sleep(intervalMs);
  }
  throw new Error(`${proc.name} did not answer 200 on 127.0.0.1:${opts.port}${opts.path} within ${timeoutMs} ms (last: ${last}):\n${proc.log()}`);
}

/**
 * Waits (bounded) for a process to exit on its own, e.g. one started with a deliberately broken
 * flag. Returns the exit code or signal; undefined when it is still running at the deadline.
 */
export async function waitForExit(proc: StartedProcess, timeoutMs = 10_000): Promise<number | string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (proc.exited() === undefined && Date.now() < deadline) await sleep(50);
  return proc.exited();
}

/** SIGTERM by PID, SIGKILL after a grace period, then removes the process's temporary directory. */
export async function stopProcess(proc: StartedProcess, graceMs = 5000): Promise<void> {
  if (proc.exited() === undefined) {
    try {
      process.kill(proc.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    if ((await waitForExit(proc, graceMs)) === undefined) {
      try {
        process.kill(proc.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await waitForExit(proc, graceMs);
    }
  }
  rmSync(proc.dir, { recursive: true, force: true });
}

/**
 * Every process a test file starts, so `afterAll(() => group.stopAll())` stops them all by PID
 * whatever happened in the tests.
 */
export class ProcessGroup {
  private readonly started: StartedProcess[] = [];

  start(opts: StartOptions): StartedProcess {
    const p = startProcess(opts);
    this.started.push(p);
    return p;
  }

  async stopAll(): Promise<void> {
    const all = this.started.splice(0);
    await Promise.all(all.map((p) => stopProcess(p)));
  }
}
