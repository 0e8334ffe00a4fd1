import { spawnSync } from 'child_process';
import { RunningAuthBundle, startAuthBundle } from './support/auth-fixtures';
import { AUTH_NODE, basic, CLIENTS, envFor, getToken, jwtPart, KEYS, settingsFor, startAuth } from './support/auth-service';
import { request, TIMEOUT_MS } from './support/loopback';

/** The auth service on its own: the shipped bundle on 127.0.0.1, talked to over HTTP. */
describe(`auth service bundle (node ${spawnSync(AUTH_NODE, ['--version'], { encoding: 'utf8' }).stdout.trim()})`, () => {
  let fx: RunningAuthBundle;
  const auth = () => fx.auth;
  const shop = CLIENTS[0];
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const validate = (token: string | undefined, scope?: string) =>
    request(auth().port, '/validate', { headers: { ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}), ...(scope ? { 'x-auth-required-scope': scope } : {}) } });

  beforeAll(async () => {
    fx = await startAuthBundle();
  }, TIMEOUT_MS * 2);

  afterAll(() => fx?.close());

  test('issues a signed token by HTTP Basic: subject, scope, lifetime, key id', async () => {
    const reply = await request(auth().port, '/token', { method: 'POST', headers: { ...form, authorization: basic(shop.id, shop.secret) }, body: 'grant_type=client_credentials' });
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store');
    const body = JSON.parse(reply.body);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'payment' });
    expect(jwtPart(body.access_token, 0)).toMatchObject({ alg: 'HS256', kid: 'new' });
    const claims = jwtPart(body.access_token, 1) as { sub: string; scope: string; iss: string; aud: string; exp: number; iat: number };
    expect(claims).toMatchObject({ sub: 'shop', scope: 'payment', iss: 'test-issuer', aud: 'test-audience' });
    expect(claims.exp - claims.iat).toBe(300);
  });

  test('accepts client credentials in the form body too', async () => {
    const reply = await request(auth().port, '/token', { method: 'POST', headers: form, body: `grant_type=client_credentials&client_id=reader&client_secret=${CLIENTS[1].secret}&scope=news` });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body).scope).toBe('news');
  });

  test.each([
    ['a wrong secret', basic('shop', 'wrong')],
    ['an unknown client', basic('nobody', shop.secret)],
    ['no credentials', undefined],
  ])('refuses %s with 401 invalid_client', async (_, authorization) => {
    const reply = await request(auth().port, '/token', { method: 'POST', headers: { ...form, ...(authorization ? { authorization } : {}) }, body: 'grant_type=client_credentials' });
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toMatch(/^Basic /);
    expect(JSON.parse(reply.body)).toEqual({ error: 'invalid_client' });
  });

  test('refuses another grant type and a scope the client may not have', async () => {
    const headers = { ...form, authorization: basic(shop.id, shop.secret) };
    const grant = await request(auth().port, '/token', { method: 'POST', headers, body: 'grant_type=password' });
    expect([grant.status, JSON.parse(grant.body).error]).toEqual([400, 'unsupported_grant_type']);
    const scope = await request(auth().port, '/token', { method: 'POST', headers, body: 'grant_type=client_credentials&scope=payment%20news' });
    expect([scope.status, JSON.parse(scope.body).error]).toEqual([400, 'invalid_scope']);
    expect((await request(auth().port, '/token')).status).toBe(405);
  });

  test('validates a token: 204 with subject and scopes in headers', async () => {
    const reply = await validate(await getToken(auth().port), 'payment');
    expect(reply.status).toBe(204);
    expect([reply.headers['x-auth-subject'], reply.headers['x-auth-scopes']]).toEqual(['shop', 'payment']);
  });

  test('403 insufficient_scope when the token lacks the required scope', async () => {
    const reply = await validate(await getToken(auth().port, CLIENTS[1]), 'payment');
    expect(reply.status).toBe(403);
    expect(reply.headers['www-authenticate']).toMatch(/error="insufficient_scope".*scope="payment"/);
  });

  test('401 with a Bearer challenge for a missing, garbage, tampered, unsigned or unknown-key token', async () => {
    const good = await getToken(auth().port);
    const [h, p, s] = good.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...jwtPart(good, 1), scope: 'payment admin' })).toString('base64url')}.${s}`;
    const unsigned = `${Buffer.from('{"alg":"none","kid":"new"}').toString('base64url')}.${p}.`;
    const unknownKid = `${Buffer.from(JSON.stringify({ ...jwtPart(good, 0), kid: 'gone' })).toString('base64url')}.${p}.${s}`;
    const missing = await validate(undefined);
    expect([missing.status, missing.headers['www-authenticate']]).toEqual([401, 'Bearer realm="container-infra"']);
    for (const token of ['garbage', 'a.b.c', tampered, unsigned, unknownKid]) {
      const reply = await validate(token);
      expect({ token, status: reply.status, challenge: reply.headers['www-authenticate'] }).toEqual({ token, status: 401, challenge: expect.stringMatching(/^Bearer .*error="invalid_token"/) });
    }
  });

  test('a token signed with a key this service does not hold is refused', async () => {
    const other = await startAuth(fx.bundle.file, { kids: ['new'], keys: { ...KEYS, new: KEYS.foreign } });
    try {
      expect((await validate(await getToken(other.port))).status).toBe(401);
    } finally {
      await other.close();
    }
  }, TIMEOUT_MS);

  test('rotation: a token of the old key still validates where the new key signs', async () => {
    const before = await startAuth(fx.bundle.file, { kids: ['old'] });
    try {
      const oldToken = await getToken(before.port);
      expect(jwtPart(oldToken, 0).kid).toBe('old');
      expect((await validate(oldToken, 'payment')).status).toBe(204);
    } finally {
      await before.close();
    }
  }, TIMEOUT_MS);

  test('an expired token is refused', async () => {
    const shortLived = await startAuth(fx.bundle.file, { kids: ['new', 'old'], settings: { tokenLifetimeSeconds: 1 } });
    try {
      const token = await getToken(shortLived.port);
      await new Promise((r) => setTimeout(r, 2100));
      const reply = await validate(token);
      expect(reply.status).toBe(401);
      expect(reply.headers['www-authenticate']).toMatch(/expired/);
    } finally {
      await shortLived.close();
    }
  }, TIMEOUT_MS);

  test('/metrics counts requests by endpoint and outcome, with a latency histogram', async () => {
    const metrics = (await request(auth().port, '/metrics')).body;
    expect(metrics).toMatch(/^auth_requests_total\{endpoint="validate",outcome="valid"\} [1-9]/m);
    expect(metrics).toMatch(/^auth_requests_total\{endpoint="validate",outcome="invalid"\} [1-9]/m);
    expect(metrics).toMatch(/^auth_requests_total\{endpoint="token",outcome="invalid_client"\} [1-9]/m);
    expect(metrics).toMatch(/^auth_request_duration_seconds_bucket\{le="0.005",endpoint="validate"\} [1-9]/m);
    // Buckets from 100 µs, so a 0.2 ms median is measured rather than guessed.
    expect(metrics).toMatch(/^auth_request_duration_seconds_bucket\{le="0.0001",endpoint="validate"\} [0-9]/m);
    // Every outcome the alerts divide by exists before it first happens.
    expect(metrics).toMatch(/^auth_requests_total\{endpoint="validate",outcome="error"\} 0$/m);
    expect(metrics).toMatch(/^process_resident_memory_bytes /m);
  });

  test('SIGTERM: unready first, then a clean exit', async () => {
    const inst = await startAuth(fx.bundle.file);
    expect((await request(inst.port, '/readyz')).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => inst.child.once('exit', (code) => resolve(code)));
    inst.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 50));
    expect((await request(inst.port, '/readyz')).status).toBe(503);
    expect(await exited).toBe(0);
  }, TIMEOUT_MS);

  test.each([
    ['a missing client secret', (env: NodeJS.ProcessEnv) => delete env.AUTH_CLIENT_SECRET_1, /AUTH_CLIENT_SECRET_1 \(secret of client reader\) is not set/],
    ['a short signing key', (env: NodeJS.ProcessEnv) => (env.AUTH_SIGNING_KEY_0 = 'short'), /AUTH_SIGNING_KEY_0 \(signing key old\) must be at least 32 bytes, it has 5/],
    ['a short client secret', (env: NodeJS.ProcessEnv) => (env.AUTH_CLIENT_SECRET_0 = 'x'.repeat(31)), /AUTH_CLIENT_SECRET_0 \(secret of client shop\) must be at least 32 bytes, it has 31/],
  ])('refuses to start with %s, naming the variable', (_, change, message) => {
    const env = envFor(settingsFor(1, ['old']), KEYS);
    change(env);
    const r = spawnSync(AUTH_NODE, [fx.bundle.file], { env, encoding: 'utf8', timeout: TIMEOUT_MS });
    expect(r.status).toBe(1);
    // One JSON log line at level fatal, readable in `kubectl logs`.
    expect(JSON.parse(r.stderr.trim())).toEqual({ level: 'fatal', msg: expect.stringMatching(message) });
  });
});
