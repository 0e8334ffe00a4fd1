import { ChildProcess } from 'child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import * as http from 'http';
import * as net from 'net';
import { tmpdir } from 'os';
import * as path from 'path';
import { GatewayAuth, gatewayNginxConfig, GatewayRoute, HEALTH_PATH } from '../../constructs/gateway-config';
import { isBlock, NginxDirective, renderNginx } from '../../constructs/nginx-config';
import { DnsStub, findNginx, request, startLogged, stop, waitFor } from './loopback';
import { freePorts } from './processes';

export const NGINX = findNginx();

/** Loopback listens only: the test must not open ports on the machine's interfaces. */
export function onLoopback(directives: readonly NginxDirective[]): NginxDirective[] {
  return directives.map((x) => {
    if (isBlock(x)) return { ...x, children: onLoopback(x.children) };
    if (x.name === 'listen' && /^[0-9]+$/.test(x.args[0])) return { ...x, args: [`127.0.0.1:${x.args[0]}`, ...x.args.slice(1)] };
    return x;
  });
}

/** An upstream stub: answers with its name and what it received (path, headers, body). */
export async function startStub(name: string): Promise<{ server: http.Server; port: number }> {
  // Header room like a real service's (Go's net/http allows 1 MiB), not Node's 16 KiB default.
  const server = http.createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ upstream: name, path: req.url, method: req.method, headers: req.headers, body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as net.AddressInfo).port };
}

export interface RunningGateway {
  port: number;
  statusPort: number;
  dir: string;
  confFile: string;
  dns: DnsStub;
  nginx: ChildProcess;
  log(): string;
  close(): Promise<void>;
}

/**
 * The generated nginx.conf on a real nginx. Route and auth hosts keep their real cluster names;
 * nginx's resolver (the same configuration option the chart fills with the cluster DNS) points at
 * a DNS stub that answers 127.0.0.1 for the names in `resolvable` and NXDOMAIN for the rest, and
 * the ports point at loopback stubs.
 */
export async function startGateway(o: { routes: GatewayRoute[]; auth?: GatewayAuth; resolvable: string[]; trustedProxies?: string[] }): Promise<RunningGateway> {
  if (!NGINX) throw new Error('nginx is not installed');
  const dir = mkdtempSync(path.join(tmpdir(), 'gateway-nginx-'));
  // nginx drops to an unprivileged worker user when started as root: it must reach its temp dirs.
  chmodSync(dir, 0o755);
  const dns = new DnsStub();
  for (const n of o.resolvable) dns.names.add(n);
  const dnsPort = await dns.start();
  // Two distinct ports: the kernel may hand out the same just-closed port to two calls.
  const [port, statusPort] = await freePorts(2);
  const directives = onLoopback(gatewayNginxConfig({ routes: o.routes, auth: o.auth, listenPort: port, statusPort, writableDir: dir, resolver: `127.0.0.1:${dnsPort}`, trustedProxies: o.trustedProxies }));
  const confFile = path.join(dir, 'nginx.conf');
  writeFileSync(confFile, renderNginx(directives));
  const { child, log } = startLogged(NGINX, ['-p', dir, '-c', confFile, '-e', 'stderr', '-g', 'daemon off;'], path.join(dir, 'nginx.log'));
  const close = async () => {
    await stop(child);
    await dns.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('nginx', child, async () => (await request(port, HEALTH_PATH)).status === 200, log);
  } catch (e) {
    await close();
    throw e;
  }
  return { port, statusPort, dir, confFile, dns, nginx: child, log, close };
}
