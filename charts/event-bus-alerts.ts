import { eventBusSelector } from '../monitoring/event-bus-selector';
import { eventBusDeployed } from '../model/events';
import type { Config } from '../config/schema';
import type { AlertRule } from '../constructs/prometheus-config';


/** JetStream file store use (of `max_file_store`) above which EventBusStorageHigh fires. */
export const EVENT_BUS_STORAGE_RATIO = 0.8;

/**
 * Alerts on the event bus, from prometheus-nats-exporter's series (-prefix=nats): `healthz` with
 * js-enabled-only, `jsz=all` (server, stream and consumer gauges) and `varz`.
 */
export function eventBusAlerts(config: Config): AlertRule[] {
  if (!eventBusDeployed(config)) return [];
  const sel = eventBusSelector(config);
  const health = `nats_healthz_js_enabled_only_status_value{${sel}}`;
  const pending = `max by (namespace, stream_name, consumer_name) (nats_consumer_num_pending{${sel}})`;
  const pendingDelta = `max by (namespace, stream_name, consumer_name) (delta(nats_consumer_num_pending{${sel}}[10m]))`;
  return [
    {
      alert: 'EventBusDown',
      // No server answers healthy, or the exporters vanished from discovery altogether.
      expr: `sum by (service) (${health}) < 1 or absent(${health})`,
      for: '5m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'Event bus {{ $labels.service }} is down',
        description: 'No NATS server of the event bus has reported JetStream healthy for 5 minutes: services can neither publish nor consume events. Check the nats pods and their logs.',
      },
    },
    {
      alert: 'EventBusStorageHigh',
      expr: `max by (namespace, pod) (nats_server_total_message_bytes{${sel}}) / max by (namespace, pod) (nats_server_max_storage{${sel}}) > ${EVENT_BUS_STORAGE_RATIO}`,
      for: '10m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'JetStream storage of {{ $labels.pod }} is above 80 %',
        description: `JetStream on {{ $labels.namespace }}/{{ $labels.pod }} has used more than ${EVENT_BUS_STORAGE_RATIO * 100} % of its file store for 10 minutes; new streams are refused when it is full. Lower the streams' maxBytes/maxAge or raise events.storage.size.`,
      },
    },
    {
      alert: 'EventConsumerPendingGrowing',
      expr: `${pending} > 0 and ${pendingDelta} > 0`,
      for: '10m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Consumer {{ $labels.consumer_name }} of stream {{ $labels.stream_name }} is falling behind',
        description: 'The pending messages of durable consumer {{ $labels.consumer_name }} (stream {{ $labels.stream_name }}) have kept growing for 10 minutes: the consuming service is down, too slow or failing to acknowledge.',
      },
    },
    {
      alert: 'EventBusSlowConsumers',
      expr: `max by (namespace, pod) (increase(nats_varz_slow_consumers{${sel}}[5m])) > 0`,
      for: '0m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'NATS server {{ $labels.pod }} dropped slow consumers',
        description: 'NATS server {{ $labels.namespace }}/{{ $labels.pod }} disconnected clients in the last 5 minutes because they could not keep up with the messages sent to them. Check which client in the server log (Slow Consumer Detected).',
      },
    },
  ];
}
