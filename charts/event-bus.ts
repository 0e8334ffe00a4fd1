import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { EnvironmentModel } from '../model/environment';
import { ADMIN_USER } from '../config/schema/events';
import { NATS_CLIENT_ENV, natsUser } from '../model/nats';
import { definitionsHash, jetStreamFiles, STREAMS_SCRIPT } from '../constructs/jetstream-objects';
import { Identity, recommendedLabels, selectorLabels } from '../lib/labels';
import { LAME_DUCK_GRACE_SECONDS, LAME_DUCK_SECONDS, NATS_CONFIG_DIR, NATS_CONFIG_FILE, NATS_PID_DIR, NATS_STORE_DIR, natsServerConfig, renderNatsConfig } from '../constructs/nats-config';
import { smokePair } from '../model/nats';
import { natsClientEnv } from '../model/env';
import { envVars, secretEnv } from '../constructs/env';
import { NetworkPolicy } from '../constructs/network';
import { ENDPOINT, policyOf } from '../model/network';
import { containerResources } from '../constructs/resources';
import { containerSecurityContext, podSecurityContext } from '../constructs/security';
import { disruptionBudget, httpProbe, ownServiceAccount, scrapeAnnotations, singlePortService } from '../constructs/workload';
import * as k8s from '../imports/k8s';
import { asStoredClaimTemplates, claimTemplate } from '../constructs/claim-template';

const PORT_NAMES = { client: 'nats', cluster: 'cluster', monitor: 'monitor', metrics: 'metrics' } as const;
const METRICS_PATH = '/metrics';


/**
 * The event bus: NATS with JetStream as a StatefulSet (a file store per server on its own volume;
 * 1 server, or a cluster routed over a headless Service), the prometheus-nats-exporter sidecar,
 * a Job that applies the declared streams and consumers, and NetworkPolicies that admit only the
 * services that declare events. Who may publish and consume what is in nats.conf, derived from the
 * same declarations (model/nats.ts, rendered by constructs/nats-config.ts).
 */
