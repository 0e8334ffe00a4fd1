import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { EnvironmentModel } from '../model/environment';
import { recommendedLabels } from '../lib/labels';
import { DefaultDenyPolicy, NetworkPolicy } from '../constructs/network';
import { defaultDenyOf, ENDPOINT, policyOf } from '../model/network';

import { renderYaml } from '../constructs/prometheus-config';
import { clusterReadAccess, namespaceReadAccess } from '../constructs/rbac';
import { containerResources } from '../constructs/resources';
import { containerSecurityContext, podSecurityContext } from '../constructs/security';
import { disruptionBudget, httpProbe, singlePortService } from '../constructs/workload';
import { SingleInstanceStatefulSet } from '../constructs/single-instance-statefulset';
import * as k8s from '../imports/k8s';
import { alertRuleFile } from './alert-rules';
import {
  ALERT_RULES_FILE,
  PROMETHEUS_CONFIG_DIR,
  PROMETHEUS_CONFIG_FILE,
  PROMETHEUS_RULES_DIR,
  prometheusConfig,
} from './prometheus-config';

const DATA_DIR = '/prometheus';

/**
 * Prometheus: one replica as a StatefulSet with its own volume (a ReadWriteOnce volume under a
 * rolling Deployment deadlocks), its configuration and alert rules generated as data, and a
 * sidecar that makes it reload them when the ConfigMaps change.
 */
