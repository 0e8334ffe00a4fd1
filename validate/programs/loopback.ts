import { ChildProcess, spawn } from 'child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'fs';
import * as dgram from 'dgram';
import * as http from 'http';
import * as path from 'path';

/**
 * Helpers for tests that run real programs (nginx, the auth bundle) on 127.0.0.1: free ports,
 * bounded waits, HTTP requests with timeouts, and processes stopped by their own PID.
 */
export { freePort } from './processes';

export const TIMEOUT_MS = 10_000;

export function findNginx(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin'];
  return dirs.map((d) => path.join(d, 'nginx')).find((p) => existsSync(p));
}

export interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
  /** Source address on the loopback network (127.0.0.0/8), to play several clients or proxies. */
  localAddress?: string;
}

export function request(port: number, urlPath: string, o: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: urlPath, method: o.method ?? 'GET', headers: o.headers, timeout: o.timeoutMs ?? 3000, agent: false, ...(o.localAddress ? { localAddress: o.localAddress } : {}) },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${o.method ?? 'GET'} ${urlPath} timed out`)));
    req.on('error', reject);
    req.end(o.body);
  });
}

/** Wait (bounded) until `ready` resolves true; fails with `describe()` when the process died or time ran out. */
export async function waitFor(what: string, child: ChildProcess, ready: () => Promise<boolean>, describe: () => string): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${describe()}`);
    try {
      if (await ready()) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${what} did not become ready within ${TIMEOUT_MS} ms:\n${describe()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Start a program with its output in a file (nginx opens /dev/stderr by name, which fails on a pipe). */
export function startLogged(cmd: string, args: string[], logFile: string, env?: NodeJS.ProcessEnv): { child: ChildProcess; log: () => string } {
  const fd = openSync(logFile, 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', fd, fd], env });
  closeSync(fd);
  return { child, log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '') };
}

/** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
export async function stop(child: ChildProcess | undefined, graceMs = 5000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * A minimal DNS server on 127.0.0.1 for nginx's resolver: answers A queries for the names in
 * `names` with 127.0.0.1 and NXDOMAIN for everything else (a Service that does not exist).
 * Only what nginx asks is handled: one question, class IN, type A.
 */
export class DnsStub {
  readonly names = new Set<string>();
  readonly queries: string[] = [];
  private readonly socket = dgram.createSocket('udp4');

  async start(): Promise<number> {
    this.socket.on('message', (msg, peer) => {
      const reply = this.answer(msg);
      if (reply) this.socket.send(reply, peer.port, peer.address);
    });
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    return this.socket.address().port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private answer(msg: Buffer): Buffer | undefined {
    if (msg.length < 12 || msg.readUInt16BE(4) !== 1) return undefined;
    const labels: string[] = [];
    let i = 12;
    while (i < msg.length && msg[i] !== 0) {
      labels.push(msg.subarray(i + 1, i + 1 + msg[i]).toString('ascii'));
      i += msg[i] + 1;
    }
    const questionEnd = i + 5; // zero byte + QTYPE + QCLASS
    if (questionEnd > msg.length) return undefined;
    const name = labels.join('.').toLowerCase();
    const qtype = msg.readUInt16BE(i + 1);
    this.queries.push(name);
    const known = this.names.has(name);
    const withAnswer = known && qtype === 1;
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0); // same id
    header.writeUInt16BE(0x8180 | (known ? 0 : 3), 2); // response, RD+RA, NOERROR or NXDOMAIN
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(withAnswer ? 1 : 0, 6);
    const question = msg.subarray(12, questionEnd);
    if (!withAnswer) return Buffer.concat([header, question]);
    // Name as a pointer to the question, type A, class IN, TTL 5 s, 4 bytes: 127.0.0.1.
    const answer = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 127, 0, 0, 1]);
    return Buffer.concat([header, question, answer]);
  }
}