export class EventBusChart extends Chart {
  constructor(scope: Construct, id: string, props: { model: EnvironmentModel }) {
    const model = props.model;
    const config = model.config;
    super(scope, id, { namespace: config.namespaces.apps, disableResourceNameHashes: true });
    const e = config.events;
    const identity = model.events.identity;
    const labels = recommendedLabels(identity);
    const selector = selectorLabels(identity);
    const clustered = e.replicas > 1;
    const headlessName = model.events.headless;
    const configMapName = model.events.configMap;
    const sa = ownServiceAccount(this, e.name, labels);

    const natsConf = renderNatsConfig(natsServerConfig(model));
    new k8s.KubeConfigMap(this, 'config', { metadata: { name: configMapName, labels }, data: { [NATS_CONFIG_FILE]: natsConf } });

    singlePortService(this, 'service', { name: e.name, labels, selector, portName: PORT_NAMES.client, port: e.ports.client });
    new k8s.KubeService(this, 'headless', {
      metadata: { name: headlessName, labels },
      spec: {
        clusterIp: 'None',
        // Routes must resolve while the servers are still forming the cluster (not yet ready).
        publishNotReadyAddresses: true,
        selector,
        ports: [
          { name: PORT_NAMES.client, port: e.ports.client, targetPort: k8s.IntOrString.fromString(PORT_NAMES.client), protocol: 'TCP' },
          ...(clustered ? [{ name: PORT_NAMES.cluster, port: e.ports.cluster, targetPort: k8s.IntOrString.fromString(PORT_NAMES.cluster), protocol: 'TCP' }] : []),
        ],
      },
    });

    const passwords = model.events.users.map((u) => secretEnv(u.passwordEnv, { name: config.events.secretName, key: u.secretKey }));
    const claimLabels = recommendedLabels({ ...identity, version: undefined });
    const statefulSet = new k8s.KubeStatefulSet(this, 'statefulset', {
      metadata: { name: e.name, labels },
      spec: {
        serviceName: headlessName,
        replicas: e.replicas,
        selector: { matchLabels: selector },
        // All servers start together: a JetStream cluster needs a quorum before any is healthy.
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate' },
        template: {
          metadata: { labels, annotations: scrapeAnnotations(e.ports.metrics, METRICS_PATH) },
          spec: {
            serviceAccountName: sa.name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: podSecurityContext({ user: e.runAsUser, group: e.runAsGroup, fsGroup: e.runAsGroup }),
            // Lame duck (grace + duration) and shutdown must fit.
            terminationGracePeriodSeconds: LAME_DUCK_GRACE_SECONDS + LAME_DUCK_SECONDS + 20,
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
            ],
            containers: [
              {
                name: 'nats',
                image: e.image,
                imagePullPolicy: config.imagePullPolicy,
                args: ['--config', `${NATS_CONFIG_DIR}/${NATS_CONFIG_FILE}`],
                env: [
                  { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
                  { name: 'SERVER_NAME', value: '$(POD_NAME)' },
                  // The Go runtime collects before the container limit is reached.
                  { name: 'GOMEMLIMIT', valueFrom: { resourceFieldRef: { containerName: 'nats', resource: 'limits.memory', divisor: k8s.Quantity.fromString('0') } } },
                  ...passwords,
                ],
                ports: [
                  { name: PORT_NAMES.client, containerPort: e.ports.client, protocol: 'TCP' },
                  ...(clustered ? [{ name: PORT_NAMES.cluster, containerPort: e.ports.cluster, protocol: 'TCP' }] : []),
                  { name: PORT_NAMES.monitor, containerPort: e.ports.monitor, protocol: 'TCP' },
                ],
                resources: containerResources(e.resources),
                securityContext: containerSecurityContext({ user: e.runAsUser, group: e.runAsGroup }),
                // As upstream's chart: plain health to start; ready once JetStream runs on this
                // server; restarted only when JetStream is off (not on a cluster-wide problem).
                startupProbe: httpProbe('/healthz', PORT_NAMES.monitor, { periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 90 }),
                readinessProbe: httpProbe('/healthz?js-server-only=true', PORT_NAMES.monitor, { timeoutSeconds: 5 }),
                livenessProbe: httpProbe('/healthz?js-enabled-only=true', PORT_NAMES.monitor, { periodSeconds: 30, timeoutSeconds: 5 }),
                // Lame duck: stop taking clients and move the connected ones away before SIGTERM.
                lifecycle: { preStop: { exec: { command: ['nats-server', `--signal`, `ldm=${NATS_PID_DIR}/nats.pid`] } } },
                volumeMounts: [
                  { name: 'config', mountPath: NATS_CONFIG_DIR, readOnly: true },
                  { name: 'pid', mountPath: NATS_PID_DIR },
                  { name: 'data', mountPath: NATS_STORE_DIR },
                ],
              },
              {
                name: 'exporter',
                image: e.exporterImage,
                imagePullPolicy: config.imagePullPolicy,
                args: [
                  `-port=${e.ports.metrics}`,
                  '-varz',
                  '-jsz=all',
                  '-healthz_js_enabled_only',
                  '-prefix=nats',
                  '-use_internal_server_id',
                  `http://localhost:${e.ports.monitor}`,
                ],
                ports: [{ name: PORT_NAMES.metrics, containerPort: e.ports.metrics, protocol: 'TCP' }],
                resources: containerResources(e.exporterResources),
                securityContext: containerSecurityContext({ user: e.runAsUser, group: e.runAsGroup }),
                // Its only endpoint is /metrics, which queries the server: a TCP check is enough.
                // It listens only once the server's /varz answers: give it the server's start-up time.
                startupProbe: { tcpSocket: { port: k8s.IntOrString.fromString(PORT_NAMES.metrics) }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 90 },
                readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromString(PORT_NAMES.metrics) }, periodSeconds: 10, timeoutSeconds: 2 },
                livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString(PORT_NAMES.metrics) }, periodSeconds: 20, timeoutSeconds: 2, failureThreshold: 3 },
              },
            ],
            volumes: [
              { name: 'config', configMap: { name: configMapName } },
              { name: 'pid', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Mi') } },
            ],
          },
        },
        volumeClaimTemplates: [claimTemplate('data', claimLabels, e.storage)],
      },
    });
    asStoredClaimTemplates(statefulSet);

    disruptionBudget(this, e.name, labels, selector);

    new NetworkPolicy(this, 'network-policy', policyOf(model.network, ENDPOINT.events));

    const files = jetStreamFiles(model);
    new NatsBoxJob(this, 'streams', {
      model,
      endpoint: ENDPOINT.eventsStreamsJob,
      identity: model.events.streams.identity,
      name: `${model.events.streams.name}-${definitionsHash(files)}`,
      files,
      env: [...envVars(natsClientEnv(model.events.clientUrl, e.secretName, natsUser(model.events, ADMIN_USER))), { name: 'DEFS', value: '/etc/nats-streams' }],
      script: STREAMS_SCRIPT,
    });

    const pair = smokePair(model.events.users);
    if (e.smoke.enabled && pair) {
      const script = smokeScript();
      const { publisher: pub, consumer: sub } = pair;
      const env: k8s.EnvVar[] = [
        { name: NATS_CLIENT_ENV.url, value: model.events.clientUrl },
        { name: 'SUBJECT', value: pair.subject },
        { name: 'STREAM', value: pair.stream },
        { name: 'DURABLE', value: pair.durable },
        { name: 'PUB_USER', value: pub.user },
        secretEnv('PUB_PASSWORD', { name: e.secretName, key: pub.secretKey }),
        { name: 'PUB_INBOX_PREFIX', value: pub.inboxPrefix },
        { name: 'SUB_USER', value: sub.user },
        secretEnv('SUB_PASSWORD', { name: e.secretName, key: sub.secretKey }),
        { name: 'SUB_INBOX_PREFIX', value: sub.inboxPrefix },
        { name: 'SUB_JS_API_PREFIX', value: sub.jsApiPrefix },
      ];
      new NatsBoxJob(this, 'smoke', {
        model,
        endpoint: ENDPOINT.eventsSmokeJob,
        identity: model.events.smoke.identity,
        name: `${model.events.smoke.name}-${definitionsHash({ script, env: JSON.stringify(env) })}`,
        env,
        script,
      });
    }
  }
}

