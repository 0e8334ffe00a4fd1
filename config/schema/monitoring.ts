import { z } from 'zod';
import { dnsLabel, port } from './common';

/**
 * Monitoring: Prometheus, Alertmanager, node-exporter, kube-state-metrics and Grafana.
 * The names and ports here are what other charts refer to (NetworkPolicies, URLs, datasources).
 */
export const monitoring = z.strictObject({
  enabled: z.boolean().default(true),
  prometheus: z
    .strictObject({
      name: dnsLabel.default('prometheus'),
      port: port.default(9090),
    })
    .prefault({}),
  alertmanager: z
    .strictObject({
      name: dnsLabel.default('alertmanager'),
      port: port.default(9093),
    })
    .prefault({}),
  grafana: z
    .strictObject({
      name: dnsLabel.default('grafana'),
      port: port.default(3000),
    })
    .prefault({}),
});
export type MonitoringConfig = z.infer<typeof monitoring>;
