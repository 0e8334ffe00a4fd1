import * as http from 'http';
import * as net from 'net';

import { AUTH_TOKEN_PATH } from '../config/schema/auth';
import { GATEWAY_LIMITS } from '../constructs/gateway-config';
import { MAX_FORM_BYTES } from '../services/auth/src/limits';
import { AuthGateway, RunningAuthBundle, startAuthBundle, startAuthGateway } from './support/auth-fixtures';
import { basic, claimsFor, CLIENTS, forgeToken, getToken } from './support/auth-service';
import { NGINX } from './support/gateway-on-nginx';
import { raw, request, statusAndJson, TIMEOUT_MS } from './support/loopback';
import { configFrom } from './support/manifests';

/**
 * Requests meant to break the auth service, sent to the shipped bundle and then through the
 * generated nginx.conf on a real nginx. After each batch the same process must still answer.
 */
const shop = CLIENTS[0];
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const now = () => Math.floor(Date.now() / 1000);
const YEAR = 365 * 24 * 3600;

/** Tokens signed with the service's own key whose claims it must not pass. */
const hostileTokens = (): Array<[string, string]> => [
  ['a subject holding CR/LF (header injection)', forgeToken({ ...claimsFor('shop\r\nX-Injected: 1', 'payment') })],
  ['a subject holding a NUL byte', forgeToken({ ...claimsFor('shop\u0000', 'payment') })],
  ['iat ten years ahead', forgeToken({ ...claimsFor('shop', 'payment'), iat: now() + 10 * YEAR, exp: now() + 10 * YEAR + 300 })],
  ['iat older than the token lifetime (exp still ahead)', forgeToken({ ...claimsFor('shop', 'payment'), iat: now() - 3600, exp: now() + 3600 })],
  ['no iat', forgeToken({ sub: 'shop', scope: 'payment', iss: 'test-issuer', aud: 'test-audience', exp: now() + 300 })],
  ['iat that is not a number', forgeToken({ ...claimsFor('shop', 'payment'), iat: 'yesterday' })],
  ['a kid naming an object property', forgeToken(claimsFor('shop', 'payment'), 'new', { kid: '__proto__' })],
  ['a subject that is an object', forgeToken({ ...claimsFor('shop', 'payment'), sub: { toString: 'x' } })],
];

/** Open a connection, send part of a request, and drop it. */
function abandon(port: number, text: string): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write(text);
      setTimeout(() => s.destroy(), 50);
    });
    s.on('close', () => resolve());
    s.on('error', () => resolve());
  });
}

function chunked(port: number, path: string, chunks: number, chunkBytes: number): Promise<string> {
  const body = Array.from({ length: chunks }, () => `${chunkBytes.toString(16)}\r\n${'a'.repeat(chunkBytes)}\r\n`).join('');
  return raw(port, `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n${body}0\r\n\r\n`);
}

