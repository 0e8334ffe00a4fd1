/**
 * The auth service's request limits. The gateway's nginx.conf reads them too
 * (constructs/gateway-config.ts), so the two agree: nginx refuses what Node would refuse, with the
 * same status, before it reaches the service.
 */

/** Largest `/token` form body; nginx's `client_max_body_size` on the token location is the same. */
export const MAX_FORM_BYTES = 4096;
/**
 * Node's `maxHeaderSize` for this server. Above everything nginx can forward (its header buffers
 * plus the headers it adds), so a request nginx accepted is never refused here with 431, which
 * auth_request would turn into 503. test/gateway.test.ts checks the margin.
 */
export const MAX_HEADER_BYTES = 64 * 1024;
/** A too-large body is read and dropped up to this much, so the 413 reaches the client; beyond it the connection is cut. */
export const MAX_DISCARD_BYTES = 1024 * 1024;
/** Clock difference between auth pods tolerated on `iat`. */
export const CLOCK_SKEW_SECONDS = 5;
/** Media type `/token` requires (RFC 6749 §4.4.2). */
export const FORM_TYPE = 'application/x-www-form-urlencoded';
