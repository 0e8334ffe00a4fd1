import { createHash, timingSafeEqual } from 'crypto';
import * as http from 'http';
import { errors, jwtVerify, SignJWT } from 'jose';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { LoadedAuth } from './config';
import { CLOCK_SKEW_SECONDS, FORM_TYPE, MAX_DISCARD_BYTES, MAX_FORM_BYTES, MAX_HEADER_BYTES } from './limits';
import { JWKS_PATH } from './paths';
import { ERROR_OUTCOME, TOKEN_OUTCOMES, VALIDATE_OUTCOMES } from './outcomes';

/** Headers of the contract with the gateway (nginx auth_request); the gateway reads the same names. */
export const REQUIRED_SCOPE_HEADER = 'x-auth-required-scope';
export const SUBJECT_HEADER = 'x-auth-subject';
export const SCOPES_HEADER = 'x-auth-scopes';
const JWKS_MAX_AGE_SECONDS = 60;

const REALM = 'container-infra';

type Outcome = string;
interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

function sha256(b: Buffer): Buffer {
  return createHash('sha256').update(b).digest();
}

/** Constant-time comparison of a presented secret with the configured one. */
function sameSecret(presented: string, expected: Buffer): boolean {
  return timingSafeEqual(sha256(Buffer.from(presented, 'utf8')), sha256(expected));
}

function bearerChallenge(error: string, description: string, scope?: string): string {
  return `Bearer realm="${REALM}", error="${error}", error_description="${description}"${scope ? `, scope="${scope}"` : ''}`;
}

/**
 * The form body, or undefined when it is over MAX_FORM_BYTES (announced or actual). A too-large
 * body is still read and dropped (up to MAX_DISCARD_BYTES) so the client sees the 413 rather than
 * a reset connection.
 */
function readForm(req: http.IncomingMessage): Promise<URLSearchParams | undefined> {
  return new Promise((resolve, reject) => {
    let size = 0;
    let over = Number(req.headers['content-length'] ?? 0) > MAX_FORM_BYTES;
    if (over) resolve(undefined);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_DISCARD_BYTES) req.destroy();
      else if (size > MAX_FORM_BYTES && !over) {
        over = true;
        chunks.length = 0;
        resolve(undefined);
      } else if (!over) chunks.push(c);
    });
    req.on('end', () => resolve(over ? undefined : new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', (e) => (over ? undefined : reject(e)));
  });
}

function mediaType(req: http.IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/** Client id and secret from HTTP Basic (RFC 6749 §2.3.1, form-encoded parts) or from the form. */
function clientCredentials(req: http.IncomingMessage, form: URLSearchParams): { id: string; secret: string } | undefined {
  const auth = req.headers.authorization;
  if (auth && /^basic /i.test(auth)) {
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    try {
      return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
    } catch {
      return undefined;
    }
  }
  const id = form.get('client_id');
  const secret = form.get('client_secret');
  return id !== null && secret !== null ? { id, secret } : undefined;
}

export interface AuthServer {
  readonly server: http.Server;
  readonly registry: Registry;
  /** Readiness goes false when shutting down, so endpoints drop the pod before it stops. */
  setReady(ready: boolean): void;
}

/** Paths and the `endpoint` label they are counted under; anything else is `other`. */
const ENDPOINTS: Record<string, string> = { '/token': 'token', '/validate': 'validate', [JWKS_PATH]: 'jwks', '/healthz': 'healthz', '/readyz': 'readyz', '/metrics': 'metrics' };

function log(level: string, msg: string, extra: Record<string, unknown> = {}): void {
  console.error(JSON.stringify({ level, msg, ...extra }));
}

function send(res: http.ServerResponse, reply: Reply): void {
  const text = typeof reply.body === 'string' || reply.body === undefined;
  const body = typeof reply.body === 'string' ? reply.body : reply.body === undefined ? '' : JSON.stringify(reply.body);
  const headers = { ...(text ? {} : { 'content-type': 'application/json' }), 'content-length': String(Buffer.byteLength(body)), ...reply.headers };
  // Checked before the response is touched: a writeHead that throws halfway leaves its status
  // behind (a 204 keeps the 500 that follows from having a body).
  for (const [name, value] of Object.entries(headers)) {
    http.validateHeaderName(name);
    http.validateHeaderValue(name, value);
  }
  res.writeHead(reply.status, headers);
  res.end(body);
}

/** Answer 500 after a failure; if part of the answer is already out, only the connection can go. */
function failed(res: http.ServerResponse): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  try {
    send(res, { status: 500, headers: { connection: 'close' }, body: { error: 'server_error' } });
  } catch {
    res.destroy();
  }
}

