import { z } from 'zod';
import { SIGNING_ALGORITHMS } from '../../services/auth/src/config';
import { dnsLabel, imageRef, port, res, resources, serviceName } from './common';
import { nodeImage } from './node-lts';

/**
 * The gateway path of the token endpoint (`POST` here, OAuth2 client credentials). Fixed, and
 * defined once: the gateway serves it itself, so no microservice route may claim it.
 */
export const AUTH_TOKEN_PATH = '/auth/token';

/** The official Node image at an exact tag of a supported LTS line (24 "Krypton", LTS until 2028-04-30). */
export const DEFAULT_AUTH_IMAGE = nodeImage('alpine3.24');

/** An OAuth2 scope token (RFC 6749 §3.3), kept to characters that are safe in headers and nginx. */
const scope = z.string().regex(/^[a-z][a-z0-9:._-]{0,62}$/, 'must be a scope such as "payment" or "payment:write" (lower-case letters, digits and ":._-", starting with a letter)');
/** A key of the user-created Secret: Kubernetes allows [-._a-zA-Z0-9]. */
const secretKey = z.string().regex(/^[-._a-zA-Z0-9]{1,253}$/, 'must be a Secret data key: letters, digits, "-", "_" and "."');

const client = z.strictObject({
  /** The client id in `POST /auth/token`, and the token's subject. Its secret is the key of the same name in `clientsSecret`. */
  id: secretKey,
  /** Scopes this client may request; a token carries all of them unless the client asks for fewer. */
  scopes: z.array(scope).min(1, 'must allow at least one scope'),
});

export const auth = z
  .strictObject({
    enabled: z.boolean().default(true),
    name: serviceName.default('auth'),
    image: imageRef.default(DEFAULT_AUTH_IMAGE),
    /** UID/GID of the `node` user in the official image. */
    runAsUser: z.number().int().min(1).default(1000),
    runAsGroup: z.number().int().min(1).default(1000),
    /** One in the small default environment; two or more where a node drain must not stop protected routes (prod). */
    replicas: z.number().int().min(1, 'must be at least 1: protected routes fail closed without it').default(1),
    port: port.default(8080),
    /** Measured: about 85 MiB resident on Node 24 under concurrent load with the heap flags the chart sets. */
    resources: resources.default(res('25m', '64Mi', '128Mi')),
    /** Lifetime of an issued token, in seconds (short: tokens cannot be revoked). */
    tokenLifetimeSeconds: z.number().int().min(30, 'must be at least 30 seconds').max(86400, 'must be at most 86400 seconds (one day)').default(300),
    /** `iss` and `aud` claims: a token of another environment's auth service is refused. */
    issuer: z.string().min(1).default('container-infra-auth'),
    audience: z.string().min(1).default('container-infra'),
    clients: z.array(client).default([{ id: 'shop', scopes: ['payment'] }]),
    /** User-created Secret with one key per client id (its client secret). */
    clientsSecret: dnsLabel.default('auth-clients'),
    /**
     * How tokens are signed. `ES256` (default) or `EdDSA`: each signing key is a private key (PKCS#8
     * PEM) and the public keys are published at `/.well-known/jwks.json` on the auth service, so a
     * service can verify a token itself. `HS256`: each key is a shared secret of at least 32 bytes
     * that only the auth service holds; nothing is published, only the gateway's check can verify.
     */
    signingAlgorithm: z.enum(SIGNING_ALGORITHMS, { message: `must be one of: ${SIGNING_ALGORITHMS.join(', ')}` }).default('ES256'),
    /** User-created Secret with one key per signing key id (a private key in PEM, or for HS256 at least 32 random bytes). */
    signingKeysSecret: dnsLabel.default('auth-signing-keys'),
    /**
     * Key ids, newest first: the first signs new tokens, all of them validate. Rotate by adding a
     * new id in front, and drop the old one once its tokens have expired (tokenLifetimeSeconds).
     */
    signingKeyIds: z.array(secretKey).min(1, 'must list at least one signing key id').default(['key-1']),
  })
  .superRefine((a, ctx) => {
    const dup = <T>(list: readonly T[], field: string, key: (x: T) => string, what: string) => {
      const seen = new Set<string>();
      list.forEach((x, i) => {
        const k = key(x);
        if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [field, i], message: `duplicate ${what} "${k}"` });
        seen.add(k);
      });
    };
    dup(a.clients, 'clients', (c) => c.id, 'client id');
    dup(a.signingKeyIds, 'signingKeyIds', (k) => k, 'signing key id');
    if (a.clientsSecret === a.signingKeysSecret) {
      ctx.addIssue({ code: 'custom', path: ['signingKeysSecret'], message: 'must differ from clientsSecret: client secrets and signing keys are separate credentials' });
    }
  });
export type AuthConfig = z.infer<typeof auth>;

/** Per microservice: whether the gateway asks the auth service before routing, and for which scope. */
export const routeAuth = z.strictObject({
  required: z.boolean().default(false),
  /** Scope the token must carry; one that some `auth.clients[].scopes` lists. */
  scope: scope.optional(),
  /**
   * Public routes only: pass the client's `Authorization` header on to this service (one that
   * checks credentials itself). Off: the gateway removes it, so a token sent for another route
   * never reaches this one. A route with `required: true` always receives the checked token.
   */
  forwardAuthorization: z.boolean().default(false),
});
export type RouteAuth = z.infer<typeof routeAuth>;

/** Every scope some client may request. */
export function knownScopes(a: AuthConfig): Set<string> {
  return new Set(a.clients.flatMap((c) => c.scopes));
}