describe('the auth bundle survives hostile requests', () => {
  let fx: RunningAuthBundle;
  const auth = () => fx.auth;
  const validate = (token: string, headers: Record<string, string> = {}) => request(auth().port, '/validate', { headers: { authorization: `Bearer ${token}`, 'x-auth-required-scope': 'payment', ...headers } });

  beforeAll(async () => {
    fx = await startAuthBundle();
  }, TIMEOUT_MS * 2);

  afterAll(() => fx?.close());

  /** The same process, still answering: not restarted, a real token still validates. */
  async function stillServing(): Promise<void> {
    expect(auth().child.exitCode).toBeNull();
    expect((await request(auth().port, '/healthz')).status).toBe(200);
    expect((await validate(await getToken(auth().port))).status).toBe(204);
  }

  test('a token whose subject cannot be a header value: 500 JSON for that request only, counted as a validation error', async () => {
    const reply = await validate(hostileTokens()[0][1]);
    expect({ status: reply.status, type: reply.headers['content-type'], body: JSON.parse(reply.body), injected: reply.headers['x-injected'] }).toEqual({
      status: 500,
      type: 'application/json',
      body: { error: 'server_error' },
      injected: undefined,
    });
    await stillServing();
    expect((await request(auth().port, '/metrics')).body).toMatch(/^auth_requests_total\{endpoint="validate",outcome="error"\} [1-9]/m);
    expect(auth().log()).toMatch(/"level":"error","msg":"request failed","endpoint":"validate"/);
  });

  test.each(hostileTokens().slice(2))('%s: 401 invalid_token', async (_, token) => {
    const reply = await validate(token);
    expect({ status: reply.status, challenge: reply.headers['www-authenticate'] }).toEqual({ status: 401, challenge: expect.stringMatching(/^Bearer .*error="invalid_token"/) });
  });

  test('iat within the clock skew of another pod is accepted', async () => {
    expect((await validate(forgeToken({ ...claimsFor('shop', 'payment'), iat: now() + 2 }))).status).toBe(204);
  });

  test('a body over the limit: 413 JSON, announced or chunked, and the connection closed cleanly', async () => {
    const big = `grant_type=client_credentials&pad=${'a'.repeat(MAX_FORM_BYTES)}`;
    const announced = await request(auth().port, '/token', { method: 'POST', headers: { ...form, authorization: basic(shop.id, shop.secret) }, body: big });
    expect({ status: announced.status, body: JSON.parse(announced.body) }).toEqual({ status: 413, body: { error: 'invalid_request', error_description: `body over ${MAX_FORM_BYTES} bytes` } });
    expect(statusAndJson(await chunked(auth().port, '/token', 8, 1024))).toMatchObject({ status: 413, contentType: 'application/json' });
    // Far beyond what is read and dropped: the connection is cut, the process goes on.
    await chunked(auth().port, '/token', 80, 16 * 1024).catch(() => '');
    await stillServing();
  });

  test('/token refuses anything but a form: 415 JSON', async () => {
    for (const type of ['application/json', 'text/plain', undefined]) {
      const reply = await request(auth().port, '/token', {
        method: 'POST',
        headers: { ...(type ? { 'content-type': type } : {}), authorization: basic(shop.id, shop.secret) },
        body: type === 'application/json' ? '{"grant_type":"client_credentials"}' : 'grant_type=client_credentials',
      });
      expect({ type, status: reply.status, error: JSON.parse(reply.body).error }).toEqual({ type, status: 415, error: 'invalid_request' });
    }
    const withCharset = await request(auth().port, '/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8', authorization: basic(shop.id, shop.secret) }, body: 'grant_type=client_credentials' });
    expect(withCharset.status).toBe(200);
  });

  test('as many header bytes as nginx forwards are accepted (no 431)', async () => {
    // nginx lets through up to 4 buffers of 8 KiB: fill them almost completely.
    const [count, size] = GATEWAY_LIMITS.largeClientHeaderBuffers.map((x) => parseInt(x, 10));
    const headers = Object.fromEntries(Array.from({ length: count - 1 }, (_, i) => [`x-pad-${i}`, 'p'.repeat(size * 1024 - 100)]));
    expect((await validate(await getToken(auth().port), headers)).status).toBe(204);
  });

  test('malformed credentials, tokens, methods and paths are answered, not fatal', async () => {
    const cases: Array<[string, http.OutgoingHttpHeaders | Record<string, string>, string, string?]> = [
      ['/token', { ...form, authorization: 'Basic %%%' }, 'POST', 'grant_type=client_credentials'],
      ['/token', { ...form, authorization: `Basic ${Buffer.from('%E0%A4%A:%ZZ').toString('base64')}` }, 'POST', 'grant_type=client_credentials'],
      ['/token', form, 'POST', 'grant_type=client_credentials&client_id=shop&client_id=reader&client_secret=x'],
      ['/token', form, 'POST', '%%%=%%%&&&=='],
      ['/validate', { authorization: `Bearer ${'a'.repeat(7000)}` }, 'GET'],
      ['/validate', { authorization: 'Bearer a.b.c.d.e' }, 'GET'],
      ['/validate', { authorization: `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.e30.` }, 'GET'],
      ['/validate?x=%ff', {}, 'DELETE'],
      ['/%00/../token', {}, 'GET'],
    ];
    for (const [path, headers, method, body] of cases) {
      const reply = await request(auth().port, path, { method, headers: headers as Record<string, string>, body });
      expect({ path, status: reply.status }).toEqual({ path, status: expect.any(Number) });
      expect(reply.status).toBeLessThan(500);
    }
    await abandon(auth().port, 'POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_');
    await abandon(auth().port, 'GET /validate HTTP/1.1\r\nAuthorization: Bear');
    expect(await raw(auth().port, 'GET /validate HTTP/1.1\r\nHost: x\r\nBroken header\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
    await stillServing();
  });
});

