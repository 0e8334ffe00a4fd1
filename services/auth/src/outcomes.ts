/**
 * What `auth_requests_total` counts, per endpoint. Every pair is exported from the start with the
 * value 0, so a ratio over it (the alerts in charts/alert-rules.ts) has both sides before the
 * first failure. The alerts read these names; test/promtool.test.ts feeds them from a scrape.
 */
export const TOKEN_OUTCOMES = ['issued', 'invalid_client', 'invalid_request', 'invalid_scope', 'unsupported_media_type', 'too_large', 'error'] as const;
export const VALIDATE_OUTCOMES = ['valid', 'missing', 'invalid', 'expired', 'forbidden', 'error'] as const;
/** Validation outcomes that refuse the caller's token (not a failure of the service). */
export const VALIDATE_REJECTED: readonly (typeof VALIDATE_OUTCOMES)[number][] = ['missing', 'invalid', 'expired', 'forbidden'];
/** The outcome of a request the service failed to answer (an exception while handling or sending it). */
export const ERROR_OUTCOME = 'error';
