import { z } from 'zod';
import { dnsLabel, imageRef, memoryQuantity, port, res, resources } from './common';

/** A key of a Secret's data: what `kubectl create secret generic --from-literal=KEY=…` accepts. */
const secretKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, 'must be a Secret key: letters, digits, "-", "_" and "."');

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
      image: imageRef.default('docker.io/grafana/grafana:13.2.2'),
      /** UID of the grafana user in the official image; also the group and fsGroup the pod runs with. */
      runAsUser: z.number().int().min(1, 'must be a non-root UID (1 or more)').default(472),
      /** Requests sized for one small node: the whole monitoring stack stays within 0.5 vCPU / 1 GiB. */
      resources: resources.default(res('50m', '224Mi', '512Mi')),
      /**
       * The Secret the user creates with the admin login (dist/ never contains it), see docs/grafana.md.
       * Keys default to the upstream chart's, so an existing Secret can be reused.
       */
      adminSecret: z
        .strictObject({
          name: dnsLabel.default('grafana-admin'),
          userKey: secretKey.default('admin-user'),
          passwordKey: secretKey.default('admin-password'),
        })
        .prefault({}),
      /**
       * Off by default: dashboards and the datasource are code, so the only state is logins and
       * UI preferences. On: a PersistentVolumeClaim keeps the sqlite database across restarts.
       */
      persistence: z
        .strictObject({
          enabled: z.boolean().default(false),
          size: memoryQuantity.default('1Gi'),
          /** Unset means the cluster's default StorageClass. */
          storageClassName: dnsLabel.optional(),
        })
        .prefault({}),
    })
    .prefault({}),
});
export type MonitoringConfig = z.infer<typeof monitoring>;
