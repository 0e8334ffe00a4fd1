import type { GatewayAuth, GatewayRoute } from '../model/environment';
import { block, d, NginxDirective } from './nginx-config';
import { AUTH_REQUEST_PATH, ERROR_PATH, HEALTH_PATH, STATUS_PATH } from '../config/gateway-paths';
import { MAX_FORM_BYTES } from '../services/auth/src/limits';

// The gateway's own paths are owned by the configuration, which refuses service names that clash.
export { AUTH_REQUEST_PATH, ERROR_PATH, HEALTH_PATH, STATUS_PATH };

export type { GatewayAuth, GatewayRoute };

export interface GatewayNginxOptions {
  readonly routes: readonly GatewayRoute[];
  readonly listenPort: number;
  /** stub_status listens here on loopback only, for the exporter sidecar in the same pod. */
  readonly statusPort: number;
  /** Directory nginx may write (pid file, temp files): the root filesystem is read-only. */
  readonly writableDir: string;
  /** DNS server nginx asks at request time (`host[:port]`; a name is resolved once, at start). */
  readonly resolver: string;
  readonly auth?: GatewayAuth;
  /**
   * Addresses (CIDRs) of the load balancers or proxies in front of the gateway: only from these is
   * the client address taken from `X-Forwarded-For` (nginx realip). Empty: the peer address.
   */
  readonly trustedProxies?: readonly string[];
}

/** Headers the gateway sets from the auth service's answer; a client's copy is removed on every route. */
export const SUBJECT_HEADER = 'X-Auth-Subject';
export const SCOPES_HEADER = 'X-Auth-Scopes';
/** Header that tells the auth service which scope the route needs (services/auth/src/server.ts). */
export const REQUIRED_SCOPE_HEADER = 'X-Auth-Required-Scope';

/** The gateway's limits, documented in the README ("Gateway limits"). */
export const GATEWAY_LIMITS = {
  clientMaxBodySize: '1m',
  clientHeaderBufferSize: '1k',
  /** Request line and each header must fit one such buffer (else 414 / 400). */
  largeClientHeaderBuffers: ['4', '8k'],
  clientHeaderTimeout: '10s',
  clientBodyTimeout: '10s',
  sendTimeout: '30s',
  keepaliveTimeout: '65s',
  proxyConnectTimeout: '2s',
  proxyReadTimeout: '30s',
  authConnectTimeout: '1s',
  authReadTimeout: '2s',
  /** How long a resolved Service address is reused before nginx asks DNS again. */
  resolverValid: '10s',
  resolverTimeout: '2s',
} as const;

/** One JSON object per request on stdout, for `kubectl logs` and log collectors. */
const ACCESS_LOG_FORMAT =
  '{"time":"$time_iso8601","remote_addr":"$remote_addr","request_id":"$request_id","method":"$request_method",' +
  '"uri":"$request_uri","status":$status,"bytes":$body_bytes_sent,"duration":$request_time,' +
  '"upstream":"$upstream_addr","upstream_status":"$upstream_status","upstream_duration":"$upstream_response_time",' +
  '"user_agent":"$http_user_agent"}';

/**
 * Every error nginx itself may produce, answered as JSON like the 404 for unknown paths.
 * 494 is nginx's internal code for a too-large header; clients get 400.
 */
export const GATEWAY_ERRORS: ReadonlyArray<{ code: number; status: number; error: string }> = [
  { code: 400, status: 400, error: 'bad request' },
  { code: 401, status: 401, error: 'a valid bearer token is required' },
  { code: 403, status: 403, error: 'the token does not grant access to this route' },
  { code: 405, status: 405, error: 'method not allowed' },
  { code: 408, status: 408, error: 'request timeout' },
  { code: 413, status: 413, error: 'request body too large' },
  { code: 414, status: 414, error: 'request URI too long' },
  { code: 429, status: 429, error: 'too many requests' },
  { code: 494, status: 400, error: 'request header too large' },
  { code: 500, status: 500, error: 'internal gateway error' },
  { code: 502, status: 502, error: 'upstream unavailable' },
  { code: 503, status: 503, error: 'service unavailable' },
  { code: 504, status: 504, error: 'upstream timed out' },
];
const AUTH_UNAVAILABLE = { name: 'auth-unavailable', status: 503, error: 'authentication is unavailable' };

function json(status: number, error: string): string {
  return JSON.stringify({ error, status });
}

/**
 * Internal locations (under ERROR_PATH) that answer the gateway's errors. Paths, not named
 * locations: nginx cannot redirect a request whose line it could not parse (414) to a named location.
 */
function errorLocation(name: string, status: number, error: string, challenge = false): NginxDirective {
  return block('location', ['=', `${ERROR_PATH}/${name}`], [
    d('internal'),
    d('default_type', 'application/json'),
    // The auth service's challenge (RFC 6750) on 403; auth_request itself passes it on with a 401.
    ...(challenge && status === 403 ? [d('add_header', 'WWW-Authenticate', '$auth_www_authenticate', 'always')] : []),
    d('return', status, json(status, error)),
  ]);
}

