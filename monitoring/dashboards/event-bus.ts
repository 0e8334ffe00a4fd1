import * as units from '@grafana/grafana-foundation-sdk/units';
import { eventBusSelector } from '../event-bus-selector';
import type { Config } from '../../config/schema';
import { buildDashboard, graph, single } from './panels';
import type { GrafanaDashboard } from './dashboard';

/** (e) The event bus: health, JetStream storage, message rates, and each durable consumer's backlog. */
export function eventBusDashboard(config: Config): GrafanaDashboard {
  const sel = eventBusSelector(config);
  return {
    uid: 'container-infra-event-bus',
    model: buildDashboard({
      uid: 'container-infra-event-bus',
      title: 'Event bus',
      description: 'NATS JetStream event bus (prometheus-nats-exporter): server health, storage, message rates, and the pending messages of every durable consumer.',
      tags: [config.partOf, 'event-bus', 'nats'],
      sections: [
        {
          title: 'Servers',
          panels: [
            single('Healthy servers', 'NATS servers whose JetStream reports healthy (healthz?js-enabled-only).', units.Short, [
              { expr: `sum(nats_healthz_js_enabled_only_status_value{${sel}})`, legend: 'healthy' },
            ]),
            single('Client connections', 'Clients connected to the bus, all servers.', units.Short, [{ expr: `sum(nats_varz_connections{${sel}})`, legend: 'connections' }]),
            graph('JetStream storage used', 'Share of each server\'s JetStream file store in use (EventBusStorageHigh fires above 80 %).', units.PercentUnit, [
              { expr: `max by (pod) (nats_server_total_message_bytes{${sel}}) / max by (pod) (nats_server_max_storage{${sel}})`, legend: '{{pod}}' },
            ], { width: 6, min: 0, max: 1 }),
            graph('Messages per second', 'Messages the servers received from and sent to clients.', units.Short, [
              { expr: `sum(rate(nats_varz_in_msgs{${sel}}[$__rate_interval]))`, legend: 'in' },
              { expr: `sum(rate(nats_varz_out_msgs{${sel}}[$__rate_interval]))`, legend: 'out' },
            ], { width: 6 }),
          ],
        },
        {
          title: 'Streams and consumers',
          panels: [
            graph('Stored events per stream', 'Messages each stream keeps (retention by age and size).', units.Short, [
              { expr: `max by (stream_name) (nats_stream_total_messages{${sel}})`, legend: '{{stream_name}}' },
            ], { width: 8 }),
            graph('Pending per consumer', 'Events a durable consumer has not received yet: a growing line is a service falling behind.', units.Short, [
              { expr: `max by (stream_name, consumer_name) (nats_consumer_num_pending{${sel}})`, legend: '{{stream_name}}/{{consumer_name}}' },
            ], { width: 8 }),
            graph('Redelivered per consumer', 'Events delivered again because they were not acknowledged in time.', units.Short, [
              { expr: `max by (stream_name, consumer_name) (nats_consumer_num_redelivered{${sel}})`, legend: '{{stream_name}}/{{consumer_name}}' },
            ], { width: 8 }),
          ],
        },
      ],
    }),
  };
}
