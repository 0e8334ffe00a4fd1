import { resolve } from '../model/resolve';
import { createHmac, createPublicKey, generateKeyPairSync, JsonWebKey, verify } from 'crypto';
import { spawnSync } from 'child_process';
import * as http from 'http';

import { SigningAlgorithm } from '../services/auth/src/config';
import { JWKS_PATH } from '../services/auth/src/paths';
import { AUTH_NODE, AuthInstance, claimsFor, envFor, getToken, jwtPart, settingsFor, startAuth, writeBundle } from './support/auth-service';
import { NGINX, startGateway, startStub } from './support/gateway-on-nginx';
import { freePort, request, TIMEOUT_MS } from './support/loopback';
import { configFrom } from './support/manifests';

/**
 * Asymmetric signing: the shipped bundle publishes its public keys at /.well-known/jwks.json, and a
 * service verifies a token with them alone. The verification here is node:crypto on the published
 * JWK, independent of the service's own code (jose).
 */
const pem = (kind: 'ec' | 'ed25519') =>
  (kind === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) : generateKeyPairSync('ed25519')).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const EC = { k1: pem('ec'), k2: pem('ec') };
const ED = { e1: pem('ed25519') };

type Jwk = JsonWebKey & { kid: string; alg: string; use: string };

async function jwks(port: number): Promise<Jwk[]> {
  const reply = await request(port, JWKS_PATH);
  expect(reply.status).toBe(200);
  expect(reply.headers['content-type']).toBe('application/jwk-set+json');
  return JSON.parse(reply.body).keys;
}

/** Does the token's signature check out against the published key of its kid? */
function verifiedBy(keys: Jwk[], token: string): boolean {
  const { kid, alg } = jwtPart(token, 0) as { kid: string; alg: SigningAlgorithm };
  const jwk = keys.find((k) => k.kid === kid);
  if (!jwk) return false;
  const [h, p, s] = token.split('.');
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const data = Buffer.from(`${h}.${p}`);
  const sig = Buffer.from(s, 'base64url');
  return alg === 'ES256' ? verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig) : verify(null, data, key, sig);
}

