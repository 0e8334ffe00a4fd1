import { ChildProcess, spawn } from 'child_process';
import { closeSync, openSync, readFileSync } from 'fs';
import * as net from 'net';

/**
 * Running real programs (redis-server, redis_exporter) in tests: on 127.0.0.1, on free ports, with
 * bounded waits, stopped by their PID. Ports and HTTP come from ./processes.
 */

export { freePort, httpGet } from './processes';

const POLL_MS = 100;

/**
 * Replace the value of `flag` in generated arguments, written `--flag value` or `--flag=value`.
 * Throws when the flag is not there, so a renamed flag cannot make an override silently do nothing.
 */
export function withFlag(args: readonly string[], flag: string, value: (old: string) => string): string[] {
  const out = [...args];
  const i = out.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
  if (i < 0) throw new Error(`generated arguments have no ${flag}: ${args.join(' ')}`);
  if (out[i] === flag) {
    if (i + 1 >= out.length) throw new Error(`${flag} has no value in: ${args.join(' ')}`);
    out[i + 1] = value(out[i + 1]);
  } else {
    out[i] = `${flag}=${value(out[i].slice(flag.length + 1))}`;
  }
  return out;
}

export interface Started {
  readonly pid: number;
  /** What the program wrote to stdout and stderr so far. */
  log(): string;
  /** SIGTERM by PID, SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Start `bin` and wait until `healthy()` resolves true. Rejects (after stopping the process) when the
 * process exits first or is not healthy within `timeoutMs`; the message carries its output.
 */
export async function startHealthy(bin: string, args: readonly string[], logFile: string, healthy: () => Promise<boolean>, timeoutMs = 10_000): Promise<Started> {
  // Output to a file, not a pipe: nothing has to drain it, and it survives for the failure message.
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(bin, args, { stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  // A program that cannot be executed has no PID (the reason follows as an 'error' event).
  if (child.pid === undefined) {
    const reason = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new Error(`${bin} could not be started: ${reason.message}`);
  }
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const started: Started = {
    pid: child.pid!,
    log: () => readFileSync(logFile, 'utf8'),
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(started.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) process.kill(started.pid, 'SIGKILL');
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${bin} exited (code ${child.exitCode}, signal ${child.signalCode}) before it was healthy:\n${started.log()}`);
    }
    if (await healthy().catch(() => false)) return started;
    if (Date.now() > deadline) {
      await started.stop();
      throw new Error(`${bin} was not healthy within ${timeoutMs} ms:\n${started.log()}`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** One Redis command over RESP; resolves with the first line of the reply (`+PONG`, `:1`, `$-1` …). */
export function redisCommand(port: number, ...words: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(2_000, () => socket.destroy(new Error(`redis ${words[0]} on port ${port} timed out`)));
    socket.on('error', reject);
    socket.on('connect', () => socket.write(`*${words.length}\r\n${words.map((w) => `$${Buffer.byteLength(w)}\r\n${w}\r\n`).join('')}`));
    socket.on('data', (d) => {
      reply += d.toString('utf8');
      const end = reply.indexOf('\r\n');
      if (end >= 0) {
        socket.end();
        resolve(reply.slice(0, end));
      }
    });
  });
}

/** Metric names in a Prometheus text exposition. */
export function exposedMetricNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{| )/.exec(line);
    if (m) names.add(m[1]);
  }
  return names;
}
