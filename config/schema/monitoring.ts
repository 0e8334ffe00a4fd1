import { z } from 'zod';
import { quantityNanos } from '../../lib/quantity';
import { WELL_FORMED, dnsLabel, dnsSubdomain, imageRef, memoryQuantity, port, res, resources, storage, serviceName } from './common';

/** A key of a Secret's data: what `kubectl create secret generic --from-literal=KEY=…` accepts. */
const secretKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, 'must be a Secret key: letters, digits, "-", "_" and "."');

/** A Prometheus duration such as "30s", "5m", "15d" (one unit, as Prometheus and people write them). */
export const promDuration = z
  .string()
  .regex(/^[1-9][0-9]*(ms|s|m|h|d|w|y)$/, 'must be a Prometheus duration such as "30s", "5m" or "15d"');

/** Prometheus' --storage.tsdb.retention.size units (powers of 1024, written without "i"). */
export const retentionSize = z
  .string()
  .regex(/^[1-9][0-9]*(KB|MB|GB|TB)$/, 'must be a size such as "1800MB" or "8GB" (Prometheus units: KB, MB, GB, TB)');

const RETENTION_POWER: Record<string, bigint> = { KB: 1n, MB: 2n, GB: 3n, TB: 4n };

/** Nano-bytes of a "1800MB" retention size (Prometheus' units are powers of 1024), comparable with quantityNanos; undefined if malformed. */
export function retentionNanos(size: string): bigint | undefined {
  const m = /^([0-9]+)(KB|MB|GB|TB)$/.exec(size);
  return m ? BigInt(m[1]) * 1024n ** RETENTION_POWER[m[2]] * 1_000_000_000n : undefined;
}

const uid = z.number().int().min(1, 'must be a non-root numeric UID/GID (1 or more)');

const prometheus = z
  .strictObject({
    name: serviceName.max(52, 'must be at most 52 characters (a StatefulSet name: its pods carry "<name>-<10-character hash>" as a label value)').default('prometheus'),
    port: port.default(9090),
    image: imageRef.default('quay.io/prometheus/prometheus:v3.5.0'),
    /** The image's `nobody` user; the data volume is group-owned by it through fsGroup. */
    runAsUser: uid.default(65534),
    runAsGroup: uid.default(65534),
    /** How often every target is scraped (a job may not override it, so dashboards can rely on it). */
    scrapeInterval: promDuration.default('30s'),
    scrapeTimeout: promDuration.default('10s'),
    /** How often alerting rules are evaluated. */
    evaluationInterval: promDuration.default('30s'),
    retention: z
      .strictObject({
        /** Oldest data kept. */
        time: promDuration.default('7d'),
        /** Disk use at which the oldest blocks are deleted; keep it well below the volume size (WAL and compaction need room). */
        size: retentionSize.default('1536MB'),
      })
      .prefault({}),
    storage: storage.prefault({ size: '2Gi' }),
    resources: resources.default(res('200m', '448Mi', '1Gi')),
    /**
     * kubelets commonly serve a self-signed certificate (kind, minikube, kubeadm without
     * serverTLSBootstrap), which no CA in the pod can verify. Set false where kubelet serving
     * certificates are signed by the cluster CA.
     */
    kubeletInsecureSkipVerify: z.boolean().default(true),
    /** Sidecar that reloads Prometheus (SIGHUP) when its configuration or rules change. */
    reloader: z
      .strictObject({
        image: imageRef.default('quay.io/prometheus-operator/prometheus-config-reloader:v0.83.0'),
        /** Health and metrics port of the reloader (loopback traffic and probes only). */
        port: port.default(8080),
        resources: resources.default(res('5m', '16Mi', '48Mi')),
      })
      .prefault({}),
    /** Alert thresholds; `for:` durations are part of each rule. */
    alerts: z
      .strictObject({
        /** Fire when a node filesystem has less free space than this, in percent. */
        filesystemFreePercent: z.number().min(1).max(50).default(10),
        /** Fire when a node has less available memory than this, in percent. */
        memoryAvailablePercent: z.number().min(1).max(50).default(10),
        /** Fire when more than this share of a service's requests fail with 5xx (0.05 = 5%). */
        http5xxRatio: z.number().gt(0, 'must be a ratio above 0').max(1, 'must be a ratio of at most 1').default(0.05),
        /** Fire when a datastore's Redis uses more than this share of its maxmemory, in percent. */
        datastoreMemoryPercent: z.number().min(50).max(99).default(90),
      })
      .prefault({}),
  })
  .superRefine((p, ctx) => {
    // The volume size is any Kubernetes quantity ("2Gi", "1.5Gi", "2G"), compared exactly.
    if ((retentionNanos(p.retention.size) ?? 0n) >= (quantityNanos(p.storage.size) ?? 0n)) {
      ctx.addIssue({
        code: 'custom',
        path: ['retention', 'size'],
        message: `must be smaller than storage.size (${p.storage.size}): the WAL and compaction need room beyond the retained blocks`,
      });
    }
    if (durationSeconds(p.scrapeTimeout) > durationSeconds(p.scrapeInterval)) {
      ctx.addIssue({ code: 'custom', path: ['scrapeTimeout'], message: `must not be longer than scrapeInterval (${p.scrapeInterval})` });
    }
  }, WELL_FORMED);