/** `error_page` for every gateway error; `overrides` sends some codes elsewhere (per location). */
function errorPages(overrides: Record<number, { status: number; name: string }> = {}): NginxDirective[] {
  return GATEWAY_ERRORS.map((e) => {
    const o = overrides[e.code];
    // `=status`: without it nginx keeps the original code whatever the error location returns.
    return o ? d('error_page', e.code, `=${o.status}`, `${ERROR_PATH}/${o.name}`) : d('error_page', e.code, `${ERROR_PATH}/${e.code}`);
  });
}

/**
 * The variable every route sets to its upstream. One name for all routes, never one derived from a
 * service name: a variable's name goes into nginx's variables hash, whose bucket (64 bytes by
 * default) holds names up to 46 characters on 64-bit builds, and nginx refuses to start beyond it
 * (`could not build variables_hash`). A request matches one location, so one name is enough; it
 * also keeps the per-request variables array small at 1000 routes. No name in the generated
 * nginx.conf comes from the configuration (test/gateway.test.ts).
 */
export const ROUTE_UPSTREAM_VARIABLE = '$route_upstream';

function proxyHeaders(prefix: string, authed: boolean, forwardAuthorization: boolean): NginxDirective[] {
  return [
    // An empty value removes the header: a public route never sees a token sent to the gateway.
    ...(authed || forwardAuthorization ? [] : [d('proxy_set_header', 'Authorization', '')]),
    d('proxy_http_version', '1.1'),
    d('proxy_set_header', 'Connection', ''),
    d('proxy_set_header', 'Host', '$host'),
    d('proxy_set_header', 'X-Request-ID', '$request_id'),
    d('proxy_set_header', 'X-Forwarded-For', '$proxy_add_x_forwarded_for'),
    d('proxy_set_header', 'X-Forwarded-Proto', '$scheme'),
    d('proxy_set_header', 'X-Forwarded-Prefix', prefix),
    // Set from the auth service's answer on protected routes; an empty value removes a client's copy.
    d('proxy_set_header', SUBJECT_HEADER, authed ? '$auth_subject' : ''),
    d('proxy_set_header', SCOPES_HEADER, authed ? '$auth_scopes' : ''),
  ];
}

function routeLocation(r: GatewayRoute): NginxDirective[] {
  const v = ROUTE_UPSTREAM_VARIABLE;
  return [
    // Relative, and the query string kept: right behind a Service, a LoadBalancer or TLS.
    block('location', ['=', `/${r.prefix}`], [d('return', 308, `/${r.prefix}/$is_args$args`)]),
    block('location', [`/${r.prefix}/`], [
      // A variable makes nginx resolve the Service at request time: a missing Service fails its
      // own route (502), not nginx's start.
      d('set', v, `${r.host}:${r.port}`),
      ...(r.auth ? [d('set', '$auth_scope', r.auth.scope ?? '')] : []),
      // Strip the prefix: /news/api/info reaches news as /api/info (query string kept).
      d('rewrite', `^/${r.prefix}(/.*)$`, '$1', 'break'),
      ...(r.auth
        ? [
            d('auth_request', AUTH_REQUEST_PATH),
            d('auth_request_set', '$auth_subject', '$upstream_http_x_auth_subject'),
            d('auth_request_set', '$auth_scopes', '$upstream_http_x_auth_scopes'),
            d('auth_request_set', '$auth_www_authenticate', '$upstream_http_www_authenticate'),
            // auth_request turns an unreachable auth service into 500: fail closed with 503.
            ...errorPages({ 500: AUTH_UNAVAILABLE }),
          ]
        : []),
      d('proxy_pass', `http://${v}`),
      ...proxyHeaders(`/${r.prefix}`, r.auth !== undefined, r.forwardAuthorization === true),
      d('proxy_connect_timeout', GATEWAY_LIMITS.proxyConnectTimeout),
      d('proxy_read_timeout', GATEWAY_LIMITS.proxyReadTimeout),
    ]),
  ];
}

