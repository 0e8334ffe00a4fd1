import { Construct } from 'constructs';
import type { MicroserviceConfig } from '../config/schema/microservices';
import * as k8s from '../imports/k8s';
import { Identity, recommendedLabels, selectorLabels } from '../lib/labels';
import type { DatastoreModel, ServiceCall } from '../model/environment';
import type { EnvVarModel } from '../model/env';
import { envVars } from './env';
import type { NetworkPolicyModel } from '../model/network';
import { NetworkPolicy } from './network';
import { RedisDatastore } from './redis-datastore';
import { containerResources } from './resources';
import { containerSecurityContext, podSecurityContext } from './security';
import { disruptionBudget, httpProbe, ownServiceAccount, scrapeAnnotations, singlePortService, spreadOverNodes } from './workload';

export interface MicroserviceProps {
  readonly service: MicroserviceConfig;
  readonly identity: Identity;
  readonly imagePullPolicy: string;
  /** Who may reach its pods and what they may reach (model/network.ts). */
  readonly policy: NetworkPolicyModel;
  /** Its datastore, when enabled, and the datastore pod's policy. */
  readonly datastore?: { readonly model: DatastoreModel; readonly policy: NetworkPolicyModel };
  /** Prometheus scrapes the datastore (monitoring is on): its exporter sidecar runs. */
  readonly scraped: boolean;
  /** Its container's variables (model/env.ts: the datastore, NATS, callee and JWKS URLs and the user's). */
  readonly env: readonly EnvVarModel[];
  /** The services it calls (its `calls`): each is a podinfo backend. */
  readonly calls: readonly ServiceCall[];
}

/**
 * One microservice: Deployment, ClusterIP Service, ServiceAccount, PodDisruptionBudget,
 * NetworkPolicy, optional HorizontalPodAutoscaler, and a datastore that only it can reach.
 */
export class Microservice extends Construct {
  readonly identity: Identity;
  readonly name: string;
  readonly port: number;
  readonly datastore?: RedisDatastore;

  constructor(scope: Construct, id: string, props: MicroserviceProps) {
    super(scope, id);
    const svc = props.service;
    this.name = svc.name;
    this.port = svc.port;
    this.identity = props.identity;
    const labels = recommendedLabels(this.identity);
    const selector = selectorLabels(this.identity);

    if (props.datastore) {
      this.datastore = new RedisDatastore(this, 'datastore', {
        model: props.datastore.model,
        datastore: svc.datastore,
        imagePullPolicy: props.imagePullPolicy,
        policy: props.datastore.policy,
        exporter: props.scraped,
      });
    }
    const cacheUrl = props.datastore?.model.url;

    const sa = ownServiceAccount(this, svc.name, labels);
    const env = envVars(props.env);

    new k8s.KubeDeployment(this, 'deployment', {
      metadata: { name: svc.name, labels },
      spec: {
        // With an HPA the autoscaler owns the replica count; setting it here would fight every apply.
        ...(svc.autoscaling ? {} : { replicas: svc.replicas }),
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
        template: {
          metadata: { labels, annotations: scrapeAnnotations(svc.port, svc.metricsPath) },
          spec: {
            serviceAccountName: sa.name,
            automountServiceAccountToken: false,
            securityContext: podSecurityContext({ user: svc.runAsUser, group: svc.runAsGroup, fsGroup: svc.runAsGroup }),
            // podinfo turns not-ready on SIGTERM and drains before it exits.
            terminationGracePeriodSeconds: 30,
            topologySpreadConstraints: spreadOverNodes(selector),
            containers: [
              {
                name: 'app',
                image: svc.image,
                imagePullPolicy: props.imagePullPolicy,
                command: svc.command ?? ['./podinfo'],
                args: svc.command
                  ? svc.args ?? []
                  : [
                      `--port=${svc.port}`,
                      '--level=info',
                      '--data-path=/data',
                      ...(cacheUrl ? [`--cache-server=${cacheUrl}`] : []),
                      // podinfo's /api/echo POSTs the body to each backend: a real call to the callee.
                      ...props.calls.map((c) => `--backend-url=${c.url}/api/echo`),
                      ...(svc.args ?? []),
                    ],
                ...(env.length > 0 ? { env } : {}),
                ports: [{ name: 'http', containerPort: svc.port, protocol: 'TCP' }],
                resources: containerResources(svc.resources),
                securityContext: containerSecurityContext({ user: svc.runAsUser, group: svc.runAsGroup }),
                startupProbe: httpProbe(svc.livenessPath, 'http', { periodSeconds: 2, failureThreshold: 30 }),
                livenessProbe: httpProbe(svc.livenessPath, 'http'),
                readinessProbe: httpProbe(svc.readinessPath, 'http', { periodSeconds: 5 }),
                volumeMounts: [
                  { name: 'data', mountPath: '/data' },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'data', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } },
            ],
          },
        },
      },
    });

    singlePortService(this, 'service', { name: svc.name, labels, selector, portName: 'http', port: svc.port });

    disruptionBudget(this, svc.name, labels, selector);

    if (svc.autoscaling) {
      new k8s.KubeHorizontalPodAutoscalerV2(this, 'hpa', {
        metadata: { name: svc.name, labels },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: svc.name },
          minReplicas: svc.autoscaling.minReplicas,
          maxReplicas: svc.autoscaling.maxReplicas,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: svc.autoscaling.targetCPUUtilizationPercentage } },
            },
          ],
        },
      });
    }

    // The gateway, its callers and Prometheus in; DNS, its datastore, the bus, its callees and the auth service's keys out.
    new NetworkPolicy(this, 'network-policy', props.policy);
  }
}
