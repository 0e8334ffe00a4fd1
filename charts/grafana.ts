import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import type { Config } from '../config/schema';
import type { EnvironmentModel } from '../model/environment';
import { checksum } from '../constructs/checksum';
import { appDeployment } from '../constructs/deployment';
import { recommendedLabels } from '../lib/labels';
import { NetworkPolicy } from '../constructs/network';
import { ENDPOINT, policyOf } from '../model/network';
import { containerResources, storedQuantity } from '../constructs/resources';
import { containerSecurityContext, podSecurityContext } from '../constructs/security';
import { disruptionBudget, httpProbe, ownServiceAccount, singlePortService, surgeRollout } from '../constructs/workload';
import * as k8s from '../imports/k8s';
import { GrafanaDashboard, grafanaDashboards } from '../monitoring/dashboards';
import { DASHBOARDS_DIR, dashboardProviderProvisioning, datasourceProvisioning } from '../monitoring/grafana-provisioning';

/** Grafana's writable state (sqlite database, plugins, sessions): an emptyDir, or a volume with persistence on. */
export const DATA_DIR = '/var/lib/grafana';
export const PROVISIONING_DIR = '/etc/grafana/provisioning';
/** The admin Secret's two keys, mounted as files Grafana itself reads (see the env below). */
export const ADMIN_DIR = '/etc/grafana/admin';
const ADMIN_USER_FILE = 'admin-user';
const ADMIN_PASSWORD_FILE = 'admin-password';
const HEALTH_PATH = '/api/health';

/** `<uid>.json` → dashboard JSON, the data of the dashboards ConfigMap. */
export function dashboardFiles(dashboards: readonly GrafanaDashboard[]): Record<string, string> {
  return Object.fromEntries(dashboards.map((d) => [`${d.uid}.json`, `${JSON.stringify(d.model, null, 2)}\n`]));
}

/**
 * Settings as GF_<SECTION>_<KEY> variables. The admin login is `$__file{…}`: Grafana expands it
 * itself from the mounted Secret, so the password is never in the pod spec nor in any process
 * environment (the image's `__FILE` convention would export it into the environment first).
 */
function grafanaEnv(config: Config): k8s.EnvVar[] {
  const g = config.monitoring.grafana;
  const settings: Array<[string, string]> = [
    ['GF_PATHS_DATA', DATA_DIR],
    ['GF_PATHS_PLUGINS', `${DATA_DIR}/plugins`],
    // Logs go to stdout (the image's run.sh sets log.mode=console); this directory stays empty.
    ['GF_PATHS_LOGS', '/tmp/grafana-logs'],
    ['GF_PATHS_PROVISIONING', PROVISIONING_DIR],
    ['GF_SERVER_HTTP_PORT', String(g.port)],
    ['GF_SECURITY_ADMIN_USER', `$__file{${ADMIN_DIR}/${ADMIN_USER_FILE}}`],
    ['GF_SECURITY_ADMIN_PASSWORD', `$__file{${ADMIN_DIR}/${ADMIN_PASSWORD_FILE}}`],
    ['GF_SECURITY_DISABLE_GRAVATAR', 'true'],
    ['GF_AUTH_ANONYMOUS_ENABLED', 'false'],
    ['GF_USERS_ALLOW_SIGN_UP', 'false'],
    ['GF_USERS_ALLOW_ORG_CREATE', 'false'],
    // Nothing phones home: the NetworkPolicy allows no internet egress anyway, so these calls would
    // only fail and fill the log (and the plugin preinstaller would retry at every start).
    ['GF_ANALYTICS_REPORTING_ENABLED', 'false'],
    ['GF_ANALYTICS_CHECK_FOR_UPDATES', 'false'],
    ['GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES', 'false'],
    ['GF_ANALYTICS_FEEDBACK_LINKS_ENABLED', 'false'],
    ['GF_NEWS_NEWS_FEED_ENABLED', 'false'],
    ['GF_PLUGINS_PREINSTALL_DISABLED', 'true'],
    ['GF_PLUGINS_PUBLIC_KEY_RETRIEVAL_DISABLED', 'true'],
    ['GF_SNAPSHOTS_EXTERNAL_ENABLED', 'false'],
  ];
  return settings.map(([name, value]) => ({ name, value }));
}

/**
 * Grafana, hardened: numeric non-root, read-only root filesystem, no chown init container (the
 * upstream chart's most reported failure), datasource and dashboards provisioned from code,
 * admin login from a Secret the user creates, stateless unless persistence is switched on.
 */