export function createAuthServer(auth: LoadedAuth): AuthServer {
  const { settings } = auth;
  const [signing] = settings.keys;
  const signingKey = auth.keys.get(signing.kid)!.sign;
  const jwksBody = JSON.stringify(auth.jwks);
  const clients = new Map(settings.clients.map((c) => [c.id, c]));
  let ready = true;

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'auth_requests_total',
    help: 'Requests to the auth service by endpoint and outcome.',
    labelNames: ['endpoint', 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'auth_request_duration_seconds',
    help: 'Time to answer a request, by endpoint.',
    labelNames: ['endpoint'],
    // From 100 µs: a validation takes about 0.2 ms, so coarser buckets would leave p50 a guess.
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [registry],
  });
  // Both sides of every ratio exist from the start (src/outcomes.ts).
  for (const outcome of TOKEN_OUTCOMES) requests.inc({ endpoint: 'token', outcome }, 0);
  for (const outcome of VALIDATE_OUTCOMES) requests.inc({ endpoint: 'validate', outcome }, 0);
  for (const endpoint of ['token', 'validate']) duration.zero({ endpoint });

  async function token(req: http.IncomingMessage): Promise<[Reply, Outcome]> {
    if (req.method !== 'POST') return [{ status: 405, headers: { allow: 'POST' }, body: { error: 'invalid_request', error_description: 'use POST' } }, 'invalid_request'];
    if (mediaType(req) !== FORM_TYPE) {
      return [{ status: 415, headers: { 'accept-post': FORM_TYPE }, body: { error: 'invalid_request', error_description: `the body must be ${FORM_TYPE}` } }, 'unsupported_media_type'];
    }
    const form = await readForm(req);
    if (!form) return [{ status: 413, headers: { connection: 'close' }, body: { error: 'invalid_request', error_description: `body over ${MAX_FORM_BYTES} bytes` } }, 'too_large'];
    const creds = clientCredentials(req, form);
    const client = creds ? clients.get(creds.id) : undefined;
    // Unknown client and wrong secret answer alike, so the endpoint does not reveal client ids.
    const secret = client ? auth.clientSecrets.get(client.id)! : undefined;
    if (!creds || !client || !secret || !sameSecret(creds.secret, secret)) {
      return [{ status: 401, headers: { 'www-authenticate': `Basic realm="${REALM}"` }, body: { error: 'invalid_client' } }, 'invalid_client'];
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return [{ status: 400, body: { error: 'unsupported_grant_type', error_description: 'only client_credentials' } }, 'invalid_request'];
    }
    const asked = (form.get('scope') ?? '').split(' ').filter((s) => s !== '');
    const scopes = asked.length > 0 ? asked : [...client.scopes];
    const refused = scopes.filter((s) => !client.scopes.includes(s));
    if (refused.length > 0) return [{ status: 400, body: { error: 'invalid_scope', error_description: `not allowed: ${refused.join(' ')}` } }, 'invalid_scope'];
    const scope = scopes.join(' ');
    const jwt = await new SignJWT({ scope })
      .setProtectedHeader({ alg: settings.algorithm, kid: signing.kid, typ: 'at+jwt' })
      .setSubject(client.id)
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .setIssuedAt()
      .setExpirationTime(`${settings.tokenLifetimeSeconds}s`)
      .sign(signingKey);
    return [
      { status: 200, headers: { 'cache-control': 'no-store' }, body: { access_token: jwt, token_type: 'Bearer', expires_in: settings.tokenLifetimeSeconds, scope } },
      'issued',
    ];
  }

  function invalid(description: string, outcome: 'invalid' | 'expired'): [Reply, Outcome] {
    return [{ status: 401, headers: { 'www-authenticate': bearerChallenge('invalid_token', description) }, body: { error: 'invalid_token', error_description: description } }, outcome];
  }

  async function validate(req: http.IncomingMessage): Promise<[Reply, Outcome]> {
    const header = req.headers.authorization;
    const m = header ? /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim()) : null;
    if (!m) {
      return [{ status: 401, headers: { 'www-authenticate': `Bearer realm="${REALM}"` }, body: { error: 'missing bearer token' } }, 'missing'];
    }
    let payload;
    try {
      ({ payload } = await jwtVerify(m[1], (h) => {
        const key = h.kid !== undefined ? auth.keys.get(h.kid) : undefined;
        if (!key) throw new errors.JWKSNoMatchingKey();
        return key.verify;
      }, { algorithms: [settings.algorithm], issuer: settings.issuer, audience: settings.audience, typ: 'at+jwt', requiredClaims: ['sub', 'exp', 'iat'] }));
    } catch (e) {
      return e instanceof errors.JWTExpired ? invalid('the token has expired', 'expired') : invalid('the token is malformed or its signature is invalid', 'invalid');
    }
    // `exp` is checked exactly (jose); `iat` with some tolerance, as another pod's clock set it.
    if (typeof payload.sub !== 'string') return invalid('the token is malformed or its signature is invalid', 'invalid');
    const now = Math.floor(Date.now() / 1000);
    const iat = payload.iat!;
    if (iat > now + CLOCK_SKEW_SECONDS) return invalid('the token is issued in the future', 'invalid');
    if (now - iat > settings.tokenLifetimeSeconds + CLOCK_SKEW_SECONDS) return invalid('the token has expired', 'expired');
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter((s) => s) : [];
    const required = req.headers[REQUIRED_SCOPE_HEADER];
    if (typeof required === 'string' && required !== '' && !scopes.includes(required)) {
      const description = `the token lacks scope ${required}`;
      return [{ status: 403, headers: { 'www-authenticate': bearerChallenge('insufficient_scope', description, required) }, body: { error: 'insufficient_scope' } }, 'forbidden'];
    }
    return [{ status: 204, headers: { [SUBJECT_HEADER]: payload.sub, [SCOPES_HEADER]: scopes.join(' ') } }, 'valid'];
  }

  async function answer(endpoint: string, req: http.IncomingMessage): Promise<[Reply, Outcome]> {
    switch (endpoint) {
      case 'token':
        return token(req);
      case 'validate':
        return validate(req);
      case 'jwks':
        // Public keys only. Short caching: after a rotation, verifiers see the new key within a minute
        // (and a verifier that meets an unknown kid should fetch again at once).
        return [{ status: 200, headers: { 'content-type': 'application/jwk-set+json', 'cache-control': `public, max-age=${JWKS_MAX_AGE_SECONDS}` }, body: jwksBody }, 'ok'];
      case 'healthz':
        return [{ status: 200, body: { status: 'ok' } }, 'ok'];
      case 'readyz':
        return ready ? [{ status: 200, body: { status: 'ready' } }, 'ok'] : [{ status: 503, body: { status: 'shutting down' } }, 'unready'];
      case 'metrics':
        return [{ status: 200, headers: { 'content-type': registry.contentType }, body: await registry.metrics() }, 'ok'];
      default:
        return [{ status: 404, body: { error: 'not found' } }, 'not_found'];
    }
  }

  /** One request, start to end: any failure (while deciding or while sending) is this request's 500 only. */
  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const end = duration.startTimer();
    const endpoint = ENDPOINTS[(req.url ?? '/').split('?')[0]] ?? 'other';
    let outcome: Outcome;
    try {
      const [reply, o] = await answer(endpoint, req);
      outcome = o;
      send(res, reply);
    } catch (e) {
      outcome = ERROR_OUTCOME;
      log('error', 'request failed', { endpoint, error: String(e) });
      failed(res);
    }
    requests.inc({ endpoint, outcome });
    end({ endpoint });
  }

  const server = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      log('error', 'request failed', { error: String(e) });
      res.destroy();
    });
  });
  // Behind nginx with keepalive: keep idle connections longer than nginx does, so nginx closes first.
  server.keepAliveTimeout = 75_000;
  return { server, registry, setReady: (r) => (ready = r) };
}