function authLocations(a: GatewayAuth, checks: boolean): NginxDirective[] {
  const upstream = `${a.host}:${a.port}`;
  const timeouts = [d('proxy_connect_timeout', GATEWAY_LIMITS.authConnectTimeout), d('proxy_read_timeout', GATEWAY_LIMITS.authReadTimeout)];
  const subrequest = block('location', ['=', AUTH_REQUEST_PATH], [
      d('internal'),
      d('set', '$auth_upstream', upstream),
      d('proxy_pass', `http://$auth_upstream/validate`),
      // Only what the check needs: the token and the route's scope (not the client's other headers).
      d('proxy_pass_request_body', 'off'),
      d('proxy_pass_request_headers', 'off'),
      d('proxy_set_header', 'Content-Length', ''),
      d('proxy_set_header', 'Authorization', '$http_authorization'),
      d('proxy_set_header', 'X-Request-ID', '$request_id'),
      d('proxy_set_header', REQUIRED_SCOPE_HEADER, '$auth_scope'),
      ...timeouts,
    ]);
  return [
    ...(checks ? [subrequest] : []),
    block('location', ['=', a.tokenPath], [
      d('limit_req', 'zone=auth_token', `burst=${a.tokenBurst}`, 'nodelay'),
      // The service's own form limit: nginx answers 413 JSON instead of passing the body on.
      d('client_max_body_size', MAX_FORM_BYTES),
      d('set', '$auth_upstream', upstream),
      d('proxy_pass', `http://$auth_upstream/token`),
      d('proxy_set_header', 'X-Request-ID', '$request_id'),
      d('proxy_set_header', 'X-Forwarded-For', '$proxy_add_x_forwarded_for'),
      d('proxy_set_header', SUBJECT_HEADER, ''),
      d('proxy_set_header', SCOPES_HEADER, ''),
      ...timeouts,
    ]),
    errorLocation(AUTH_UNAVAILABLE.name, AUTH_UNAVAILABLE.status, AUTH_UNAVAILABLE.error),
  ];
}

/** The whole nginx.conf of the API gateway, generated from the list of microservices. */
export function gatewayNginxConfig(o: GatewayNginxOptions): NginxDirective[] {
  const unchecked = o.routes.find((r) => r.auth && !o.auth);
  if (unchecked) throw new Error(`route /${unchecked.prefix}/ requires a token but the gateway has no auth service`);
  // The auth variables exist only where a route sets them: without protected routes, none is used.
  const checks = o.auth !== undefined && o.routes.some((r) => r.auth);
  const tmp = o.writableDir;
  const L = GATEWAY_LIMITS;
  return [
    d('worker_processes', 'auto'),
    d('pid', `${tmp}/nginx.pid`),
    d('error_log', '/dev/stderr', 'warn'),
    block('events', [], [d('worker_connections', 1024)]),
    block('http', [], [
      d('server_tokens', 'off'),
      d('client_body_temp_path', `${tmp}/client_body`),
      d('proxy_temp_path', `${tmp}/proxy`),
      d('fastcgi_temp_path', `${tmp}/fastcgi`),
      d('uwsgi_temp_path', `${tmp}/uwsgi`),
      d('scgi_temp_path', `${tmp}/scgi`),
      d('log_format', 'gateway', 'escape=json', ACCESS_LOG_FORMAT),
      d('access_log', '/dev/stdout', 'gateway'),
      d('keepalive_timeout', L.keepaliveTimeout),
      d('client_max_body_size', L.clientMaxBodySize),
      d('client_header_buffer_size', L.clientHeaderBufferSize),
      d('large_client_header_buffers', ...L.largeClientHeaderBuffers),
      d('client_header_timeout', L.clientHeaderTimeout),
      d('client_body_timeout', L.clientBodyTimeout),
      d('send_timeout', L.sendTimeout),
      // Redirects carry only the path: nginx's container port and scheme are not the client's.
      d('absolute_redirect', 'off'),
      // Upstreams are resolved per request (see routeLocation), cached for `valid`. IPv4 only,
      // like the rest of the project (NOTES.md).
      d('resolver', o.resolver, `valid=${L.resolverValid}`, 'ipv6=off'),
      d('resolver_timeout', L.resolverTimeout),
      // Behind a load balancer or Ingress: the client address (access log, X-Forwarded-For, the
      // token rate limit) comes from X-Forwarded-For, but only when the peer is a trusted proxy.
      ...(o.trustedProxies?.length
        ? [...o.trustedProxies.map((cidr) => d('set_real_ip_from', cidr)), d('real_ip_header', 'X-Forwarded-For'), d('real_ip_recursive', 'on')]
        : []),
      ...(o.auth ? [d('limit_req_zone', '$binary_remote_addr', 'zone=auth_token:1m', `rate=${o.auth.tokenRatePerSecond}r/s`), d('limit_req_status', 429)] : []),
      block('server', [], [
        d('listen', o.listenPort),
        ...errorPages(),
        block('location', ['=', HEALTH_PATH], [d('access_log', 'off'), d('default_type', 'text/plain'), d('return', 200, 'ok')]),
        ...(o.auth ? authLocations(o.auth, checks) : []),
        ...o.routes.flatMap(routeLocation),
        block('location', ['/'], [d('default_type', 'application/json'), d('return', 404, json(404, 'no route for this path'))]),
        ...GATEWAY_ERRORS.map((e) => errorLocation(String(e.code), e.status, e.error, checks)),
      ]),
      block('server', [], [
        d('listen', `127.0.0.1:${o.statusPort}`),
        d('access_log', 'off'),
        block('location', ['=', STATUS_PATH], [d('stub_status')]),
        block('location', ['/'], [d('return', 404)]),
      ]),
    ]),
  ];
}
