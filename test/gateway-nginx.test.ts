import { resolve } from '../model/resolve';
import { spawnSync } from 'child_process';
import { closeSync, openSync, readFileSync } from 'fs';
import * as http from 'http';
import * as path from 'path';

import { GATEWAY_LIMITS, GatewayRoute, HEALTH_PATH, STATUS_PATH } from '../constructs/gateway-config';
import { NGINX, RunningGateway, startGateway, startStub } from './support/gateway-on-nginx';
import { raw, request, statusAndJson, TIMEOUT_MS } from './support/loopback';
import { configFrom } from './support/manifests';

/**
 * The generated gateway configuration on a real nginx (Debian's nginx-light, installed in CI by
 * scripts/install-system-packages.sh). Route hosts keep their cluster DNS names; a DNS stub answers
 * for them (see test/support/gateway-on-nginx.ts). Everything listens on 127.0.0.1 on free ports.
 */
if (!NGINX) {
  if (process.env.CI === 'true') throw new Error('nginx is not installed: CI must run the gateway test (scripts/install-system-packages.sh)');
  console.warn('SKIPPED gateway-on-nginx tests: nginx is not installed (run scripts/install-system-packages.sh)');
}
const describeNginx = NGINX ? describe : describe.skip;

describeNginx('the gateway nginx.conf on a real nginx', () => {
  const config = configFrom();
  const routes = resolve(config).gateway.routes;
  const stubs: http.Server[] = [];
  let gw: RunningGateway;
  /** A route whose Service does not exist: its name is not in DNS. */
  const missing: GatewayRoute = { prefix: 'missing', host: `missing.${config.namespaces.apps}.svc.${config.cluster.domain}`, port: 9 };
  /** A route whose Service exists but answers nothing (a closed port). */
  let down: GatewayRoute;

  beforeAll(async () => {
    const stubRoutes: GatewayRoute[] = [];
    for (const r of routes) {
      const stub = await startStub(r.prefix);
      stubs.push(stub.server);
      // Public routes only here (test/gateway-auth.test.ts runs the protected ones with the auth service).
      stubRoutes.push({ prefix: r.prefix, host: r.host, port: stub.port });
    }
    const closed = await startStub('closed');
    const closedPort = closed.port;
    await new Promise<void>((resolve) => closed.server.close(() => resolve()));
    down = { prefix: 'down', host: `down.${config.namespaces.apps}.svc.${config.cluster.domain}`, port: closedPort };
    gw = await startGateway({ routes: [...stubRoutes, missing, down], resolvable: [...routes.map((r) => r.host), down.host] });
  }, TIMEOUT_MS * 2);

  afterAll(async () => {
    await gw?.close();
    await Promise.all(stubs.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }, 15_000);

  test('nginx -t accepts the generated configuration', () => {
    const log = path.join(gw.dir, 'nginx-t.log');
    const fd = openSync(log, 'w');
    const r = spawnSync(NGINX!, ['-t', '-p', gw.dir, '-c', gw.confFile, '-e', 'stderr'], { stdio: ['ignore', fd, fd], timeout: TIMEOUT_MS });
    closeSync(fd);
    const out = readFileSync(log, 'utf8');
    expect({ status: r.status, out }).toEqual({ status: 0, out: expect.stringContaining('test is successful') });
  });

  test('the default configuration routes the three microservices', () => {
    expect(routes.map((r) => r.prefix)).toEqual(['news', 'webtoon', 'payment']);
  });

  test.each(['news', 'webtoon', 'payment'])('/%s/… reaches its own upstream, found through DNS at request time, with the prefix stripped', async (name) => {
    const reply = await request(gw.port, `/${name}/api/info?x=1`);
    expect(reply.status).toBe(200);
    const body = JSON.parse(reply.body);
    expect({ upstream: body.upstream, path: body.path, prefix: body.headers['x-forwarded-prefix'] }).toEqual({ upstream: name, path: '/api/info?x=1', prefix: `/${name}` });
    expect(gw.dns.queries).toContain(`${name}.${config.namespaces.apps}.svc.${config.cluster.domain}`);
  });

  test('a POST body reaches the upstream intact', async () => {
    const body = JSON.stringify({ amount: 42, note: 'ü ✓ "quoted"' });
    const reply = await request(gw.port, '/news/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(JSON.parse(reply.body)).toMatchObject({ upstream: 'news', method: 'POST', path: '/orders', body });
  });

  test('the bare prefix redirects relatively and keeps the query string', async () => {
    const reply = await request(gw.port, '/news?page=2&q=a%20b');
    expect(reply.status).toBe(308);
    expect(reply.headers.location).toBe('/news/?page=2&q=a%20b');
    expect((await request(gw.port, '/news')).headers.location).toBe('/news/');
  });

  test('a missing Service does not stop nginx: its route answers 502 as JSON, the others keep working', async () => {
    const reply = await request(gw.port, '/missing/x');
    expect(reply.status).toBe(502);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(JSON.parse(reply.body)).toEqual({ error: 'upstream unavailable', status: 502 });
    expect((await request(gw.port, '/webtoon/')).status).toBe(200);
  });

  test('an upstream that refuses connections gets 502 JSON, not nginx HTML', async () => {
    const reply = await request(gw.port, '/down/x');
    expect(reply.status).toBe(502);
    expect(JSON.parse(reply.body)).toEqual({ error: 'upstream unavailable', status: 502 });
  });

  test('a body over the limit gets 413 JSON', async () => {
    const reply = await request(gw.port, '/news/upload', { method: 'POST', body: Buffer.alloc(1024 * 1024 + 1, 'a') }).catch((e) => e);
    // nginx answers before reading the body and may close the connection while it is still sent.
    if (reply instanceof Error) expect(String(reply)).toMatch(/EPIPE|ECONNRESET/);
    else expect({ status: reply.status, body: JSON.parse(reply.body) }).toEqual({ status: 413, body: { error: 'request body too large', status: 413 } });
    const small = await raw(gw.port, `POST /news/upload HTTP/1.1\r\nHost: x\r\nContent-Length: ${2 * 1024 * 1024}\r\nConnection: close\r\n\r\n`);
    expect(statusAndJson(small)).toEqual({ status: 413, contentType: 'application/json', body: { error: 'request body too large', status: 413 } });
  });

  test('a URI longer than a header buffer gets 414 JSON', async () => {
    const out = await raw(gw.port, `GET /news/${'a'.repeat(9000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(statusAndJson(out)).toEqual({ status: 414, contentType: 'application/json', body: { error: 'request URI too long', status: 414 } });
    expect(GATEWAY_LIMITS.largeClientHeaderBuffers[1]).toBe('8k');
  });

  test('a header larger than a buffer gets 400 JSON', async () => {
    const out = await raw(gw.port, `GET /news/ HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(9000)}\r\nConnection: close\r\n\r\n`);
    expect(statusAndJson(out)).toEqual({ status: 400, contentType: 'application/json', body: { error: 'request header too large', status: 400 } });
  });

  test('a malformed request gets 400 JSON', async () => {
    const out = await raw(gw.port, 'GET /news/ HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n');
    expect(statusAndJson(out)).toEqual({ status: 400, contentType: 'application/json', body: { error: 'bad request', status: 400 } });
  });

  test('a client cannot spoof the subject headers on a public route', async () => {
    const reply = await request(gw.port, '/news/', { headers: { 'X-Auth-Subject': 'admin', 'X-Auth-Scopes': 'payment' } });
    const seen = JSON.parse(reply.body).headers;
    expect(seen['x-auth-subject']).toBeUndefined();
    expect(seen['x-auth-scopes']).toBeUndefined();
  });

  test('an unknown path gets 404 JSON and reaches no upstream', async () => {
    const reply = await request(gw.port, '/unknown/thing');
    expect(reply.status).toBe(404);
    expect(JSON.parse(reply.body)).toEqual({ error: 'no route for this path', status: 404 });
  });

  test('/healthz answers 200', async () => {
    expect((await request(gw.port, HEALTH_PATH)).status).toBe(200);
  });

  test('stub_status answers on the status port, and not on the public port', async () => {
    const status = await request(gw.statusPort, STATUS_PATH);
    expect(status.status).toBe(200);
    expect(status.body).toMatch(/^Active connections: [0-9]+/);
    expect((await request(gw.port, STATUS_PATH)).status).toBe(404);
  });
});
