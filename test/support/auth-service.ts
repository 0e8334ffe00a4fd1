import { createHmac } from 'crypto';
import { ChildProcess } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { AUTH_BUNDLE } from '../../services/auth/generated/auth-bundle';
import type { AuthSettings } from '../../services/auth/src/config';
import { freePort, request, startLogged, stop, waitFor } from './loopback';

/**
 * The auth service as shipped: the generated bundle (the ConfigMap's content) run by a real Node.
 * AUTH_TEST_NODE picks another Node binary (`npm run auth:lts` runs these tests on the LTS line
 * the image uses); by default the Node running the tests.
 */
export const AUTH_NODE = process.env.AUTH_TEST_NODE ?? process.execPath;

export const CLIENTS = [
  { id: 'shop', scopes: ['payment'], secret: 'shop-secret-0123456789-abcdefghij-klmn' },
  { id: 'reader', scopes: ['news', 'webtoon'], secret: 'reader-secret-0123456789-abcdefghij-kl' },
];
export const KEYS = { old: 'o'.repeat(40), new: 'n'.repeat(40), foreign: 'f'.repeat(40) };

export interface AuthInstance {
  port: number;
  child: ChildProcess;
  log(): string;
  close(): Promise<void>;
}

export function settingsFor(port: number, kids: string[], overrides: Partial<AuthSettings> = {}): AuthSettings {
  return {
    port,
    algorithm: 'HS256',
    issuer: 'test-issuer',
    audience: 'test-audience',
    tokenLifetimeSeconds: 300,
    clients: CLIENTS.map((c, i) => ({ id: c.id, scopes: c.scopes, secretEnv: `AUTH_CLIENT_SECRET_${i}` })),
    keys: kids.map((kid, i) => ({ kid, env: `AUTH_SIGNING_KEY_${i}` })),
    ...overrides,
  };
}

/** Environment as the Deployment sets it: settings JSON plus one variable per secret. */
export function envFor(settings: AuthSettings, keyMaterial: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, AUTH_CONFIG: JSON.stringify(settings), AUTH_LISTEN_HOST: '127.0.0.1', AUTH_SHUTDOWN_DELAY_MS: '200' };
  settings.clients.forEach((c) => (env[c.secretEnv] = CLIENTS.find((x) => x.id === c.id)!.secret));
  settings.keys.forEach((k) => (env[k.env] = keyMaterial[k.kid]));
  return env;
}

export function writeBundle(): { file: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'auth-bundle-'));
  const file = path.join(dir, 'auth.js');
  writeFileSync(file, AUTH_BUNDLE);
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Start the bundle with these settings and key material; resolves once /healthz answers. */
export async function startAuth(bundle: string, o: { port?: number; kids?: string[]; keys?: Record<string, string>; settings?: Partial<AuthSettings> } = {}): Promise<AuthInstance> {
  const port = o.port ?? (await freePort());
  const kids = o.kids ?? ['old'];
  const settings = settingsFor(port, kids, o.settings);
  const logFile = `${bundle}.${port}.${Date.now()}.log`;
  const { child, log } = startLogged(AUTH_NODE, [bundle], logFile, envFor(settings, o.keys ?? KEYS));
  await waitFor('auth service', child, async () => (await request(port, '/healthz')).status === 200, log);
  return { port, child, log, close: () => stop(child) };
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** POST /token with HTTP Basic client authentication; returns the access token. */
export async function getToken(port: number, client = CLIENTS[0], tokenPath = '/token', scope?: string): Promise<string> {
  const reply = await request(port, tokenPath, {
    method: 'POST',
    headers: { authorization: basic(client.id, client.secret), 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=client_credentials${scope ? `&scope=${encodeURIComponent(scope)}` : ''}`,
  });
  if (reply.status !== 200) throw new Error(`token request failed: ${reply.status} ${reply.body}`);
  return JSON.parse(reply.body).access_token;
}

/** The decoded JOSE header or payload of a compact JWT (for assertions only). */
export function jwtPart(token: string, part: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[part], 'base64url').toString('utf8'));
}

/**
 * A compact HS256 JWT made here with node:crypto (not with the service's code), for tokens the
 * service would never issue: hostile claims, odd times. `kid` names a key of KEYS.
 */
export function forgeToken(claims: Record<string, unknown>, kid: keyof typeof KEYS = 'new', header: Record<string, unknown> = {}): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${part({ alg: 'HS256', kid, typ: 'at+jwt', ...header })}.${part(claims)}`;
  return `${input}.${createHmac('sha256', KEYS[kid]).update(input).digest('base64url')}`;
}

/** Claims as the service issues them (test settings), to be changed one at a time. */
export function claimsFor(sub: string, scope: string, now = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  return { sub, scope, iss: 'test-issuer', aud: 'test-audience', iat: now, exp: now + 300 };
}

/** One series of a Prometheus text exposition: name and labels (values are not kept). */
export interface ScrapedSeries {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** The series of a /metrics answer (text format 0.0.4; label values without escaped quotes suffice here). */
export function parseExposition(text: string): ScrapedSeries[] {
  const out: ScrapedSeries[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? [^ ]+$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    out.push({ name: m[1], labels });
  }
  return out;
}

/**
 * Series of the shipped bundle after a token, a good and a bad check, a missing token and a check
 * that fails inside the service (a subject that cannot be a header value): what Prometheus scrapes.
 */
export async function scrapeAuthSeries(): Promise<ScrapedSeries[]> {
  const bundle = writeBundle();
  const auth = await startAuth(bundle.file, { kids: ['new', 'old'] });
  try {
    const validate = (token?: string) => request(auth.port, '/validate', { headers: token ? { authorization: `Bearer ${token}` } : {} });
    await validate(await getToken(auth.port));
    await validate('garbage');
    await validate();
    await validate(forgeToken(claimsFor('shop\r\nx: y', 'payment')));
    return parseExposition((await request(auth.port, '/metrics')).body);
  } finally {
    await auth.close();
    bundle.cleanup();
  }
}
