import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import type { Config } from '../../config/schema';
import { datastoreName } from '../../model/datastore-name';
import { buildDashboard, graph, Query, Section, single } from './panels';
import type { GrafanaDashboard } from './dashboard';

/**
 * Probe and scrape requests also pass podinfo's middleware; leaving them out keeps the request,
 * error and latency panels about real traffic.
 */
const REAL_TRAFFIC = 'path!~"metrics|healthz|readyz"';

/** The auth service: token checks by outcome, their latency, tokens issued. */
function authSection(config: Config) {
  const auth = `namespace="${config.namespaces.apps}", service="${config.auth.name}"`;
  return {
    title: 'Auth service',
    panels: [
      single('Auth pods up', 'Auth service pods Prometheus could scrape. At 0, routes that require a token answer 503.', units.Short, [{ expr: `sum(up{${auth}})`, legend: 'up' }], { width: 4 }),
      graph('Token checks by outcome', 'Validations per second for the gateway, by outcome (valid, missing, invalid, expired, forbidden, error).', units.RequestsPerSecond, [
        { expr: `sum by (outcome) (rate(auth_requests_total{${auth}, endpoint="validate"}[$__rate_interval]))`, legend: '{{outcome}}' },
      ], { width: 8, stacked: true }),
      graph('Token check latency', 'Median and 99th percentile time the auth service takes to answer a check.', units.Seconds, [
        { expr: `histogram_quantile(0.5, sum by (le) (rate(auth_request_duration_seconds_bucket{${auth}, endpoint="validate"}[$__rate_interval])))`, legend: 'p50' },
        { expr: `histogram_quantile(0.99, sum by (le) (rate(auth_request_duration_seconds_bucket{${auth}, endpoint="validate"}[$__rate_interval])))`, legend: 'p99' },
      ], { width: 6, min: 0 }),
      graph('Tokens issued and refused', 'Token requests per second by outcome (issued, invalid_client, invalid_scope, invalid_request).', units.RequestsPerSecond, [
        { expr: `sum by (outcome) (rate(auth_requests_total{${auth}, endpoint="token"}[$__rate_interval]))`, legend: '{{outcome}}' },
      ], { width: 6 }),
    ],
  };
}

