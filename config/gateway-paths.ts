import { AUTH_TOKEN_PATH } from './schema/auth';

/**
 * Paths the API gateway serves itself, in one place: a service route `/<name>/` (and its redirect
 * `= /<name>`) must never collide with them, so the configuration refuses service names that would.
 * A new public location in constructs/gateway-config.ts adds its path here (and to
 * gatewayOwnedSegments): test/claims.test.ts fails on a location that is neither a route nor listed.
 */
export const HEALTH_PATH = '/healthz';
/** stub_status, on the loopback-only status server (not the public one). */
export const STATUS_PATH = '/stub_status';
/** Internal location of the auth subrequest: `_` cannot start a service name, so no route can claim it. */
export const AUTH_REQUEST_PATH = '/_auth';
/** Internal locations of the gateway's own JSON error pages. */
export const ERROR_PATH = '/_errors';
export { AUTH_TOKEN_PATH };

/** The first path segment of each public path the gateway owns, with what it is for. */
export function gatewayOwnedSegments(authEnabled: boolean): Map<string, string> {
  const owned = new Map<string, string>([[HEALTH_PATH, 'the gateway health check']]);
  if (authEnabled) owned.set(AUTH_TOKEN_PATH, 'the token endpoint of the auth service');
  return new Map([...owned].map(([p, why]) => [p.split('/')[1], `${p} (${why})`]));
}
