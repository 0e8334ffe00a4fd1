import type { Config } from '../config/schema';

/**
 * Whether a service receives tokens (a protected route, a public route with `forwardAuthorization`,
 * or in-cluster calls whose caller forwards its token) and so may fetch the auth service's public
 * keys to verify them: only with an asymmetric signing algorithm (HS256 publishes nothing).
 */
export function verifiesTokens(c: Config, s: Config['services'][number]): boolean {
  if (!c.auth.enabled || c.auth.signingAlgorithm === 'HS256') return false;
  return s.auth.required || s.auth.forwardAuthorization || c.services.some((x) => x.calls.includes(s.name));
}

