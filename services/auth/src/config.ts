import { createPrivateKey, createPublicKey, JsonWebKey, KeyObject } from 'crypto';

/**
 * The auth service's settings: one JSON document in AUTH_CONFIG (non-secret, generated from the
 * project configuration) plus one environment variable per secret, filled by the kubelet from
 * user-created Secrets (secretKeyRef). Nothing secret is ever in AUTH_CONFIG.
 */
export interface ClientSettings {
  readonly id: string;
  readonly scopes: readonly string[];
  /** Name of the environment variable that holds this client's secret. */
  readonly secretEnv: string;
}

export interface KeySettings {
  /** Key id written into the token header (`kid`). */
  readonly kid: string;
  /** Name of the environment variable that holds the key material. */
  readonly env: string;
}

/**
 * How tokens are signed. ES256 and EdDSA: a private key per key id signs, and the public keys are
 * published at /.well-known/jwks.json so services can verify tokens themselves. HS256: one shared
 * secret per key id, known only to this service (nothing is published).
 */
export const SIGNING_ALGORITHMS = ['ES256', 'EdDSA', 'HS256'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export interface AuthSettings {
  readonly port: number;
  readonly algorithm: SigningAlgorithm;
  readonly issuer: string;
  readonly audience: string;
  readonly tokenLifetimeSeconds: number;
  readonly clients: readonly ClientSettings[];
  /** Every key that validates tokens; the first one signs new tokens. */
  readonly keys: readonly KeySettings[];
}

export interface SigningKey {
  /** Signs new tokens: the HS256 secret, or the private key. */
  readonly sign: Uint8Array | KeyObject;
  /** Checks tokens: the HS256 secret, or the public key. */
  readonly verify: Uint8Array | KeyObject;
}

/** A JSON Web Key Set (RFC 7517 §5) of the public keys, newest first. */
export interface Jwks {
  readonly keys: ReadonlyArray<JsonWebKey & { kid: string; alg: string; use: 'sig' }>;
}

export interface LoadedAuth {
  readonly settings: AuthSettings;
  readonly clientSecrets: ReadonlyMap<string, Buffer>;
  readonly keys: ReadonlyMap<string, SigningKey>;
  readonly jwks: Jwks;
}

/** HS256 keys shorter than the hash output are refused (RFC 7518 §3.2). */
export const MIN_KEY_BYTES = 32;
/**
 * Client secrets shorter than this are refused at start: a short secret can be guessed through
 * the token endpoint (the gateway's rate limit slows that, it does not stop it).
 * `openssl rand -base64 32` gives 44.
 */
export const MIN_CLIENT_SECRET_BYTES = 32;

/** The key each asymmetric algorithm needs, and how to make one. */
const KEY_KINDS: Record<Exclude<SigningAlgorithm, 'HS256'>, { type: string; curve?: string; what: string; create: string }> = {
  ES256: { type: 'ec', curve: 'prime256v1', what: 'an EC P-256 private key (PKCS#8 PEM)', create: 'openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256' },
  EdDSA: { type: 'ed25519', what: 'an Ed25519 private key (PKCS#8 PEM)', create: 'openssl genpkey -algorithm ED25519' },
};

function asymmetricKey(algorithm: Exclude<SigningAlgorithm, 'HS256'>, name: string, what: string, pem: string): SigningKey {
  const kind = KEY_KINDS[algorithm];
  const refuse = () => new Error(`${name} (${what}) must be ${kind.what} for ${algorithm}: create one with \`${kind.create}\``);
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw refuse();
  }
  if (key.asymmetricKeyType !== kind.type || (kind.curve !== undefined && key.asymmetricKeyDetails?.namedCurve !== kind.curve)) throw refuse();
  return { sign: key, verify: createPublicKey(key) };
}

export function loadAuth(env: NodeJS.ProcessEnv): LoadedAuth {
  const raw = env.AUTH_CONFIG;
  if (!raw) throw new Error('AUTH_CONFIG is not set');
  const settings = JSON.parse(raw) as AuthSettings;
  if (!settings.keys?.length) throw new Error('AUTH_CONFIG.keys: at least one signing key is needed');
  const algorithm = settings.algorithm ?? 'HS256';
  if (!SIGNING_ALGORITHMS.includes(algorithm)) throw new Error(`AUTH_CONFIG.algorithm: "${algorithm}" is not one of ${SIGNING_ALGORITHMS.join(', ')}`);
  const value = (name: string, what: string): string => {
    const v = env[name];
    if (!v) throw new Error(`${name} (${what}) is not set: create the Secret as the README shows`);
    return v;
  };
  const secret = (name: string, what: string, minBytes: number): Buffer => {
    const v = value(name, what);
    const bytes = Buffer.from(v, 'utf8');
    if (bytes.length < minBytes) throw new Error(`${name} (${what}) must be at least ${minBytes} bytes, it has ${bytes.length}: generate one with \`openssl rand -base64 48\``);
    return bytes;
  };
  const clientSecrets = new Map(settings.clients.map((c) => [c.id, secret(c.secretEnv, `secret of client ${c.id}`, MIN_CLIENT_SECRET_BYTES)]));
  const keys = new Map(
    settings.keys.map((k): [string, SigningKey] => {
      const what = `signing key ${k.kid}`;
      if (algorithm === 'HS256') {
        const bytes = new Uint8Array(secret(k.env, what, MIN_KEY_BYTES));
        return [k.kid, { sign: bytes, verify: bytes }];
      }
      return [k.kid, asymmetricKey(algorithm, k.env, what, value(k.env, what))];
    }),
  );
  const jwks: Jwks = {
    keys: [...keys].flatMap(([kid, k]) => (k.verify instanceof KeyObject ? [{ ...k.verify.export({ format: 'jwk' }), kid, alg: algorithm, use: 'sig' as const }] : [])),
  };
  return { settings: { ...settings, algorithm }, clientSecrets, keys, jwks };
}
