import { eventBusDeployed } from '../../model/events';
import { JOBS } from '../../charts/prometheus-config';

import type { Config } from '../../config/schema';
import { PromtoolTestFile, series } from './promtool-test-file';

type Labels = Record<string, string>;
type Case = PromtoolTestFile['tests'][number];
type Expect = (alert: string, labels: Labels) => Case['alert_rule_test'][number]['exp_alerts'][number];


/** promtool cases for the event-bus alerts: each fires on a bad bus and stays quiet on a good one. */
export function eventBusRuleTests(config: Config, alert: Expect): Case[] {
  if (!eventBusDeployed(config)) return [];
  const name = config.events.name;
  const target = { job: JOBS.annotatedPods, namespace: config.namespaces.apps, service: name, component: 'event-bus', instance: '10.0.0.7:7777' };
  const pod = (i: number) => ({ ...target, pod: `${name}-${i}`, instance: `10.0.0.${7 + i}:7777`, server_id: `N${i}` });
  const health = (i: number, value: string) => ({ ...pod(i), value });
  const consumer = (durable: string) => ({ ...pod(0), stream_name: 'PAYMENT', consumer_name: durable });
  return [
    {
      name: 'EventBusDown fires when no server is healthy, not while one is',
      interval: '1m',
      input_series: [series('nats_healthz_js_enabled_only_status_value', health(0, 'ok'), '1x5 0x15'), series('nats_healthz_js_enabled_only_status_value', health(1, 'unreachable'), '0x20')],
      alert_rule_test: [
        { eval_time: '4m', alertname: 'EventBusDown', exp_alerts: [] },
        { eval_time: '14m', alertname: 'EventBusDown', exp_alerts: [alert('EventBusDown', { service: name })] },
      ],
    },
    {
      name: 'EventBusDown fires when the exporters vanished',
      interval: '1m',
      input_series: [series('up', { job: JOBS.prometheus, instance: 'localhost:9090' }, '1x10')],
      alert_rule_test: [{ eval_time: '7m', alertname: 'EventBusDown', exp_alerts: [alert('EventBusDown', { job: JOBS.annotatedPods, namespace: config.namespaces.apps, service: name })] }],
    },
    {
      name: 'EventBusStorageHigh fires above 80 % of the file store, not at 70 %',
      interval: '1m',
      input_series: [
        series('nats_server_total_message_bytes', pod(0), '85x20'),
        series('nats_server_max_storage', pod(0), '100x20'),
        series('nats_server_total_message_bytes', pod(1), '70x20'),
        series('nats_server_max_storage', pod(1), '100x20'),
      ],
      alert_rule_test: [
        { eval_time: '5m', alertname: 'EventBusStorageHigh', exp_alerts: [] },
        { eval_time: '15m', alertname: 'EventBusStorageHigh', exp_alerts: [alert('EventBusStorageHigh', { namespace: config.namespaces.apps, pod: `${name}-0` })] },
      ],
    },
    {
      name: 'EventConsumerPendingGrowing fires for a growing backlog, not for a steady or empty one',
      interval: '1m',
      input_series: [
        series('nats_consumer_num_pending', consumer('webtoon-unlock'), '0+5x40'),
        series('nats_consumer_num_pending', consumer('steady'), '50x40'),
        series('nats_consumer_num_pending', consumer('idle'), '0x40'),
      ],
      alert_rule_test: [
        { eval_time: '8m', alertname: 'EventConsumerPendingGrowing', exp_alerts: [] },
        {
          eval_time: '25m',
          alertname: 'EventConsumerPendingGrowing',
          exp_alerts: [alert('EventConsumerPendingGrowing', { namespace: config.namespaces.apps, stream_name: 'PAYMENT', consumer_name: 'webtoon-unlock' })],
        },
      ],
    },
    {
      name: 'EventBusSlowConsumers fires when the slow-consumer count rises, not while it stays flat',
      interval: '1m',
      input_series: [series('nats_varz_slow_consumers', pod(0), '3x10 4x10'), series('nats_varz_slow_consumers', pod(1), '7x20')],
      alert_rule_test: [
        { eval_time: '8m', alertname: 'EventBusSlowConsumers', exp_alerts: [] },
        { eval_time: '12m', alertname: 'EventBusSlowConsumers', exp_alerts: [alert('EventBusSlowConsumers', { namespace: config.namespaces.apps, pod: `${name}-0` })] },
      ],
    },
  ];
}