describe('JWKS: services verify tokens with the published public keys', () => {
  let bundle: ReturnType<typeof writeBundle>;
  const running: AuthInstance[] = [];
  const start = async (algorithm: SigningAlgorithm, kids: string[], keys: Record<string, string>, port?: number) => {
    const a = await startAuth(bundle.file, { kids, keys, settings: { algorithm }, port });
    running.push(a);
    return a;
  };
  const validate = (port: number, token: string) => request(port, '/validate', { headers: { authorization: `Bearer ${token}` } });

  beforeAll(() => {
    bundle = writeBundle();
  });
  afterAll(async () => {
    await Promise.all(running.map((a) => a.close()));
    bundle?.cleanup();
  }, 20_000);

  test('ES256: the token names its key; the JWKS holds that public key only (no private part); the signature verifies', async () => {
    const auth = await start('ES256', ['k1'], EC);
    const token = await getToken(auth.port);
    expect(jwtPart(token, 0)).toEqual({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' });
    const keys = await jwks(auth.port);
    expect(keys).toEqual([{ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: 'k1', alg: 'ES256', use: 'sig' }]);
    expect(verifiedBy(keys, token)).toBe(true);
    // A token changed after signing does not verify with the same key.
    const [h, , s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...jwtPart(token, 1), scope: 'admin' })).toString('base64url')}.${s}`;
    expect(verifiedBy(keys, forged)).toBe(false);
    expect((await validate(auth.port, token)).status).toBe(204);
  }, TIMEOUT_MS);

  test('rotation: both keys are published while the old one still validates; dropping it unpublishes it', async () => {
    const before = await start('ES256', ['k1'], EC);
    const oldToken = await getToken(before.port);
    const during = await start('ES256', ['k2', 'k1'], EC);
    const keys = await jwks(during.port);
    expect(keys.map((k) => k.kid)).toEqual(['k2', 'k1']);
    const newToken = await getToken(during.port);
    expect(jwtPart(newToken, 0).kid).toBe('k2');
    expect([verifiedBy(keys, oldToken), verifiedBy(keys, newToken)]).toEqual([true, true]);
    expect((await validate(during.port, oldToken)).status).toBe(204);
    const after = await start('ES256', ['k2'], EC);
    const afterKeys = await jwks(after.port);
    expect(afterKeys.map((k) => k.kid)).toEqual(['k2']);
    expect([verifiedBy(afterKeys, oldToken), verifiedBy(afterKeys, newToken)]).toEqual([false, true]);
    expect((await validate(after.port, oldToken)).status).toBe(401);
  }, TIMEOUT_MS * 2);

  test('EdDSA (Ed25519) works the same way', async () => {
    const auth = await start('EdDSA', ['e1'], ED);
    const token = await getToken(auth.port);
    const keys = await jwks(auth.port);
    expect(keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: 'e1', alg: 'EdDSA', use: 'sig' }]);
    expect(verifiedBy(keys, token)).toBe(true);
    expect((await validate(auth.port, token)).status).toBe(204);
  }, TIMEOUT_MS);

  test('algorithm confusion: an HS256 token keyed with the published public key is refused', async () => {
    const auth = await start('ES256', ['k1'], EC);
    const publicPem = createPublicKey(EC.k1).export({ format: 'pem', type: 'spki' }).toString();
    const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const input = `${part({ alg: 'HS256', kid: 'k1', typ: 'at+jwt' })}.${part(claimsFor('shop', 'payment'))}`;
    const confused = `${input}.${createHmac('sha256', publicPem).update(input).digest('base64url')}`;
    expect((await validate(auth.port, confused)).status).toBe(401);
  }, TIMEOUT_MS);

  test('HS256 publishes no key', async () => {
    const auth = await startAuth(bundle.file, { kids: ['old'] });
    running.push(auth);
    expect(await jwks(auth.port)).toEqual([]);
  }, TIMEOUT_MS);

  test.each([
    ['ES256 given an Ed25519 key', 'ES256' as const, ED.e1, /AUTH_SIGNING_KEY_0 \(signing key k1\) must be an EC P-256 private key \(PKCS#8 PEM\) for ES256/],
    ['ES256 given a shared secret', 'ES256' as const, 'x'.repeat(48), /must be an EC P-256 private key/],
    ['EdDSA given an EC key', 'EdDSA' as const, EC.k1, /must be an Ed25519 private key \(PKCS#8 PEM\) for EdDSA/],
  ])('refuses to start with %s, naming the variable', (_, algorithm, material, message) => {
    const env = envFor(settingsFor(1, ['k1'], { algorithm }), { k1: material });
    const r = spawnSync(AUTH_NODE, [bundle.file], { env, encoding: 'utf8', timeout: TIMEOUT_MS });
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stderr.trim())).toEqual({ level: 'fatal', msg: expect.stringMatching(message) });
  });

  (NGINX ? test : test.skip)('through the gateway: the protected service receives the checked token and verifies it with the JWKS alone', async () => {
    const config = configFrom();
    const authPort = await freePort();
    const auth = await start('ES256', ['k1'], EC, authPort);
    const stubs: http.Server[] = [];
    const routes = [];
    for (const r of resolve(config).gateway.routes) {
      const stub = await startStub(r.prefix);
      stubs.push(stub.server);
      routes.push({ ...r, port: stub.port });
    }
    const gwAuth = { ...resolve(config).gateway.auth!, port: authPort };
    const gw = await startGateway({ routes, auth: gwAuth, resolvable: [...routes.map((r) => r.host), gwAuth.host] });
    try {
      const token = await getToken(gw.port, undefined, gwAuth.tokenPath);
      const seen = JSON.parse((await request(gw.port, '/payment/', { headers: { authorization: `Bearer ${token}` } })).body).headers;
      const forwarded = String(seen.authorization).replace(/^Bearer /, '');
      expect(verifiedBy(await jwks(authPort), forwarded)).toBe(true);
      expect(jwtPart(forwarded, 1).sub).toBe(seen['x-auth-subject']);
    } finally {
      await gw.close();
      await Promise.all(stubs.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      await auth.close();
    }
  }, TIMEOUT_MS * 3);
});
