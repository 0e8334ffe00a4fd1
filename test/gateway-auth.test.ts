import { resolve } from '../model/resolve';

import { AUTH_TOKEN_PATH } from '../config/schema/auth';
import { AuthGateway, startAuthGateway } from './support/auth-fixtures';
import { CLIENTS, getToken, KEYS, startAuth } from './support/auth-service';
import { NGINX } from './support/gateway-on-nginx';
import { request, TIMEOUT_MS } from './support/loopback';
import { configFrom } from './support/manifests';

/**
 * The proof: the generated nginx.conf on a real nginx, the real auth bundle behind it, stub
 * upstreams, and the token matrix through the gateway. Default configuration: payment requires a
 * token with scope "payment", news is public.
 */
if (!NGINX) {
  if (process.env.CI === 'true') throw new Error('nginx is not installed: CI must run the gateway test (scripts/install-system-packages.sh)');
  console.warn('SKIPPED gateway-auth tests: nginx is not installed (run scripts/install-system-packages.sh)');
}
const describeNginx = NGINX ? describe : describe.skip;

describeNginx('protected routes through the gateway and the auth service', () => {
  const config = configFrom();
  let fx: AuthGateway;
  const shop = CLIENTS[0];
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  /** The load balancer in front of the gateway, as far as nginx can tell: a second loopback address. */
  const PROXY = '127.0.0.2';
  /** A public route of a service that checks credentials itself (`auth.forwardAuthorization`). */
  const ownAuth = 'own-auth';

  beforeAll(async () => {
    fx = await startAuthGateway(config, {
      extraRoutes: [{ prefix: ownAuth, host: `${ownAuth}.${config.namespaces.apps}.svc.${config.cluster.domain}`, forwardAuthorization: true }],
      trustedProxies: [`${PROXY}/32`],
    });
  }, TIMEOUT_MS * 3);

  afterAll(() => fx?.close(), 20_000);

  test('the default configuration protects payment with its scope and leaves news and webtoon public', () => {
    expect(resolve(config).gateway.routes.map((r) => [r.prefix, r.auth])).toEqual([
      ['news', undefined],
      ['webtoon', undefined],
      ['payment', { scope: 'payment' }],
    ]);
  });

  test('no token: 401 JSON with a Bearer challenge, and the upstream is never reached', async () => {
    const before = fx.hits.get('payment') ?? 0;
    const reply = await request(fx.gw.port, '/payment/api/info');
    expect(reply.status).toBe(401);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.headers['www-authenticate']).toBe('Bearer realm="container-infra"');
    expect(JSON.parse(reply.body)).toEqual({ error: 'a valid bearer token is required', status: 401 });
    expect(fx.hits.get('payment') ?? 0).toBe(before);
  });

  test('garbage and a token of another signing key: 401 invalid_token', async () => {
    const foreign = await startAuth(fx.bundle.file, { kids: ['new'], keys: { ...KEYS, new: KEYS.foreign } });
    let forged: string;
    try {
      forged = await getToken(foreign.port);
    } finally {
      await foreign.close();
    }
    for (const token of ['garbage', forged]) {
      const reply = await request(fx.gw.port, '/payment/', { headers: bearer(token) });
      expect({ status: reply.status, challenge: reply.headers['www-authenticate'] }).toEqual({ status: 401, challenge: expect.stringContaining('error="invalid_token"') });
    }
  }, TIMEOUT_MS);

  test('an expired token: 401', async () => {
    const shortLived = await startAuth(fx.bundle.file, { kids: ['new', 'old'], settings: { tokenLifetimeSeconds: 1 } });
    let token: string;
    try {
      token = await getToken(shortLived.port);
    } finally {
      await shortLived.close();
    }
    await new Promise((r) => setTimeout(r, 2100));
    const reply = await request(fx.gw.port, '/payment/', { headers: bearer(token) });
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toMatch(/expired/);
  }, TIMEOUT_MS);

  test('a token without the route scope: 403 JSON with insufficient_scope', async () => {
    const reply = await request(fx.gw.port, '/payment/', { headers: bearer(await getToken(fx.auth.port, CLIENTS[1])) });
    expect(reply.status).toBe(403);
    expect(reply.headers['www-authenticate']).toMatch(/insufficient_scope/);
    expect(JSON.parse(reply.body)).toEqual({ error: 'the token does not grant access to this route', status: 403 });
  });

  test('a valid token obtained through the gateway: 200, the subject reaches the upstream, spoofed copies do not', async () => {
    const token = await getToken(fx.gw.port, shop, AUTH_TOKEN_PATH);
    const reply = await request(fx.gw.port, '/payment/charge', { headers: { ...bearer(token), 'X-Auth-Subject': 'admin', 'X-Auth-Scopes': 'everything' } });
    expect(reply.status).toBe(200);
    const seen = JSON.parse(reply.body);
    expect({ upstream: seen.upstream, path: seen.path }).toEqual({ upstream: 'payment', path: '/charge' });
    expect([seen.headers['x-auth-subject'], seen.headers['x-auth-scopes']]).toEqual(['shop', 'payment']);
  });

  test('a public route never sees the token; a protected route gets the checked one; a service that opted in gets it', async () => {
    const token = await getToken(fx.auth.port);
    const seen = async (prefix: string) => JSON.parse((await request(fx.gw.port, `/${prefix}/`, { headers: bearer(token) })).body).headers.authorization;
    expect(await seen('news')).toBeUndefined();
    expect(await seen('webtoon')).toBeUndefined();
    expect(await seen('payment')).toBe(`Bearer ${token}`);
    expect(await seen(ownAuth)).toBe(`Bearer ${token}`);
  });

  test('a spoofed subject header on a public route is removed', async () => {
    const seen = JSON.parse((await request(fx.gw.port, '/news/', { headers: { 'X-Auth-Subject': 'admin' } })).body);
    expect(seen.headers['x-auth-subject']).toBeUndefined();
  });

  test('a POST body reaches a protected upstream intact (the auth check does not consume it)', async () => {
    const body = JSON.stringify({ order: 7, amount: '12.50', note: '결제 ✓' });
    const reply = await request(fx.gw.port, '/payment/orders', { method: 'POST', headers: { ...bearer(await getToken(fx.auth.port)), 'content-type': 'application/json' }, body });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ method: 'POST', path: '/orders', body });
  });

  test('key rotation: a token signed with the old key still passes after the new key signs', async () => {
    const before = await startAuth(fx.bundle.file, { kids: ['old'] });
    let oldToken: string;
    try {
      oldToken = await getToken(before.port);
    } finally {
      await before.close();
    }
    expect((await request(fx.gw.port, '/payment/', { headers: bearer(oldToken) })).status).toBe(200);
  }, TIMEOUT_MS);

  test('the token endpoint with a wrong secret: 401 from the auth service', async () => {
    const reply = await request(fx.gw.port, AUTH_TOKEN_PATH, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('shop:wrong').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(reply.status).toBe(401);
    expect(JSON.parse(reply.body)).toEqual({ error: 'invalid_client' });
  });

  test('the token endpoint is rate-limited per client address: 429 JSON', async () => {
    const burst = config.gateway.tokenRateLimit.burst;
    const replies = await Promise.all(
      Array.from({ length: burst + 5 }, () => request(fx.gw.port, AUTH_TOKEN_PATH, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' })),
    );
    const limited = replies.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(JSON.parse(limited[0].body)).toEqual({ error: 'too many requests', status: 429 });
  });

  const tokenRequest = (o: { localAddress: string; forwardedFor?: string }) =>
    request(fx.gw.port, AUTH_TOKEN_PATH, {
      method: 'POST',
      localAddress: o.localAddress,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(o.forwardedFor ? { 'x-forwarded-for': o.forwardedFor } : {}) },
      body: 'grant_type=client_credentials',
    });

  test('behind a trusted proxy each client has its own token rate limit', async () => {
    const burst = config.gateway.tokenRateLimit.burst;
    const first = await Promise.all(Array.from({ length: burst + 5 }, () => tokenRequest({ localAddress: PROXY, forwardedFor: '203.0.113.10' })));
    expect(first.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    // Another client through the same proxy, at once: not limited by the first one's requests.
    const other = await tokenRequest({ localAddress: PROXY, forwardedFor: '203.0.113.20' });
    expect(other.status).toBe(401);
    // And the first is still limited: the key was the client, not a per-request accident.
    expect((await tokenRequest({ localAddress: PROXY, forwardedFor: '203.0.113.10' })).status).toBe(429);
    expect(fx.gw.log()).toMatch(/"remote_addr":"203\.0\.113\.20"/);
  });

  test('X-Forwarded-For from a peer that is not a trusted proxy is ignored: a changing header does not escape the limit', async () => {
    const burst = config.gateway.tokenRateLimit.burst;
    const replies = await Promise.all(Array.from({ length: burst + 5 }, (_, i) => tokenRequest({ localAddress: '127.0.0.3', forwardedFor: `198.51.100.${i + 1}` })));
    expect(replies.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    // The access log names the peer, not the claimed address.
    expect(fx.gw.log()).not.toMatch(/"remote_addr":"198\.51\.100\./);
  });

  test('auth service stopped: protected routes fail closed with 503 JSON, public routes keep working', async () => {
    await fx.auth.close();
    const token = 'x.y.z';
    const reply = await request(fx.gw.port, '/payment/', { headers: bearer(token), timeoutMs: 3000 });
    expect(reply.status).toBe(503);
    expect(JSON.parse(reply.body)).toEqual({ error: 'authentication is unavailable', status: 503 });
    expect((await request(fx.gw.port, '/news/')).status).toBe(200);
  });
});
