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

export interface AuthSettings {
  readonly port: number;
  readonly issuer: string;
  readonly audience: string;
  readonly tokenLifetimeSeconds: number;
  readonly clients: readonly ClientSettings[];
  /** Every key that validates tokens; the first one signs new tokens. */
  readonly keys: readonly KeySettings[];
}

export interface LoadedAuth {
  readonly settings: AuthSettings;
  readonly clientSecrets: ReadonlyMap<string, Buffer>;
  readonly keys: ReadonlyMap<string, Uint8Array>;
}

/** HS256 keys shorter than the hash output are refused (RFC 7518 §3.2). */
export const MIN_KEY_BYTES = 32;
/**
 * Client secrets shorter than this are refused at start: a short secret can be guessed through
 * the token endpoint (the gateway's rate limit slows that, it does not stop it).
 * `openssl rand -base64 32` gives 44.
 */
export const MIN_CLIENT_SECRET_BYTES = 32;

export function loadAuth(env: NodeJS.ProcessEnv): LoadedAuth {
  const raw = env.AUTH_CONFIG;
  if (!raw) throw new Error('AUTH_CONFIG is not set');
  const settings = JSON.parse(raw) as AuthSettings;
  if (!settings.keys?.length) throw new Error('AUTH_CONFIG.keys: at least one signing key is needed');
  const secret = (name: string, what: string, minBytes: number): Buffer => {
    const v = env[name];
    if (!v) throw new Error(`${name} (${what}) is not set: create the Secret as the README shows`);
    const bytes = Buffer.from(v, 'utf8');
    if (bytes.length < minBytes) throw new Error(`${name} (${what}) must be at least ${minBytes} bytes, it has ${bytes.length}: generate one with \`openssl rand -base64 48\``);
    return bytes;
  };
  const clientSecrets = new Map(settings.clients.map((c) => [c.id, secret(c.secretEnv, `secret of client ${c.id}`, MIN_CLIENT_SECRET_BYTES)]));
  const keys = new Map(settings.keys.map((k) => [k.kid, new Uint8Array(secret(k.env, `signing key ${k.kid}`, MIN_KEY_BYTES))]));
  return { settings, clientSecrets, keys };
}
