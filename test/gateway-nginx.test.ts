import { ChildProcess, spawn, spawnSync } from 'child_process';
import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as http from 'http';
import * as net from 'net';
import { tmpdir } from 'os';
import * as path from 'path';
import { gatewayRoutes } from '../charts/gateway';
import { gatewayNginxConfig, GatewayRoute, HEALTH_PATH, STATUS_PATH } from '../constructs/gateway-config';
import { isBlock, NginxDirective, renderNginx } from '../constructs/nginx-config';
import { configFrom } from './support/manifests';

/**
 * The generated gateway configuration on a real nginx (Debian's nginx-light, installed in CI by
 * scripts/install-system-packages.sh): the route hosts point at loopback stub servers that answer with their
 * own name and the path they received. Everything listens on 127.0.0.1 on free ports.
 */
function findNginx(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin'];
  return dirs.map((d) => path.join(d, 'nginx')).find((p) => existsSync(p));
}

const NGINX = findNginx();
if (!NGINX) {
  if (process.env.CI === 'true') throw new Error('nginx is not installed: CI must run the gateway test (scripts/install-system-packages.sh)');
  console.warn('SKIPPED gateway-on-nginx tests: nginx is not installed (run scripts/install-system-packages.sh)');
}
const describeNginx = NGINX ? describe : describe.skip;

const TIMEOUT_MS = 10_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

function get(port: number, urlPath: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, timeout: 3000, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${urlPath} timed out`)));
    req.on('error', reject);
  });
}

/** Loopback listens only: the test must not open ports on the machine's interfaces. */
function onLoopback(directives: readonly NginxDirective[]): NginxDirective[] {
  return directives.map((x) => {
    if (isBlock(x)) return { ...x, children: onLoopback(x.children) };
    if (x.name === 'listen' && /^[0-9]+$/.test(x.args[0])) return { ...x, args: [`127.0.0.1:${x.args[0]}`, ...x.args.slice(1)] };
    return x;
  });
}

describeNginx('the gateway nginx.conf on a real nginx', () => {
  const config = configFrom();
  const routes = gatewayRoutes(config);
  const stubs: http.Server[] = [];
  let nginx: ChildProcess | undefined;
  let logFile = '';
  let dir = '';
  let confFile = '';
  let port = 0;
  let statusPort = 0;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gateway-nginx-'));
    // nginx drops to an unprivileged worker user when started as root: it must reach its temp dirs.
    chmodSync(dir, 0o755);
    const stubRoutes: GatewayRoute[] = [];
    for (const r of routes) {
      const server = http.createServer((req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ upstream: r.prefix, path: req.url, prefixHeader: req.headers['x-forwarded-prefix'] ?? null }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      stubs.push(server);
      stubRoutes.push({ ...r, host: '127.0.0.1', port: (server.address() as net.AddressInfo).port });
    }
    port = await freePort();
    statusPort = await freePort();
    const directives = onLoopback(gatewayNginxConfig({ routes: stubRoutes, listenPort: port, statusPort, writableDir: dir }));
    confFile = path.join(dir, 'nginx.conf');
    writeFileSync(confFile, renderNginx(directives));

    // A file, not a pipe: nginx opens /dev/stdout and /dev/stderr by name, which fails on a socket.
    logFile = path.join(dir, 'nginx.log');
    const fd = openSync(logFile, 'a');
    nginx = spawn(NGINX!, ['-p', dir, '-c', confFile, '-e', 'stderr', '-g', 'daemon off;'], { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const nginxLog = () => readFileSync(logFile, 'utf8');
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      if (nginx.exitCode !== null) throw new Error(`nginx exited with ${nginx.exitCode}:\n${nginxLog()}`);
      try {
        if ((await get(port, HEALTH_PATH)).status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`nginx did not answer on 127.0.0.1:${port} within ${TIMEOUT_MS} ms:\n${nginxLog()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, TIMEOUT_MS * 2);

  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise<void>((resolve) => nginx!.once('exit', () => resolve()));
      nginx.kill('SIGTERM');
      const timer = setTimeout(() => nginx!.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await Promise.all(stubs.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 15_000);

  // With the hosts on loopback: the real Service names resolve only inside the cluster.
  test('nginx -t accepts the generated configuration', () => {
    const log = path.join(dir, 'nginx-t.log');
    const fd = openSync(log, 'w');
    const r = spawnSync(NGINX!, ['-t', '-p', dir, '-c', confFile, '-e', 'stderr'], { stdio: ['ignore', fd, fd], timeout: TIMEOUT_MS });
    closeSync(fd);
    const out = readFileSync(log, 'utf8');
    expect({ status: r.status, out }).toEqual({ status: 0, out: expect.stringContaining('test is successful') });
  });

  test('the default configuration routes the three microservices', () => {
    expect(routes.map((r) => r.prefix)).toEqual(['news', 'webtoon', 'payment']);
  });

  test.each(['news', 'webtoon', 'payment'])('/%s/… reaches its own upstream with the prefix stripped', async (name) => {
    const reply = await get(port, `/${name}/api/info?x=1`);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ upstream: name, path: '/api/info?x=1', prefixHeader: `/${name}` });
  });

  test('the bare prefix redirects to the prefix with a slash', async () => {
    const reply = await get(port, '/news');
    expect(reply.status).toBe(308);
    expect(reply.headers.location).toMatch(/\/news\/$/);
  });

  test('an unknown path gets 404 and reaches no upstream', async () => {
    const reply = await get(port, '/unknown/thing');
    expect(reply.status).toBe(404);
    expect(reply.body).not.toContain('upstream');
  });

  test('/healthz answers 200', async () => {
    const reply = await get(port, HEALTH_PATH);
    expect(reply.status).toBe(200);
  });

  test('stub_status answers on the status port, and not on the public port', async () => {
    const status = await get(statusPort, STATUS_PATH);
    expect(status.status).toBe(200);
    expect(status.body).toMatch(/^Active connections: [0-9]+/);
    expect((await get(port, STATUS_PATH)).status).toBe(404);
  });
});