/** A receiver whose URL the user keeps in a Secret; dist/ names the Secret but never holds the URL. */
const receiver = z
  .strictObject({
    /** "none" drops every alert (they stay visible in Prometheus and Alertmanager's UI). */
    type: z.enum(['none', 'slack', 'webhook']).default('none'),
    /** Secret in the monitoring namespace holding the Slack webhook URL or the webhook URL. */
    secretName: dnsLabel.default('alertmanager-receiver'),
    secretKey: z.string().regex(/^[-._a-zA-Z0-9]+$/, 'must be a Secret data key').default('url'),
    /** Slack only: channel to post to; unset uses the webhook's default channel. */
    slackChannel: z.string().regex(/^[#@]?[a-z0-9][-_.a-z0-9]*$/, 'must be a Slack channel such as "#alerts"').optional(),
    /** TCP port the receiver listens on, for the egress NetworkPolicy (Slack and most webhooks: 443). */
    egressPort: port.default(443),
    sendResolved: z.boolean().default(true),
  })
  .refine((r) => r.slackChannel === undefined || r.type === 'slack', { message: 'slackChannel needs type "slack"', path: ['slackChannel'] });

const alertmanager = z.strictObject({
  name: serviceName.default('alertmanager'),
  port: port.default(9093),
  image: imageRef.default('quay.io/prometheus/alertmanager:v0.28.1'),
  runAsUser: uid.default(65534),
  runAsGroup: uid.default(65534),
  resources: resources.default(res('10m', '32Mi', '128Mi')),
  route: z
    .strictObject({
      groupBy: z.array(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a label name')).default(['alertname', 'namespace']),
      groupWait: promDuration.default('30s'),
      groupInterval: promDuration.default('5m'),
      repeatInterval: promDuration.default('4h'),
    })
    .prefault({}),
  receiver: receiver.prefault({}),
});

const nodeExporter = z.strictObject({
  name: dnsLabel.default('node-exporter'),
  image: imageRef.default('quay.io/prometheus/node-exporter:v1.9.1'),
  /**
   * node-exporter shares the node's network namespace, so this port is taken on every node.
   * 9100 is its registered default; change it if something on the nodes already listens there
   * (another node-exporter, for example): the pod would stay Pending with a host-port conflict.
   */
  port: port.default(9100),
  runAsUser: uid.default(65534),
  runAsGroup: uid.default(65534),
  resources: resources.default(res('20m', '24Mi', '96Mi')),
});

/** kube-state-metrics resources (its --resources names) we export; the RBAC follows this list. */
export const KSM_RESOURCES = [
  'cronjobs',
  'daemonsets',
  'deployments',
  'horizontalpodautoscalers',
  'jobs',
  'namespaces',
  'nodes',
  'persistentvolumeclaims',
  'persistentvolumes',
  'poddisruptionbudgets',
  'pods',
  'replicasets',
  'services',
  'statefulsets',
] as const;
export type KsmResource = (typeof KSM_RESOURCES)[number];

const kubeStateMetrics = z.strictObject({
  name: serviceName.default('kube-state-metrics'),
  image: imageRef.default('registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.16.0'),
  /** Port of the object metrics Prometheus scrapes. */
  port: port.default(8080),
  /** Port of kube-state-metrics' own health and process metrics. */
  telemetryPort: port.default(8081),
  runAsUser: uid.default(65534),
  runAsGroup: uid.default(65534),
  resources: resources.default(res('20m', '48Mi', '128Mi')),
  /** Kubernetes objects to export; secrets and configmaps are deliberately not offered. */
  resourcesToExport: z
    .array(z.enum(KSM_RESOURCES, { message: `must be one of: ${KSM_RESOURCES.join(', ')}` }))
    .min(1, 'must list at least one resource')
    .default([...KSM_RESOURCES]),
});

/**
 * Monitoring: Prometheus, Alertmanager, node-exporter, kube-state-metrics and Grafana.
 * The names and ports here are what other charts refer to (NetworkPolicies, URLs, datasources).
 */
export const monitoring = z.strictObject({
  /** Off: no Prometheus, Alertmanager, Grafana, kube-state-metrics, node-exporter, datastore exporters or monitoring namespaces. */
  enabled: z.boolean().default(true),
  prometheus: prometheus.prefault({}),
  alertmanager: alertmanager.prefault({}),
  /** node-exporter DaemonSet, in namespaces.nodeMonitoring (Pod Security "privileged"). */
  nodeExporter: nodeExporter.prefault({}),
  kubeStateMetrics: kubeStateMetrics.prefault({}),
  grafana: z
    .strictObject({
      name: serviceName.default('grafana'),
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
          /** Keep Grafana's database on a PersistentVolumeClaim. */
          enabled: z.boolean().default(false),
          /** Size of that volume. */
          size: memoryQuantity.default('1Gi'),
          /** Unset means the cluster's default StorageClass (a DNS-1123 subdomain such as "ebs.csi.aws.com"). */
          storageClassName: dnsSubdomain.optional(),
        })
        .prefault({}),
    })
    .prefault({}),
});
export type MonitoringConfig = z.infer<typeof monitoring>;

/** Seconds of a single-unit Prometheus duration. */
export function durationSeconds(d: string): number {
  const m = /^([0-9]+)(ms|s|m|h|d|w|y)$/.exec(d);
  if (!m) throw new Error(`unsupported duration "${d}"`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 }[m[2] as 'ms'];
  return Number(m[1]) * unit;
}
