import { block, d, NginxDirective } from './nginx-config';

export interface GatewayRoute {
  /** URL prefix without slashes: requests to `/<prefix>/…` go to this route. */
  readonly prefix: string;
  /** Host name of the upstream Service (a cluster DNS name). */
  readonly host: string;
  readonly port: number;
}

export interface GatewayNginxOptions {
  readonly routes: readonly GatewayRoute[];
  readonly listenPort: number;
  /** stub_status listens here on loopback only, for the exporter sidecar in the same pod. */
  readonly statusPort: number;
  /** Directory nginx may write (pid file, temp files): the root filesystem is read-only. */
  readonly writableDir: string;
}

export const STATUS_PATH = '/stub_status';
export const HEALTH_PATH = '/healthz';

/** One JSON object per request on stdout, for `kubectl logs` and log collectors. */
const ACCESS_LOG_FORMAT =
  '{"time":"$time_iso8601","remote_addr":"$remote_addr","request_id":"$request_id","method":"$request_method",' +
  '"uri":"$request_uri","status":$status,"bytes":$body_bytes_sent,"duration":$request_time,' +
  '"upstream":"$upstream_addr","upstream_status":"$upstream_status","upstream_duration":"$upstream_response_time",' +
  '"user_agent":"$http_user_agent"}';

export function upstreamName(route: GatewayRoute): string {
  return `svc_${route.prefix.replace(/-/g, '_')}`;
}

/** The whole nginx.conf of the API gateway, generated from the list of microservices. */
export function gatewayNginxConfig(o: GatewayNginxOptions): NginxDirective[] {
  const tmp = o.writableDir;
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
      d('keepalive_timeout', '65s'),
      d('client_max_body_size', '1m'),
      // Service DNS names are resolved when nginx starts: the Services exist before the gateway
      // (same apply), and a ClusterIP never changes for the life of its Service.
      ...o.routes.map((r) => block('upstream', [upstreamName(r)], [d('server', `${r.host}:${r.port}`), d('keepalive', 16)])),
      block('server', [], [
        d('listen', o.listenPort),
        block('location', ['=', HEALTH_PATH], [d('access_log', 'off'), d('default_type', 'text/plain'), d('return', 200, 'ok')]),
        ...o.routes.flatMap((r) => [
          block('location', ['=', `/${r.prefix}`], [d('return', 308, `/${r.prefix}/`)]),
          block('location', [`/${r.prefix}/`], [
            // The trailing slash strips the prefix: /news/api/info reaches news as /api/info.
            d('proxy_pass', `http://${upstreamName(r)}/`),
            d('proxy_http_version', '1.1'),
            d('proxy_set_header', 'Connection', ''),
            d('proxy_set_header', 'Host', '$host'),
            d('proxy_set_header', 'X-Request-ID', '$request_id'),
            d('proxy_set_header', 'X-Forwarded-For', '$proxy_add_x_forwarded_for'),
            d('proxy_set_header', 'X-Forwarded-Proto', '$scheme'),
            d('proxy_set_header', 'X-Forwarded-Prefix', `/${r.prefix}`),
            d('proxy_connect_timeout', '2s'),
            d('proxy_read_timeout', '30s'),
            d('proxy_next_upstream', 'error', 'timeout'),
          ]),
        ]),
        block('location', ['/'], [d('default_type', 'application/json'), d('return', 404, '{"error":"no route for this path"}')]),
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
