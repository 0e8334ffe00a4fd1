import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { Config } from '../config/schema';
import type { EnvironmentModel } from '../model/environment';
import { checksum } from '../constructs/checksum';
import { appDeployment } from '../constructs/deployment';
import { recommendedLabels } from '../lib/labels';
import { NetworkPolicy } from '../constructs/network';
import { ENDPOINT, policyOf } from '../model/network';
import { renderYaml } from '../constructs/prometheus-config';
import { containerResources } from '../constructs/resources';
import { containerSecurityContext, podSecurityContext } from '../constructs/security';
import { disruptionBudget, httpProbe, ownServiceAccount, singlePortService } from '../constructs/workload';
import * as k8s from '../imports/k8s';
import { ALERTMANAGER_PORT_NAME } from './prometheus-config';

export const ALERTMANAGER_CONFIG_DIR = '/etc/alertmanager/config';
export const ALERTMANAGER_CONFIG_FILE = 'alertmanager.yml';
/** Where the user's receiver Secret is mounted; the URL is read from a file, never put in the config. */
export const RECEIVER_SECRET_DIR = '/etc/alertmanager/receiver';
const DATA_DIR = '/alertmanager';

/** The subset of alertmanager.yml this project writes. */
export interface AlertmanagerConfig {
  readonly route: {
    readonly receiver: string;
    readonly group_by: readonly string[];
    readonly group_wait: string;
    readonly group_interval: string;
    readonly repeat_interval: string;
  };
  readonly inhibit_rules: ReadonlyArray<{ readonly source_matchers: readonly string[]; readonly target_matchers: readonly string[]; readonly equal: readonly string[] }>;
  readonly receivers: ReadonlyArray<{
    readonly name: string;
    readonly slack_configs?: ReadonlyArray<{ readonly api_url_file: string; readonly channel?: string; readonly send_resolved: boolean }>;
    readonly webhook_configs?: ReadonlyArray<{ readonly url_file: string; readonly send_resolved: boolean }>;
  }>;
}

export const NULL_RECEIVER = 'null';

/** alertmanager.yml, as data: every alert to the configured receiver, or to nowhere by default. */
export function alertmanagerConfig(config: Config): AlertmanagerConfig {
  const am = config.monitoring.alertmanager;
  const r = am.receiver;
  const urlFile = `${RECEIVER_SECRET_DIR}/${r.secretKey}`;
  const receivers: AlertmanagerConfig['receivers'] = [
    { name: NULL_RECEIVER },
    ...(r.type === 'slack'
      ? [{ name: 'slack', slack_configs: [{ api_url_file: urlFile, ...(r.slackChannel ? { channel: r.slackChannel } : {}), send_resolved: r.sendResolved }] }]
      : []),
    ...(r.type === 'webhook' ? [{ name: 'webhook', webhook_configs: [{ url_file: urlFile, send_resolved: r.sendResolved }] }] : []),
  ];
  return {
    route: {
      receiver: r.type === 'none' ? NULL_RECEIVER : r.type,
      group_by: am.route.groupBy,
      group_wait: am.route.groupWait,
      group_interval: am.route.groupInterval,
      repeat_interval: am.route.repeatInterval,
    },
    // A critical alert makes the warning of the same name and namespace redundant.
    inhibit_rules: [{ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['alertname', 'namespace'] }],
    receivers,
  };
}

/**
 * Alertmanager: one replica (clustering off) that routes Prometheus' alerts to the receiver in
 * the configuration. Silences and notification state live in an emptyDir and are lost when the
 * pod is replaced; a changed configuration rolls the pod (config-checksum annotation).
 */
export class AlertmanagerChart extends Chart {
  constructor(scope: Construct, id: string, props: { model: EnvironmentModel }) {
    const model = props.model;
    const config = model.config;
    const am = config.monitoring.alertmanager;
    super(scope, id, { namespace: config.namespaces.monitoring, disableResourceNameHashes: true });

    const labels = recommendedLabels(model.alertmanager.identity);
    const selector = model.alertmanager.pods;
    const text = renderYaml(alertmanagerConfig(config));
    const withReceiverSecret = am.receiver.type !== 'none';

    const configMap = new k8s.KubeConfigMap(this, 'config', {
      metadata: { name: model.alertmanager.configMap, labels },
      data: { [ALERTMANAGER_CONFIG_FILE]: text },
    });
    const sa = ownServiceAccount(this, am.name, labels);

    appDeployment(this, 'deployment', {
      name: am.name,
      labels,
      selector,
      replicas: 1,
      // One replica with no shared state: never two Alertmanagers sending the same notifications.
      strategy: { type: 'Recreate' },
      podAnnotations: { 'container-infra/config-checksum': checksum(text) },
      serviceAccountName: sa.name,
      securityContext: podSecurityContext({ user: am.runAsUser, group: am.runAsGroup, fsGroup: am.runAsGroup }),
      pod: {
        containers: [
          {
            name: 'alertmanager',
            image: am.image,
            imagePullPolicy: config.imagePullPolicy,
            args: [
              `--config.file=${ALERTMANAGER_CONFIG_DIR}/${ALERTMANAGER_CONFIG_FILE}`,
              `--storage.path=${DATA_DIR}`,
              `--web.listen-address=:${am.port}`,
              // Empty: no gossip cluster (and no port 9094) for a single replica.
              '--cluster.listen-address=',
            ],
            ports: [{ name: ALERTMANAGER_PORT_NAME, containerPort: am.port, protocol: 'TCP' }],
            resources: containerResources(am.resources),
            securityContext: containerSecurityContext({ user: am.runAsUser, group: am.runAsGroup }),
            livenessProbe: httpProbe('/-/healthy', ALERTMANAGER_PORT_NAME),
            readinessProbe: httpProbe('/-/ready', ALERTMANAGER_PORT_NAME, { periodSeconds: 5 }),
            volumeMounts: [
              { name: 'config', mountPath: ALERTMANAGER_CONFIG_DIR, readOnly: true },
              { name: 'data', mountPath: DATA_DIR },
              ...(withReceiverSecret ? [{ name: 'receiver', mountPath: RECEIVER_SECRET_DIR, readOnly: true }] : []),
            ],
          },
        ],
        volumes: [
          { name: 'config', configMap: { name: configMap.name } },
          { name: 'data', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
          // Created by the user (docs/monitoring.md); not optional, so a missing Secret shows as
          // a pod stuck in ContainerCreating instead of alerts silently going nowhere.
          ...(withReceiverSecret ? [{ name: 'receiver', secret: { secretName: am.receiver.secretName, items: [{ key: am.receiver.secretKey, path: am.receiver.secretKey }] } }] : []),
        ],
      },
    });

    singlePortService(this, 'service', { name: am.name, labels, selector, portName: ALERTMANAGER_PORT_NAME, port: am.port });

    disruptionBudget(this, am.name, labels, selector);

    new NetworkPolicy(this, 'network-policy', policyOf(model.network, ENDPOINT.alertmanager));
  }
}
