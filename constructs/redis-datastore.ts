import { Construct } from 'constructs';
import type { MicroserviceConfig } from '../config/schema/microservices';
import { SingleInstanceStatefulSet } from './single-instance-statefulset';
import * as k8s from '../imports/k8s';
import { imageVersion, Identity, Labels, recommendedLabels, selectorLabels } from './labels';
import { AllowPolicy, podPeer, tcp } from './network';
import { containerResources } from './resources';
import { containerSecurityContext, podSecurityContext } from './security';
import { memoryBytes, ownServiceAccount, singlePortService } from './workload';

export interface RedisDatastoreProps {
  /** Name of the Service, StatefulSet and ServiceAccount. */
  readonly name: string;
  readonly datastore: MicroserviceConfig['datastore'];
  readonly partOf: string;
  readonly imagePullPolicy: string;
  /** The only pods allowed to connect: the owning microservice. */
  readonly owner: Labels;
}

/**
 * A Redis that belongs to exactly one microservice: a one-replica StatefulSet with its own volume,
 * reachable only from its owner's pods. StatefulSet, not Deployment, because a ReadWriteOnce volume
 * under a RollingUpdate Deployment deadlocks on upgrade.
 */
export class RedisDatastore extends Construct {
  readonly identity: Identity;
  readonly port: number;

  constructor(scope: Construct, id: string, props: RedisDatastoreProps) {
    super(scope, id);
    const ds = props.datastore;
    this.port = ds.port;
    this.identity = { name: 'redis', instance: props.name, component: 'datastore', partOf: props.partOf, version: imageVersion(ds.image) };
    const labels = recommendedLabels(this.identity);
    const selector = selectorLabels(this.identity);
    const sa = ownServiceAccount(this, props.name, labels);

    // Headless: one pod, and the StatefulSet's stable network identity.
    const service = singlePortService(this, 'service', { name: props.name, labels, selector, portName: 'redis', port: ds.port, headless: true });

    // Keep Redis's own memory below the container limit, so it evicts keys instead of being OOM-killed.
    const maxmemory = Math.floor((memoryBytes(ds.resources.limits.memory) * 3) / 4);
    new SingleInstanceStatefulSet(this, 'statefulset', {
      name: props.name,
      identity: this.identity,
      serviceName: service.name,
      pod: {
        metadata: { labels },
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
              args: [
                '--port', String(ds.port),
                '--dir', '/data',
                // Access control is the NetworkPolicy below: only the owning service reaches this port.
                '--protected-mode', 'no',
                '--appendonly', 'yes',
                '--maxmemory', String(maxmemory),
                '--maxmemory-policy', 'allkeys-lru',
              ],
              ports: [{ name: 'redis', containerPort: ds.port, protocol: 'TCP' }],
              resources: containerResources(ds.resources),
              securityContext: containerSecurityContext({ user: ds.runAsUser, group: ds.runAsGroup }),
              readinessProbe: { exec: { command: ['redis-cli', '-p', String(ds.port), 'ping'] }, periodSeconds: 10, timeoutSeconds: 2 },
              livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('redis') }, periodSeconds: 15, timeoutSeconds: 2, failureThreshold: 4 },
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
          ],
        },
      },
      claims: { data: ds.storage },
    });

    new AllowPolicy(this, 'network-policy', {
      name: props.name,
      labels,
      podSelector: selector,
      ingress: [{ from: [podPeer(props.owner)], ports: [tcp(ds.port)] }],
      egress: [],
    });
  }
}