/** (b) The microservices: rate, errors and duration of each service, and the gateway in front. */
export function microservicesDashboard(config: Config): GrafanaDashboard {
  const ns = config.namespaces.apps;
  const gateway = `namespace="${ns}", service="${config.gateway.name}"`;
  const names = config.services.map((s) => s.name);
  // Every microservice by its role label, and one at a time through the `service` variable: the
  // dashboard's size does not grow with the number of services (a row per service would pass the
  // 1 MiB ConfigMap limit at a few hundred services).
  const all = `namespace="${ns}", component="microservice", ${REAL_TRAFFIC}`;
  const one = `namespace="${ns}", service="$service", ${REAL_TRAFFIC}`;
  const serviceVariable = new dashboard.CustomVariableBuilder('service')
    .label('Service')
    .values(names.join(','))
    .current({ selected: true, text: names[0], value: names[0] });
  const quantile = (q: number, sel: string, by: string): Query => ({
    expr: `histogram_quantile(${q}, sum by (${by}le) (rate(http_request_duration_seconds_bucket{${sel}}[$__rate_interval])))`,
    legend: by ? `{{service}} p${Math.round(q * 100)}` : `p${Math.round(q * 100)}`,
  });

  const datastore = datastoreSection(`namespace="${ns}", service="${datastoreName('$service')}"`);

  return {
    uid: 'container-infra-microservices',
    model: buildDashboard({
      uid: 'container-infra-microservices',
      title: 'Microservices',
      description: 'Requests, errors and latency of every microservice (podinfo metrics), and the API gateway in front of them (nginx-prometheus-exporter).',
      tags: [config.partOf, 'microservices', 'gateway'],
      variables: [serviceVariable],
      sections: [
        {
          title: 'API gateway',
          panels: [
            single('Gateway pods up', 'nginx instances whose stub_status the exporter could read.', units.Short, [{ expr: `sum(nginx_up{${gateway}})`, legend: 'up' }]),
            single('Gateway requests', 'Requests per second nginx handled, all routes.', units.RequestsPerSecond, [
              { expr: `sum(rate(nginx_http_requests_total{${gateway}}[$__rate_interval]))`, legend: 'requests' },
            ]),
            graph('Gateway requests per pod', 'Requests per second each nginx pod handled.', units.RequestsPerSecond, [
              { expr: `sum by (pod) (rate(nginx_http_requests_total{${gateway}}[$__rate_interval]))`, legend: '{{pod}}' },
            ], { width: 6 }),
            graph('Gateway connections', 'Client connections by state: reading a request, writing a response, idle keep-alive.', units.Short, [
              { expr: `sum(nginx_connections_reading{${gateway}})`, legend: 'reading' },
              { expr: `sum(nginx_connections_writing{${gateway}})`, legend: 'writing' },
              { expr: `sum(nginx_connections_waiting{${gateway}})`, legend: 'waiting' },
            ], { width: 6, stacked: true }),
          ],
        },
        ...(config.auth.enabled ? [authSection(config)] : []),
        {
          title: 'All services',
          panels: [
            graph('Requests per service', 'Requests per second each service answered (probes and scrapes excluded).', units.RequestsPerSecond, [
              { expr: `sum by (service) (rate(http_request_duration_seconds_count{${all}}[$__rate_interval]))`, legend: '{{service}}' },
            ], { width: 8 }),
            graph('Error ratio per service', 'Share of requests answered with a 5xx status.', units.PercentUnit, [
              {
                expr: `sum by (service) (rate(http_request_duration_seconds_count{${all}, status=~"5.."}[$__rate_interval])) / sum by (service) (rate(http_request_duration_seconds_count{${all}}[$__rate_interval]))`,
                legend: '{{service}}',
              },
            ], { width: 8, min: 0 }),
            graph('p95 latency per service', '95% of requests to each service finished faster than this.', units.Seconds, [quantile(0.95, all, 'service, ')], { width: 8, min: 0 }),
          ],
        },
        {
          title: 'Service $service',
          panels: [
            graph('$service: requests by status', 'Requests per second to the selected service, by HTTP status.', units.RequestsPerSecond, [
              { expr: `sum by (status) (rate(http_request_duration_seconds_count{${one}}[$__rate_interval]))`, legend: '{{status}}' },
            ], { width: 8, stacked: true }),
            graph('$service: latency', 'Median, 95th and 99th percentile duration of requests to the selected service.', units.Seconds, [
              quantile(0.5, one, ''),
              quantile(0.95, one, ''),
              quantile(0.99, one, ''),
            ], { width: 8, min: 0 }),
            graph('$service: requests by route', "Requests per second to the selected service, by route (podinfo's path label).", units.RequestsPerSecond, [
              { expr: `sum by (path) (rate(http_request_duration_seconds_count{${one}}[$__rate_interval]))`, legend: '{{path}}' },
            ], { width: 8 }),
          ],
        },
        ...(config.services.some((s) => s.datastore.enabled) ? [datastore] : []),
      ],
    }),
  };
}

/** The selected service's Redis, through the exporter sidecar in its pod (empty for a service without one). */
function datastoreSection(sel: string): Section {
  const rate = (metric: string) => `sum(rate(${metric}{${sel}}[$__rate_interval]))`;
  return {
    title: 'Datastore of $service',
    panels: [
      single('Datastore up', 'Whether Redis answers its exporter (1) or not (0).', units.Short, [{ expr: `min(redis_up{${sel}})`, legend: 'up' }], { height: 8 }),
      graph('Datastore memory', 'Memory Redis uses, and its maxmemory: at the line it evicts keys.', units.BytesIEC, [
        { expr: `sum(redis_memory_used_bytes{${sel}})`, legend: 'used' },
        { expr: `sum(redis_memory_max_bytes{${sel}})`, legend: 'maxmemory' },
      ], { width: 9, min: 0 }),
      graph('Datastore commands', 'Commands per second Redis processed.', units.OpsPerSecond, [{ expr: rate('redis_commands_processed_total'), legend: 'commands' }], { width: 9, min: 0 }),
      graph('Datastore hit ratio', 'Share of key lookups that found the key.', units.PercentUnit, [
        {
          expr: `${rate('redis_keyspace_hits_total')} / (${rate('redis_keyspace_hits_total')} + ${rate('redis_keyspace_misses_total')})`,
          legend: 'hits',
        },
      ], { width: 8, min: 0, max: 1 }),
      graph('Datastore evictions and rejections', 'Keys evicted to stay under maxmemory, and client connections refused at maxclients, per second.', units.Short, [
        { expr: rate('redis_evicted_keys_total'), legend: 'evicted keys' },
        { expr: rate('redis_rejected_connections_total'), legend: 'rejected connections' },
      ], { width: 8, min: 0 }),
      graph('Datastore clients and keys', 'Connected clients (the service and the exporter) and keys stored.', units.Short, [
        { expr: `sum(redis_connected_clients{${sel}})`, legend: 'clients' },
        { expr: `sum(redis_db_keys{${sel}})`, legend: 'keys' },
      ], { width: 8, min: 0 }),
    ],
  };
}
