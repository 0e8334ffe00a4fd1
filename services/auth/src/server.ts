import { createHash, timingSafeEqual } from 'crypto';
import * as http from 'http';
import { errors, jwtVerify, SignJWT } from 'jose';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { LoadedAuth } from './config';

/** Headers of the contract with the gateway (nginx auth_request); the gateway reads the same names. */
export const REQUIRED_SCOPE_HEADER = 'x-auth-required-scope';
export const SUBJECT_HEADER = 'x-auth-subject';
export const SCOPES_HEADER = 'x-auth-scopes';

const MAX_FORM_BYTES = 4096;
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

function readForm(req: http.IncomingMessage): Promise<URLSearchParams | undefined> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_FORM_BYTES) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
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

export function createAuthServer(auth: LoadedAuth): AuthServer {
  const { settings } = auth;
  const [signing] = settings.keys;
  const signingKey = auth.keys.get(signing.kid)!;
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
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [registry],
  });

  async function token(req: http.IncomingMessage): Promise<[Reply, Outcome]> {
    if (req.method !== 'POST') return [{ status: 405, headers: { allow: 'POST' }, body: { error: 'invalid_request', error_description: 'use POST' } }, 'invalid_request'];
    const form = await readForm(req);
    if (!form) return [{ status: 413, body: { error: 'invalid_request', error_description: `body over ${MAX_FORM_BYTES} bytes` } }, 'invalid_request'];
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
      .setProtectedHeader({ alg: 'HS256', kid: signing.kid, typ: 'at+jwt' })
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
        return key;
      }, { algorithms: ['HS256'], issuer: settings.issuer, audience: settings.audience, typ: 'at+jwt', requiredClaims: ['sub', 'exp'] }));
    } catch (e) {
      const expired = e instanceof errors.JWTExpired;
      const description = expired ? 'the token has expired' : 'the token is malformed or its signature is invalid';
      return [{ status: 401, headers: { 'www-authenticate': bearerChallenge('invalid_token', description) }, body: { error: 'invalid_token', error_description: description } }, expired ? 'expired' : 'invalid'];
    }
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter((s) => s) : [];
    const required = req.headers[REQUIRED_SCOPE_HEADER];
    if (typeof required === 'string' && required !== '' && !scopes.includes(required)) {
      const description = `the token lacks scope ${required}`;
      return [{ status: 403, headers: { 'www-authenticate': bearerChallenge('insufficient_scope', description, required) }, body: { error: 'insufficient_scope' } }, 'forbidden'];
    }
    return [{ status: 204, headers: { [SUBJECT_HEADER]: String(payload.sub), [SCOPES_HEADER]: scopes.join(' ') } }, 'valid'];
  }

  async function route(req: http.IncomingMessage): Promise<[string, Reply, Outcome]> {
    const path = (req.url ?? '/').split('?')[0];
    switch (path) {
      case '/token':
        return ['token', ...(await token(req))];
      case '/validate':
        return ['validate', ...(await validate(req))];
      case '/healthz':
        return ['healthz', { status: 200, body: { status: 'ok' } }, 'ok'];
      case '/readyz':
        return ['readyz', ready ? { status: 200, body: { status: 'ready' } } : { status: 503, body: { status: 'shutting down' } }, ready ? 'ok' : 'unready'];
      case '/metrics':
        return ['metrics', { status: 200, headers: { 'content-type': registry.contentType }, body: await registry.metrics() }, 'ok'];
      default:
        return ['other', { status: 404, body: { error: 'not found' } }, 'not_found'];
    }
  }

  const server = http.createServer((req, res) => {
    const end = duration.startTimer();
    route(req)
      .catch((e: unknown): [string, Reply, Outcome] => {
        console.error(JSON.stringify({ level: 'error', msg: 'request failed', error: String(e) }));
        return ['error', { status: 500, body: { error: 'server_error' } }, 'error'];
      })
      .then(([endpoint, reply, outcome]) => {
        const body = typeof reply.body === 'string' ? reply.body : reply.body === undefined ? '' : JSON.stringify(reply.body);
        res.writeHead(reply.status, { ...(typeof reply.body === 'string' || reply.body === undefined ? {} : { 'content-type': 'application/json' }), ...reply.headers });
        res.end(body);
        requests.inc({ endpoint, outcome });
        end({ endpoint });
      });
  });
  // Behind nginx with keepalive: keep idle connections longer than nginx does, so nginx closes first.
  server.keepAliveTimeout = 75_000;
  return { server, registry, setReady: (r) => (ready = r) };
}
