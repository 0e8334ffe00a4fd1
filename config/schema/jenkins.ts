import { z } from 'zod';
import { dnsLabel, port } from './common';

/**
 * Jenkins CI/CD. The Service name, ports and metrics path are shared with the monitoring charts
 * (Prometheus scrapes Jenkins), so they are defined here once.
 */
export const jenkins = z.strictObject({
  enabled: z.boolean().default(true),
  /** Name of the controller StatefulSet and of its UI Service. */
  name: dnsLabel.default('jenkins'),
  /** UI and HTTP API port (Service and container). */
  port: port.default(8080),
  /** Inbound agent (JNLP/WebSocket tunnel) port, on its own Service `<name>-agent`. */
  agentPort: port.default(50000),
  /** Path of the prometheus plugin's endpoint. */
  metricsPath: z.string().startsWith('/').default('/prometheus'),
});
export type JenkinsConfig = z.infer<typeof jenkins>;