export class PrometheusChart extends Chart {
  constructor(scope: Construct, id: string, props: { model: EnvironmentModel }) {
    const model = props.model;
    const config = model.config;
    const p = config.monitoring.prometheus;
    const namespace = config.namespaces.monitoring;
    super(scope, id, { namespace, disableResourceNameHashes: true });

    const identity = model.prometheus.identity;
    const labels = recommendedLabels(identity);
    const selector = model.prometheus.pods;

    // The monitoring namespace: nothing flows unless a policy below (or Grafana's) allows it.
    new DefaultDenyPolicy(this, 'default-deny', defaultDenyOf(model.network, namespace));

    const sa = new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: { name: p.name, labels },
      // Prometheus talks to the Kubernetes API (discovery) and to kubelets with this token.
      automountServiceAccountToken: true,
    });
    // Cluster-scoped discovery: nodes (kubelet and cAdvisor targets) and the kubelet's metrics.
    clusterReadAccess(this, 'discovery', {
      name: model.prometheus.clusterRole,
      labels,
      serviceAccount: sa.name,
      namespace,
      rules: [
        { apiGroup: '', resources: ['nodes'] },
        { apiGroup: '', resources: ['nodes/metrics'], verbs: ['get'] },
      ],
    });
    // Pod discovery only in the namespaces it scrapes pods in.
    for (const target of [...new Set([config.namespaces.apps, namespace, config.namespaces.nodeMonitoring])]) {
      namespaceReadAccess(this, `pods-${target}`, {
        name: model.prometheus.discovery,
        namespace: target,
        labels,
        serviceAccount: sa.name,
        serviceAccountNamespace: namespace,
        rules: [{ apiGroup: '', resources: ['pods'] }],
      });
    }

    const configText = renderYaml(prometheusConfig(model));
    const rulesText = renderYaml(alertRuleFile(config));
    const configMap = new k8s.KubeConfigMap(this, 'config', {
      metadata: { name: model.prometheus.configMap, labels },
      data: { [PROMETHEUS_CONFIG_FILE]: configText },
    });
    const rulesMap = new k8s.KubeConfigMap(this, 'rules', {
      metadata: { name: model.prometheus.rules, labels },
      data: { [ALERT_RULES_FILE]: rulesText },
    });

    const service = singlePortService(this, 'service', { name: p.name, labels, selector, portName: 'http-web', port: p.port });

    const configMounts: k8s.VolumeMount[] = [
      { name: 'config', mountPath: PROMETHEUS_CONFIG_DIR, readOnly: true },
      { name: 'rules', mountPath: PROMETHEUS_RULES_DIR, readOnly: true },
    ];
    const local = `http://127.0.0.1:${p.port}`;

    new SingleInstanceStatefulSet(this, 'statefulset', {
      name: p.name,
      identity,
      serviceName: service.name,
      pod: {
        // No config checksum here on purpose: the reloader applies a changed ConfigMap in place
        // (SIGHUP), which keeps the in-memory head block and avoids a WAL replay on every change.
        metadata: { labels },
        spec: {
          serviceAccountName: sa.name,
          automountServiceAccountToken: true,
          // Lets the reloader send SIGHUP to the prometheus process: reload without enabling
          // --web.enable-lifecycle, which would also expose /-/quit to anyone reaching the port.
          shareProcessNamespace: true,
          // fsGroup makes the volume group-writable for the image's non-root user, with no chown
          // init container (the upstream chart's "queries.active: permission denied").
          securityContext: podSecurityContext({ user: p.runAsUser, group: p.runAsGroup, fsGroup: p.runAsGroup }),
          // Time to flush the head block to disk on shutdown.
          terminationGracePeriodSeconds: 120,
          containers: [
            {
              name: 'prometheus',
              image: p.image,
              imagePullPolicy: config.imagePullPolicy,
              args: [
                `--config.file=${PROMETHEUS_CONFIG_DIR}/${PROMETHEUS_CONFIG_FILE}`,
                `--storage.tsdb.path=${DATA_DIR}`,
                `--storage.tsdb.retention.time=${p.retention.time}`,
                `--storage.tsdb.retention.size=${p.retention.size}`,
                `--web.listen-address=:${p.port}`,
              ],
              ports: [{ name: 'http-web', containerPort: p.port, protocol: 'TCP' }],
              resources: containerResources(p.resources),
              securityContext: containerSecurityContext({ user: p.runAsUser, group: p.runAsGroup }),
              // Replaying a large WAL after a crash can take minutes: up to 10 before liveness counts.
              startupProbe: httpProbe('/-/ready', 'http-web', { periodSeconds: 10, failureThreshold: 60, timeoutSeconds: 3 }),
              livenessProbe: httpProbe('/-/healthy', 'http-web', { periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 4 }),
              readinessProbe: httpProbe('/-/ready', 'http-web', { periodSeconds: 10, timeoutSeconds: 3 }),
              volumeMounts: [...configMounts, { name: 'data', mountPath: DATA_DIR }],
            },
            {
              name: 'config-reloader',
              image: p.reloader.image,
              imagePullPolicy: config.imagePullPolicy,
              args: [
                `--watched-dir=${PROMETHEUS_CONFIG_DIR}`,
                `--watched-dir=${PROMETHEUS_RULES_DIR}`,
                '--reload-method=signal',
                `--runtimeinfo-url=${local}/api/v1/status/runtimeinfo`,
                '--watch-interval=1m',
                `--listen-address=:${p.reloader.port}`,
              ],
              ports: [{ name: 'reloader', containerPort: p.reloader.port, protocol: 'TCP' }],
              resources: containerResources(p.reloader.resources),
              // Same UID as prometheus: a process may only signal processes of its own user.
              securityContext: containerSecurityContext({ user: p.runAsUser, group: p.runAsGroup }),
              livenessProbe: httpProbe('/healthz', 'reloader', { periodSeconds: 30 }),
              readinessProbe: httpProbe('/healthz', 'reloader', { periodSeconds: 30 }),
              volumeMounts: configMounts,
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: configMap.name } },
            { name: 'rules', configMap: { name: rulesMap.name } },
          ],
        },
      },
      claims: { data: p.storage },
    });

    disruptionBudget(this, p.name, labels, selector);

    // Egress: exactly the scrape targets, the API server, the kubelets and DNS.
    new NetworkPolicy(this, 'network-policy', policyOf(model.network, ENDPOINT.prometheus));
  }
}