/**
 * Publish one event as the publisher through JetStream (the command fails unless the stream
 * acknowledges it), then, as the consumer, read its durable's state through its own API prefix:
 * both identities reach the bus and the event is stored for the durable. The Job does not pull
 * the event (it would take it, and any other pending one, from the service). The event carries a
 * `Smoke-Test` header: durable consumers receive it and should skip it.
 */
function smokeScript(): string {
  return `set -eu
nats --user "$PUB_USER" --password "$PUB_PASSWORD" --inbox-prefix "$PUB_INBOX_PREFIX" pub "$SUBJECT" '{"smoke":true}' --jetstream -H Smoke-Test:true
nats --user "$SUB_USER" --password "$SUB_PASSWORD" --inbox-prefix "$SUB_INBOX_PREFIX" --js-api-prefix "$SUB_JS_API_PREFIX" consumer info "$STREAM" "$DURABLE"
echo "$PUB_USER published to $SUBJECT (stored in $STREAM) and $SUB_USER reads its durable $DURABLE"
`;
}

interface NatsBoxJobProps {
  readonly model: EnvironmentModel;
  /** Its pods' endpoint in the model's network (model/network.ts). */
  readonly endpoint: string;
  readonly identity: Identity;
  /** Named by a hash of what it applies: a new definition is a new Job, the same one is unchanged. */
  readonly name: string;
  readonly env: k8s.EnvVar[];
  readonly script: string;
  /** Files mounted at /etc/nats-streams (an immutable ConfigMap named like the Job). */
  readonly files?: Record<string, string>;
}

/** A hardened one-shot nats-box pod that reaches only the bus's client port. */
class NatsBoxJob extends Construct {
  constructor(scope: Construct, id: string, props: NatsBoxJobProps) {
    super(scope, id);
    const { model, identity } = props;
    const config = model.config;
    const e = config.events;
    const labels = recommendedLabels(identity);
    const sa = ownServiceAccount(this, identity.instance, labels);
    if (props.files) new k8s.KubeConfigMap(this, 'definitions', { metadata: { name: props.name, labels }, immutable: true, data: props.files });
    new k8s.KubeJob(this, 'job', {
      metadata: { name: props.name, labels },
      spec: {
        backoffLimit: 4,
        activeDeadlineSeconds: 900,
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: sa.name,
            automountServiceAccountToken: false,
            restartPolicy: 'Never',
            securityContext: podSecurityContext({ user: e.runAsUser, group: e.runAsGroup }),
            containers: [
              {
                name: 'nats-box',
                image: e.boxImage,
                imagePullPolicy: config.imagePullPolicy,
                command: ['/bin/sh', '-c', props.script],
                // The nats CLI reads NATS_URL / NATS_USER / NATS_PASSWORD, and keeps its state under HOME.
                env: [...props.env, { name: 'HOME', value: '/tmp' }],
                resources: containerResources(e.jobResources),
                securityContext: containerSecurityContext({ user: e.runAsUser, group: e.runAsGroup }),
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...(props.files ? [{ name: 'definitions', mountPath: '/etc/nats-streams', readOnly: true }] : [])],
              },
            ],
            volumes: [
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } },
              ...(props.files ? [{ name: 'definitions', configMap: { name: props.name } }] : []),
            ],
          },
        },
      },
    });
    new NetworkPolicy(this, 'network-policy', policyOf(model.network, props.endpoint));
  }
}