export class GrafanaChart extends Chart {
  constructor(scope: Construct, id: string, props: { model: EnvironmentModel }) {
    const model = props.model;
    const config = model.config;
    const g = config.monitoring.grafana;
    super(scope, id, { namespace: config.namespaces.monitoring, disableResourceNameHashes: true });

    const labels = recommendedLabels(model.grafana.identity);
    const selector = model.grafana.pods;

    const datasourcesYaml = stringify(datasourceProvisioning(model));
    const providersYaml = stringify(dashboardProviderProvisioning(config));
    const datasources = new k8s.KubeConfigMap(this, 'datasources', {
      metadata: { name: model.grafana.datasources, labels },
      data: { 'datasources.yaml': datasourcesYaml },
    });
    const providers = new k8s.KubeConfigMap(this, 'dashboard-providers', {
      metadata: { name: model.grafana.dashboardProviders, labels },
      data: { 'dashboards.yaml': providersYaml },
    });
    const dashboards = new k8s.KubeConfigMap(this, 'dashboards', {
      metadata: { name: model.grafana.dashboards, labels },
      data: dashboardFiles(grafanaDashboards(config)),
    });

    const sa = ownServiceAccount(this, g.name, labels);

    let dataVolume: k8s.Volume;
    if (g.persistence.enabled) {
      const claim = new k8s.KubePersistentVolumeClaim(this, 'data', {
        metadata: { name: model.grafana.data, labels },
        spec: {
          accessModes: ['ReadWriteOnce'],
          ...(g.persistence.storageClassName ? { storageClassName: g.persistence.storageClassName } : {}),
          resources: { requests: { storage: storedQuantity(g.persistence.size) } },
        },
      });
      dataVolume = { name: 'data', persistentVolumeClaim: { claimName: claim.name } };
    } else {
      dataVolume = { name: 'data', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } };
    }

    appDeployment(this, 'deployment', {
      name: g.name,
      labels,
      selector,
      // One replica: each pod has its own sqlite database, so sessions would not follow a user across pods.
      replicas: 1,
      // A ReadWriteOnce volume cannot be attached to the new pod while the old one holds it.
      strategy: g.persistence.enabled
        ? { type: 'Recreate' }
        : surgeRollout(),
      // Grafana reads provisioning files only at start; dashboards reload by themselves (updateIntervalSeconds).
      podAnnotations: { 'container-infra/config-checksum': checksum(datasourcesYaml, providersYaml) },
      serviceAccountName: sa.name,
      // fsGroup makes a fresh volume writable by UID 472 through the kubelet, with no root chown container.
      securityContext: podSecurityContext({ user: g.runAsUser, group: g.runAsUser, fsGroup: g.runAsUser }),
      pod: {
        enableServiceLinks: false,
        containers: [
          {
            name: 'grafana',
            image: g.image,
            imagePullPolicy: config.imagePullPolicy,
            env: grafanaEnv(config),
            ports: [{ name: 'http', containerPort: g.port, protocol: 'TCP' }],
            resources: containerResources(g.resources),
            securityContext: containerSecurityContext({ user: g.runAsUser, group: g.runAsUser }),
            // A fresh database runs every migration at start: give it minutes, not seconds.
            startupProbe: httpProbe(HEALTH_PATH, 'http', { periodSeconds: 5, failureThreshold: 60 }),
            livenessProbe: httpProbe(HEALTH_PATH, 'http', { periodSeconds: 15, failureThreshold: 4 }),
            readinessProbe: httpProbe(HEALTH_PATH, 'http', { periodSeconds: 5 }),
            volumeMounts: [
              { name: 'data', mountPath: DATA_DIR },
              { name: 'tmp', mountPath: '/tmp' },
              { name: 'admin', mountPath: ADMIN_DIR, readOnly: true },
              { name: 'datasources', mountPath: `${PROVISIONING_DIR}/datasources`, readOnly: true },
              { name: 'dashboard-providers', mountPath: `${PROVISIONING_DIR}/dashboards`, readOnly: true },
              { name: 'dashboards', mountPath: DASHBOARDS_DIR, readOnly: true },
            ],
          },
        ],
        volumes: [
          dataVolume,
          { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
          {
            name: 'admin',
            secret: {
              secretName: g.adminSecret.name,
              // Readable by the grafana group (fsGroup) only.
              defaultMode: 0o440,
              items: [
                { key: g.adminSecret.userKey, path: ADMIN_USER_FILE },
                { key: g.adminSecret.passwordKey, path: ADMIN_PASSWORD_FILE },
              ],
            },
          },
          { name: 'datasources', configMap: { name: datasources.name } },
          { name: 'dashboard-providers', configMap: { name: providers.name } },
          { name: 'dashboards', configMap: { name: dashboards.name } },
        ],
      },
    });

    singlePortService(this, 'service', { name: g.name, labels, selector, portName: 'http', port: g.port });

    disruptionBudget(this, g.name, labels, selector);

    new NetworkPolicy(this, 'network-policy', policyOf(model.network, ENDPOINT.grafana));
  }
}
