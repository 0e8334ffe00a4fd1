import { z } from 'zod';
import { dnsLabel, port } from './common';

/** Monitoring: Prometheus and Grafana. The names and ports here are what other charts refer to. */
export const monitoring = z.strictObject({
  enabled: z.boolean().default(true),
  prometheus: z
    .strictObject({
      name: dnsLabel.default('prometheus'),
      port: port.default(9090),
    })
    .prefault({}),
});
export type MonitoringConfig = z.infer<typeof monitoring>;
