import { Construct } from 'constructs';
import type { MicroserviceConfig } from '../config/schema/microservices';
import { SingleInstanceStatefulSet } from './single-instance-statefulset';
import * as k8s from '../imports/k8s';
import { Identity, recommendedLabels } from '../lib/labels';
import type { DatastoreModel } from '../model/environment';
import type { NetworkPolicyModel } from '../model/network';
import { NetworkPolicy } from './network';
import { containerResources } from './resources';
import { containerSecurityContext, podSecurityContext } from './security';
import { quantityBytes } from '../lib/quantity';
import { httpProbe, ownServiceAccount, scrapeAnnotations, singlePortService } from './workload';

export { DATASTORE_COMPONENT } from '../model/datastore-name';
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
    // Access control is its NetworkPolicy: only the owning service reaches this port.
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
  /** Its name (Service, StatefulSet and ServiceAccount), identity and port. */
  readonly model: DatastoreModel;
  readonly datastore: MicroserviceConfig['datastore'];
  readonly imagePullPolicy: string;
  /** Only the owning microservice reaches Redis; Prometheus (when scraping) the exporter's port only. */
  readonly policy: NetworkPolicyModel;
  /** Run the exporter sidecar: Prometheus scrapes it (monitoring is on). */
  readonly exporter: boolean;
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
    const name = props.model.name;
    this.port = props.model.port;
    this.identity = props.model.identity;
    const labels = recommendedLabels(this.identity);
    const selector = props.model.pods;
    const sa = ownServiceAccount(this, name, labels);

    // Headless: one pod, and the StatefulSet's stable network identity.
    const service = singlePortService(this, 'service', { name, labels, selector, portName: 'redis', port: ds.port, headless: true });

    const exporter: k8s.Container | undefined = props.exporter ? {
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
    } : undefined;
    new SingleInstanceStatefulSet(this, 'statefulset', {
      name,
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

    new NetworkPolicy(this, 'network-policy', props.policy);
  }
}
