import { Construct } from 'constructs';
import type { MicroserviceConfig } from '../config/schema/microservices';
import { SingleInstanceStatefulSet } from './single-instance-statefulset';
import * as k8s from '../imports/k8s';
import { imageVersion, Identity, Labels, recommendedLabels, selectorLabels } from '../lib/labels';
import { AllowPolicy, namespacedPodPeer, podPeer, tcp } from './network';
import { containerResources } from './resources';
import { containerSecurityContext, podSecurityContext } from './security';
import { quantityBytes } from '../lib/quantity';
import { httpProbe, ownServiceAccount, scrapeAnnotations, singlePortService } from './workload';

/** The `app.kubernetes.io/component` of every datastore; alerts and dashboards select on it. */
export const DATASTORE_COMPONENT = 'datastore';
/** Where the exporter serves its metrics (its default, written out so the scrape annotation can name it). */
export const EXPORTER_METRICS_PATH = '/metrics';

type DatastoreConfig = MicroserviceConfig['datastore'];

/** redis-server's arguments. */
export function redisArgs(ds: DatastoreConfig): string[] {
  // Keep Redis's own memory below the container limit, so it evicts keys instead of being OOM-killed.
  const maxmemory = Math.floor((quantityBytes(ds.resources.limits.memory) * 3) / 4);
  return [
    '--port', String(ds.port),
    '--dir', '/data',
    // Access control is the NetworkPolicy below: only the owning service reaches this port.
    '--protected-mode', 'no',
    '--appendonly', 'yes',
    '--maxmemory', String(maxmemory),
    '--maxmemory-policy', 'allkeys-lru',
  ];
}

/**
 * redis_exporter's arguments: Redis over the pod's loopback. Only flags that both the pinned image
 * and Debian's redis_exporter 1.69 (which the tests run) accept.
 */
export function redisExporterArgs(ds: DatastoreConfig): string[] {
  return [
    `--redis.addr=redis://127.0.0.1:${ds.port}`,
    `--web.listen-address=:${ds.exporter.port}`,
    `--web.telemetry-path=${EXPORTER_METRICS_PATH}`,
    // No Go runtime and process series, and no per-command latency histograms: nothing here reads
    // them, and each datastore would add a few hundred series to Prometheus.
    '--redis-only-metrics',
    '--exclude-latency-histogram-metrics',
  ];
}

export interface RedisDatastoreProps {
  /** Name of the Service, StatefulSet and ServiceAccount. */
  readonly name: string;
  readonly datastore: MicroserviceConfig['datastore'];
  readonly partOf: string;
  readonly imagePullPolicy: string;
  /** The only pods allowed to connect: the owning microservice. */
  readonly owner: Labels;
  /** Prometheus, allowed to the exporter's port only; without it no exporter runs (monitoring is off). */
  readonly scraper?: { readonly namespace: string; readonly labels: Labels };
}

/**
 * A Redis that belongs to exactly one microservice: a one-replica StatefulSet with its own volume,
 * reachable only from its owner's pods. StatefulSet, not Deployment, because a ReadWriteOnce volume
 * under a RollingUpdate Deployment deadlocks on upgrade.
 *
 * The Redis exporter is a sidecar rather than a Deployment per datastore: it reads Redis over the
 * pod's loopback, so there is no extra network path to Redis (its port stays open to the owner only),
 * it is scraped through the annotated-pods discovery like the microservices, and it lives and moves
 * with the Redis it describes (a separate exporter could be up while its Redis is unschedulable).
 */
export class RedisDatastore extends Construct {
  readonly identity: Identity;
  readonly port: number;

  constructor(scope: Construct, id: string, props: RedisDatastoreProps) {
    super(scope, id);
    const ds = props.datastore;
    this.port = ds.port;
    this.identity = { name: 'redis', instance: props.name, component: DATASTORE_COMPONENT, partOf: props.partOf, version: imageVersion(ds.image) };
    const labels = recommendedLabels(this.identity);
    const selector = selectorLabels(this.identity);
    const sa = ownServiceAccount(this, props.name, labels);

    // Headless: one pod, and the StatefulSet's stable network identity.
    const service = singlePortService(this, 'service', { name: props.name, labels, selector, portName: 'redis', port: ds.port, headless: true });

    const exporter: k8s.Container | undefined = props.scraper && {
      name: 'exporter',
      image: ds.exporter.image,
      imagePullPolicy: props.imagePullPolicy,
      args: redisExporterArgs(ds),
      ports: [{ name: 'metrics', containerPort: ds.exporter.port, protocol: 'TCP' }],
      resources: containerResources(ds.exporter.resources),
      securityContext: containerSecurityContext({ user: ds.exporter.runAsUser, group: ds.exporter.runAsGroup }),
      // /health answers without asking Redis: a Redis outage shows as redis_up 0, not as a restarted exporter.
      livenessProbe: httpProbe('/health', 'metrics', { periodSeconds: 15 }),
      readinessProbe: httpProbe('/health', 'metrics'),
    };
    new SingleInstanceStatefulSet(this, 'statefulset', {
      name: props.name,
      identity: this.identity,
      serviceName: service.name,
      pod: {
        metadata: { labels, ...(exporter ? { annotations: scrapeAnnotations(ds.exporter.port, EXPORTER_METRICS_PATH) } : {}) },
        spec: {
          serviceAccountName: sa.name,
          automountServiceAccountToken: false,
          securityContext: podSecurityContext({ user: ds.runAsUser, group: ds.runAsGroup, fsGroup: ds.runAsGroup }),
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name: 'redis',
              image: ds.image,
              imagePullPolicy: props.imagePullPolicy,
              command: ['redis-server'],
              args: redisArgs(ds),
              ports: [{ name: 'redis', containerPort: ds.port, protocol: 'TCP' }],
              resources: containerResources(ds.resources),
              securityContext: containerSecurityContext({ user: ds.runAsUser, group: ds.runAsGroup }),
              readinessProbe: { exec: { command: ['redis-cli', '-p', String(ds.port), 'ping'] }, periodSeconds: 10, timeoutSeconds: 2 },
              livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('redis') }, periodSeconds: 15, timeoutSeconds: 2, failureThreshold: 4 },
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
            ...(exporter ? [exporter] : []),
          ],
        },
      },
      claims: { data: ds.storage },
    });

    new AllowPolicy(this, 'network-policy', {
      name: props.name,
      labels,
      podSelector: selector,
      ingress: [
        { from: [podPeer(props.owner)], ports: [tcp(ds.port)] },
        // Prometheus reaches the exporter only; the exporter reaches Redis over loopback.
        ...(props.scraper ? [{ from: [namespacedPodPeer(props.scraper.namespace, props.scraper.labels)], ports: [tcp(ds.exporter.port)] }] : []),
      ],
      egress: [],
    });
  }
}