const describeNginx = NGINX ? describe : describe.skip;
if (!NGINX && process.env.CI === 'true') throw new Error('nginx is not installed: CI must run the gateway test (scripts/install-system-packages.sh)');

describeNginx('hostile requests through the gateway', () => {
  const config = configFrom();
  let fx: AuthGateway;

  beforeAll(async () => {
    fx = await startAuthGateway(config);
  }, TIMEOUT_MS * 3);

  afterAll(() => fx?.close(), 20_000);

  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

  test('every hostile token fails closed and the auth process keeps serving the next request', async () => {
    for (const [what, token] of hostileTokens()) {
      const reply = await request(fx.gw.port, '/payment/', { headers: bearer(token) });
      expect({ what, status: reply.status, injected: JSON.parse(reply.body).headers?.['x-injected'] }).toEqual({ what, status: expect.any(Number), injected: undefined });
      expect({ what, refused: reply.status === 401 || reply.status === 503 }).toEqual({ what, refused: true });
    }
    expect(fx.auth.child.exitCode).toBeNull();
    expect((await request(fx.gw.port, '/payment/', { headers: bearer(await getToken(fx.gw.port, shop, AUTH_TOKEN_PATH)) })).status).toBe(200);
  });

  test('a token request body over the service limit gets 413 JSON from nginx, before the service', async () => {
    const before = (await request(fx.auth.port, '/metrics')).body;
    const reply = await request(fx.gw.port, AUTH_TOKEN_PATH, { method: 'POST', headers: { ...form, authorization: basic(shop.id, shop.secret) }, body: `grant_type=client_credentials&pad=${'a'.repeat(MAX_FORM_BYTES)}` });
    expect({ status: reply.status, body: JSON.parse(reply.body) }).toEqual({ status: 413, body: { error: 'request body too large', status: 413 } });
    const after = (await request(fx.auth.port, '/metrics')).body;
    const tooLarge = (m: string) => /^auth_requests_total\{endpoint="token",outcome="too_large"\} ([0-9]+)/m.exec(m)?.[1];
    expect(tooLarge(after)).toBe(tooLarge(before));
  });

  test('a token request that is not a form: 415 JSON from the service', async () => {
    const reply = await request(fx.gw.port, AUTH_TOKEN_PATH, { method: 'POST', headers: { 'content-type': 'application/json', authorization: basic(shop.id, shop.secret) }, body: '{}' });
    expect([reply.status, JSON.parse(reply.body).error]).toEqual([415, 'invalid_request']);
  });

  test('a valid request with nearly all the header space nginx allows is not turned into 503', async () => {
    const [count, size] = GATEWAY_LIMITS.largeClientHeaderBuffers.map((x) => parseInt(x, 10));
    const pad = Object.fromEntries(Array.from({ length: count - 1 }, (_, i) => [`x-pad-${i}`, 'p'.repeat(size * 1024 - 200)]));
    const token = await getToken(fx.gw.port, shop, AUTH_TOKEN_PATH);
    expect((await request(fx.gw.port, '/payment/', { headers: { ...bearer(token), ...pad } })).status).toBe(200);
    const tokenReply = await request(fx.gw.port, AUTH_TOKEN_PATH, { method: 'POST', headers: { ...form, authorization: basic(shop.id, shop.secret), ...pad }, body: 'grant_type=client_credentials' });
    expect(tokenReply.status).toBe(200);
  });
});
