/** Paths of the auth service that others use: charts (policies, env) import them from here. */

/** The public signing keys (JWKS, RFC 7517), at the conventional well-known location. */
export const JWKS_PATH = '/.well-known/jwks.json';
