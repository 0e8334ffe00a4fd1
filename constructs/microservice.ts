import { Construct } from 'constructs';
import { AUTH_JWKS_ENV, calleeEnvName, type MicroserviceConfig } from '../config/schema/microservices';
import * as k8s from '../imports/k8s';
import { imageVersion, Identity, Labels, recommendedLabels, selectorLabels } from '../lib/labels';
import { AllowPolicy, ClusterDns, dnsEgress, namespacedPodPeer, podPeer, tcp } from './network';
import { datastoreName } from '../model/datastore-name';
import { RedisDatastore } from './redis-datastore';
import { containerResources } from './resources';
import { containerSecurityContext, podSecurityContext } from './security';
import { disruptionBudget, httpProbe, ownServiceAccount, scrapeAnnotations, singlePortService, spreadOverNodes } from './workload';

export interface MicroserviceProps {
  readonly service: MicroserviceConfig;
  readonly namespace: string;
  readonly partOf: string;
  readonly imagePullPolicy: string;
  readonly clusterDomain: string;
  readonly dns: ClusterDns;
  /** Pods (same namespace) allowed to call the service: the API gateway. */
  readonly clients: Labels;
  /** Pods allowed to scrape metrics: Prometheus, in its namespace. */
  readonly scraper?: { readonly namespace: string; readonly labels: Labels };
  /** The event bus, when the service declares events: its NATS_* variables and where to reach it. */
  readonly events?: { readonly env: k8s.EnvVar[]; readonly pods: Labels; readonly port: number };
  /** The services it calls (its `calls`): each becomes `<NAME>_URL`, a podinfo backend and an egress rule. */
  readonly callees?: readonly ServiceEndpoint[];
  /** Pods of the services that call this one: each is an ingress rule on the service port. */
  readonly callers?: readonly Labels[];
  /** The auth service's public keys, for a service that verifies tokens itself: AUTH_JWKS_URL and an egress rule. */
  readonly authJwks?: { readonly url: string; readonly pods: Labels; readonly port: number };
}

/** Where a service is reached: its in-cluster URL (Service DNS), and its pods and port for policies. */
export interface ServiceEndpoint {
  readonly name: string;
  readonly url: string;
  readonly pods: Labels;
  readonly port: number;
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
    this.identity = { name: svc.name, instance: svc.name, component: 'microservice', partOf: props.partOf, version: imageVersion(svc.image) };
    const labels = recommendedLabels(this.identity);
    const selector = selectorLabels(this.identity);

    if (svc.datastore.enabled) {
      this.datastore = new RedisDatastore(this, 'datastore', {
        name: datastoreName(svc.name),
        datastore: svc.datastore,
        partOf: props.partOf,
        imagePullPolicy: props.imagePullPolicy,
        owner: selector,
        scraper: props.scraper,
      });
    }
    const cacheUrl = this.datastore
      ? `tcp://${this.datastore.identity.instance}.${props.namespace}.svc.${props.clusterDomain}:${this.datastore.port}`
      : undefined;

    const callees = props.callees ?? [];
    const sa = ownServiceAccount(this, svc.name, labels);
    const env: k8s.EnvVar[] = [
      // Any image can learn where its datastore is; podinfo also gets it as --cache-server.
      ...(cacheUrl ? [{ name: 'DATASTORE_URL', value: cacheUrl }] : []),
      // An empty value is written as no value: the API server drops `value: ""` (it reads the same).
      ...(svc.message !== undefined ? [svc.message === '' ? { name: 'PODINFO_UI_MESSAGE' } : { name: 'PODINFO_UI_MESSAGE', value: svc.message }] : []),
      ...Object.keys(svc.env).sort().map((name) => (svc.env[name] === '' ? { name } : { name, value: svc.env[name] })),
      // NATS_URL, NATS_USER, NATS_PASSWORD (its own password only, from the Secret), NATS_INBOX_PREFIX, NATS_JS_API_PREFIX.
      ...(props.events?.env ?? []),
      // Service discovery through cluster DNS: any image reads where each callee is.
      ...callees.map((c) => ({ name: calleeEnvName(c.name), value: c.url })),
      ...(props.authJwks ? [{ name: AUTH_JWKS_ENV, value: props.authJwks.url }] : []),
    ];

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
                      ...callees.map((c) => `--backend-url=${c.url}/api/echo`),
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

    new AllowPolicy(this, 'network-policy', {
      name: svc.name,
      labels,
      podSelector: selector,
      ingress: [
        { from: [podPeer(props.clients)], ports: [tcp(svc.port)] },
        ...(props.callers ?? []).map((pods) => ({ from: [podPeer(pods)], ports: [tcp(svc.port)] })),
        ...(props.scraper ? [{ from: [namespacedPodPeer(props.scraper.namespace, props.scraper.labels)], ports: [tcp(svc.port)] }] : []),
      ],
      egress: [
        dnsEgress(props.dns),
        ...(this.datastore ? [{ to: [podPeer(selectorLabels(this.datastore.identity))], ports: [tcp(this.datastore.port)] }] : []),
        ...(props.events ? [{ to: [podPeer(props.events.pods)], ports: [tcp(props.events.port)] }] : []),
        ...callees.map((c) => ({ to: [podPeer(c.pods)], ports: [tcp(c.port)] })),
        ...(props.authJwks ? [{ to: [podPeer(props.authJwks.pods)], ports: [tcp(props.authJwks.port)] }] : []),
      ],
    });
  }
}
