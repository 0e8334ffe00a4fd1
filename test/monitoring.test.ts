import { parse } from 'yaml';
import { ALERTMANAGER_CONFIG_FILE, RECEIVER_SECRET_DIR } from '../charts/alertmanager';
import { alertRules } from '../charts/alert-rules';
import { KSM_API } from '../charts/kube-state-metrics';
import { JOBS, PROMETHEUS_CONFIG_FILE, prometheusConfig } from '../charts/prometheus-config';
import { grafanaPods, prometheusPods } from '../charts/selectors';
import { loadConfig, parseConfig } from '../config/load';
import { KSM_RESOURCES } from '../config/schema/monitoring';
import { quantityBytes as memoryBytes } from '../validate/quantity';
import { allContainers, configFrom, find, K8sObject, ofKind, podSpecOf, synthFiles, synthObjects, workloads } from './support/manifests';

const MONITORING_FILES = /-(prometheus|alertmanager|node-exporter|kube-state-metrics)\.k8s\.yaml$/;

function monitoringObjects(config = configFrom()): K8sObject[] {
  return [...synthFiles(config).entries()].filter(([f]) => MONITORING_FILES.test(f)).flatMap(([, o]) => o);
}

function cpuMillis(q: string): number {
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000;
}

function containerNamed(o: K8sObject, name: string): any {
  const c = allContainers(podSpecOf(o)).find((x) => x.name === name);
  if (!c) throw new Error(`no container ${name} in ${o.kind} ${o.metadata.name}`);
  return c;
}

describe('monitoring charts', () => {
  const config = configFrom();
  const objects = monitoringObjects(config);
  const ns = config.namespaces;

  test('are synthesized only when monitoring is enabled', () => {
    const off = monitoringObjects(configFrom({ monitoring: { enabled: false } }));
    expect(off).toHaveLength(0);
    expect(objects.length).toBeGreaterThan(0);
  });

  test('every container has CPU and memory requests and a memory limit', () => {
    for (const w of workloads(objects)) {
      for (const c of allContainers(podSpecOf(w))) {
        expect({ where: `${w.metadata.name}/${c.name}`, cpu: c.resources?.requests?.cpu, mem: c.resources?.requests?.memory, limit: c.resources?.limits?.memory }).toEqual({
          where: `${w.metadata.name}/${c.name}`,
          cpu: expect.any(String),
          mem: expect.any(String),
          limit: expect.any(String),
        });
      }
    }
  });

  test('every container runs hardened: numeric non-root user, read-only root, no escalation, no capabilities, RuntimeDefault seccomp', () => {
    for (const w of workloads(objects)) {
      const pod = podSpecOf(w);
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
      for (const c of allContainers(pod)) {
        const sc = c.securityContext;
        expect(sc.runAsUser).toBeGreaterThan(0);
        expect(sc.readOnlyRootFilesystem).toBe(true);
        expect(sc.allowPrivilegeEscalation).toBe(false);
        expect(sc.privileged).toBe(false);
        expect(sc.capabilities).toEqual({ drop: ['ALL'] });
        expect(c.image).toMatch(/:[^:]+$/);
        expect(c.image).not.toMatch(/:latest$/);
      }
    }
  });

  test('only node-exporter uses host namespaces or host paths, and only in the privileged namespace', () => {
    for (const w of workloads(objects)) {
      const pod = podSpecOf(w);
      const host = Boolean(pod.hostNetwork || pod.hostPID || pod.hostIPC || (pod.volumes ?? []).some((v: any) => v.hostPath));
      if (w.metadata.name === config.monitoring.nodeExporter.name) {
        expect(w.metadata.namespace).toBe(ns.nodeMonitoring);
        expect(host).toBe(true);
      } else {
        expect({ name: w.metadata.name, namespace: w.metadata.namespace, host }).toEqual({ name: w.metadata.name, namespace: ns.monitoring, host: false });
      }
    }
  });

  test('the whole default stack requests at most 0.4 vCPU and 800 MiB (Grafana gets the rest of 0.5 vCPU / 1 GiB)', () => {
    let cpu = 0;
    let mem = 0;
    for (const w of workloads(objects)) {
      for (const c of allContainers(podSpecOf(w))) {
        cpu += cpuMillis(c.resources.requests.cpu);
        mem += memoryBytes(c.resources.requests.memory);
      }
    }
    expect(cpu).toBeLessThanOrEqual(400);
    expect(mem).toBeLessThanOrEqual(800 * 1024 ** 2);
  });
});

describe('Prometheus', () => {
  const config = configFrom();
  const objects = synthObjects(config);
  const p = config.monitoring.prometheus;
  const ns = config.namespaces.monitoring;

  test('runs as a StatefulSet whose pods carry the labels the other namespaces let in', () => {
    const sts = find(objects, 'StatefulSet', p.name, ns);
    expect(sts.spec.template.metadata.labels).toMatchObject(prometheusPods(config));
    expect(sts.spec.selector.matchLabels).toEqual(prometheusPods(config));
    // The apps namespace policies admit exactly these labels (see charts/selectors.ts).
    const appPolicy = find(objects, 'NetworkPolicy', config.services[0].name, config.namespaces.apps);
    const peers = appPolicy.spec.ingress.flatMap((r: any) => r.from ?? []);
    const scraperPeer = peers.find((peer: any) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === ns);
    expect(sts.spec.template.metadata.labels).toMatchObject(scraperPeer.podSelector.matchLabels);
  });

  test('stores data on a volume of the configured size and class, writable through fsGroup without an init container', () => {
    const custom = configFrom({ monitoring: { prometheus: { storage: { size: '20Gi', storageClassName: 'fast-ssd' }, retention: { time: '30d', size: '15GB' } } } });
    const sts = find(synthObjects(custom), 'StatefulSet', p.name, ns);
    const claim = sts.spec.volumeClaimTemplates[0];
    expect(claim.spec.resources.requests.storage).toBe('20Gi');
    expect(claim.spec.storageClassName).toBe('fast-ssd');
    const pod = podSpecOf(sts);
    expect(pod.securityContext.fsGroup).toBe(custom.monitoring.prometheus.runAsGroup);
    expect(pod.initContainers).toBeUndefined();
    const args = containerNamed(sts, 'prometheus').args;
    expect(args).toContain('--storage.tsdb.retention.time=30d');
    expect(args).toContain('--storage.tsdb.retention.size=15GB');
    const dataMount = containerNamed(sts, 'prometheus').volumeMounts.find((m: any) => m.name === claim.metadata.name);
    expect(args).toContain(`--storage.tsdb.path=${dataMount.mountPath}`);
    // Immutable StatefulSet field: must not change with the image version.
    expect(claim.metadata.labels['app.kubernetes.io/version']).toBeUndefined();
  });

  test('rejects a retention size that does not fit the volume', () => {
    expect(() => parseConfig({ monitoring: { prometheus: { storage: { size: '2Gi' }, retention: { size: '4GB' } } } }, 't')).toThrow(
      /monitoring\.prometheus\.retention\.size: must be smaller than storage\.size/,
    );
  });

  test('reloads configuration and rules in place: the reloader watches both mounts and signals Prometheus', () => {
    const sts = find(objects, 'StatefulSet', p.name, ns);
    const pod = podSpecOf(sts);
    const prom = containerNamed(sts, 'prometheus');
    const reloader = containerNamed(sts, 'config-reloader');
    expect(pod.shareProcessNamespace).toBe(true);
    // The lifecycle API (/-/reload and /-/quit over HTTP) stays off.
    expect(prom.args.join(' ')).not.toContain('web.enable-lifecycle');
    expect(reloader.args).toContain('--reload-method=signal');
    expect(reloader.securityContext.runAsUser).toBe(prom.securityContext.runAsUser);
    const configMounts = prom.volumeMounts.filter((m: any) => m.name !== 'data').map((m: any) => m.mountPath);
    expect(configMounts).toHaveLength(2);
    for (const dir of configMounts) expect(reloader.args).toContain(`--watched-dir=${dir}`);
    // No checksum annotation: a config change must not restart the pod.
    expect(sts.spec.template.metadata.annotations?.['container-infra/config-checksum']).toBeUndefined();
  });

  test('the ConfigMap holds the rendered configuration, with intervals from the config', () => {
    const custom = configFrom({ monitoring: { prometheus: { scrapeInterval: '15s', scrapeTimeout: '5s', evaluationInterval: '1m' } } });
    const cm = find(synthObjects(custom), 'ConfigMap', `${p.name}-config`, ns);
    const rendered = parse(cm.data[PROMETHEUS_CONFIG_FILE]);
    expect(rendered.global).toEqual({ scrape_interval: '15s', scrape_timeout: '5s', evaluation_interval: '1m' });
    expect(rendered).toEqual(JSON.parse(JSON.stringify(prometheusConfig(custom))));
  });

  test('scrapes every kind of target, one job each', () => {
    const jobs = prometheusConfig(config).scrape_configs.map((j) => j.job_name);
    expect([...jobs].sort()).toEqual(Object.values(JOBS).sort());
  });

  test('scrapes Jenkins at its configured service, namespace, port and path, and not at all when Jenkins is off', () => {
    const custom = configFrom({ namespaces: { ci: 'build' }, jenkins: { name: 'ci-master', port: 8181, metricsPath: '/jenkins-metrics' } });
    const job = prometheusConfig(custom).scrape_configs.find((j) => j.job_name === JOBS.jenkins)!;
    expect(job.metrics_path).toBe('/jenkins-metrics/');
    expect(job.static_configs![0].targets).toEqual(['ci-master.build.svc.cluster.local:8181']);
    const off = configFrom({ jenkins: { enabled: false } });
    expect(prometheusConfig(off).scrape_configs.map((j) => j.job_name)).not.toContain(JOBS.jenkins);
    expect(alertRules(off).map((r) => r.alert)).not.toContain('JenkinsDown');
  });

  test('finds annotated pods only in the apps namespace, at the annotated port and path', () => {
    const job = prometheusConfig(config).scrape_configs.find((j) => j.job_name === JOBS.annotatedPods)!;
    expect(job.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: [config.namespaces.apps] } }]);
    const relabel = job.relabel_configs!;
    expect(relabel).toContainEqual(expect.objectContaining({ source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], action: 'keep', regex: 'true' }));
    expect(relabel).toContainEqual(expect.objectContaining({ source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_path'], target_label: '__metrics_path__' }));
    expect(relabel).toContainEqual(expect.objectContaining({ source_labels: ['__meta_kubernetes_pod_ip', '__meta_kubernetes_pod_annotation_prometheus_io_port'], target_label: '__address__' }));
    // The annotations the microservices actually carry are the ones this job reads.
    const deployment = find(objects, 'Deployment', config.services[0].name, config.namespaces.apps);
    expect(Object.keys(deployment.spec.template.metadata.annotations)).toEqual(
      expect.arrayContaining(['prometheus.io/scrape', 'prometheus.io/port', 'prometheus.io/path']),
    );
  });

  test('may read nodes, kubelet metrics and pods, nothing else, with read verbs only', () => {
    const roles = [...ofKind(objects, 'ClusterRole'), ...ofKind(objects, 'Role')].filter((r) => r.metadata.labels['app.kubernetes.io/name'] === 'prometheus');
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) {
      for (const rule of role.rules) {
        expect(rule.verbs.every((v: string) => ['get', 'list', 'watch'].includes(v))).toBe(true);
        expect(rule.resources).not.toContain('*');
        expect(rule.apiGroups).not.toContain('*');
        expect(rule.resources).not.toContain('secrets');
        expect(rule.resources).not.toContain('configmaps');
      }
    }
    const promRole = ofKind(objects, 'ClusterRole').find((r) => r.metadata.name.endsWith(`-${p.name}`))!;
    expect(promRole.metadata.namespace).toBeUndefined();
    expect(promRole.rules.flatMap((r: any) => r.resources).sort()).toEqual(['nodes', 'nodes/metrics']);
    const podRoles = ofKind(objects, 'Role').filter((r) => r.metadata.name === `${p.name}-discovery`);
    expect(podRoles.map((r) => r.metadata.namespace).sort()).toEqual([config.namespaces.apps, ns, config.namespaces.nodeMonitoring].sort());
  });

  test('network: Grafana in, and out only to DNS, the API server and kubelets, and the metrics ports of its targets', () => {
    const policy = find(objects, 'NetworkPolicy', p.name, ns);
    expect(policy.spec.podSelector.matchLabels).toEqual(prometheusPods(config));
    expect(policy.spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } }, podSelector: { matchLabels: grafanaPods(config) } }], ports: [{ protocol: 'TCP', port: p.port }] },
    ]);
    const anyDestinationPorts = policy.spec.egress.filter((r: any) => !r.to).flatMap((r: any) => r.ports.map((x: any) => x.port));
    expect(anyDestinationPorts.sort()).toEqual([443, 6443, 10250, config.monitoring.nodeExporter.port].sort());
    const appRule = policy.spec.egress.find((r: any) => r.to?.[0]?.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === config.namespaces.apps);
    const appPorts = appRule.ports.map((x: any) => x.port);
    for (const s of config.services) expect(appPorts).toContain(s.port);
    expect(appPorts).toContain(config.gateway.exporter.port);
    const ciRule = policy.spec.egress.find((r: any) => r.to?.[0]?.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === config.namespaces.ci);
    expect(ciRule.ports).toEqual([{ protocol: 'TCP', port: config.jenkins.port }]);
  });

  test('the monitoring and node-monitoring namespaces deny everything by default', () => {
    for (const namespace of [ns, config.namespaces.nodeMonitoring]) {
      const deny = find(objects, 'NetworkPolicy', 'default-deny', namespace);
      expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    }
  });
});

describe('Alertmanager', () => {
  const config = configFrom();
  const am = config.monitoring.alertmanager;
  const ns = config.namespaces.monitoring;
  const amConfig = (objects: K8sObject[]) => parse(find(objects, 'ConfigMap', `${am.name}-config`, ns).data[ALERTMANAGER_CONFIG_FILE]);

  test('sends every alert to the null receiver by default, with no egress and no Secret', () => {
    const objects = synthObjects(config);
    const rendered = amConfig(objects);
    expect(rendered.route.receiver).toBe('null');
    expect(rendered.receivers).toEqual([{ name: 'null' }]);
    // No egress rule at all (the field is left out: the API server drops an empty list), egress denied.
    const policy = find(objects, 'NetworkPolicy', am.name, ns).spec;
    expect(policy.policyTypes).toContain('Egress');
    expect(policy.egress).toBeUndefined();
    expect(podSpecOf(find(objects, 'Deployment', am.name, ns)).volumes.some((v: any) => v.secret)).toBe(false);
  });

  test('routes to Slack with the URL read from the user\'s Secret, which dist never contains', () => {
    const custom = configFrom({ monitoring: { alertmanager: { receiver: { type: 'slack', secretName: 'my-slack', secretKey: 'webhook', slackChannel: '#ops' } } } });
    const objects = synthObjects(custom);
    const rendered = amConfig(objects);
    expect(rendered.route.receiver).toBe('slack');
    expect(rendered.receivers).toContainEqual({ name: 'slack', slack_configs: [{ api_url_file: `${RECEIVER_SECRET_DIR}/webhook`, channel: '#ops', send_resolved: true }] });
    const deployment = find(objects, 'Deployment', am.name, ns);
    const volume = podSpecOf(deployment).volumes.find((v: any) => v.secret);
    expect(volume.secret.secretName).toBe('my-slack');
    expect(volume.secret.optional).toBeUndefined();
    expect(containerNamed(deployment, 'alertmanager').volumeMounts).toContainEqual({ name: volume.name, mountPath: RECEIVER_SECRET_DIR, readOnly: true });
    expect(ofKind(objects, 'Secret')).toHaveLength(0);
    const egressPorts = find(objects, 'NetworkPolicy', am.name, ns).spec.egress.flatMap((r: any) => r.ports.map((x: any) => x.port));
    expect(egressPorts).toContain(custom.monitoring.alertmanager.receiver.egressPort);
  });

  test('a webhook receiver reads its URL from a file too', () => {
    const rendered = amConfig(synthObjects(configFrom({ monitoring: { alertmanager: { receiver: { type: 'webhook' } } } })));
    expect(rendered.receivers).toContainEqual({ name: 'webhook', webhook_configs: [{ url_file: `${RECEIVER_SECRET_DIR}/url`, send_resolved: true }] });
  });

  test('a configuration change rolls the pod', () => {
    const checksumOf = (c = config) => find(synthObjects(c), 'Deployment', am.name, ns).spec.template.metadata.annotations['container-infra/config-checksum'];
    expect(checksumOf()).toBe(checksumOf());
    expect(checksumOf(configFrom({ monitoring: { alertmanager: { route: { repeatInterval: '12h' } } } }))).not.toBe(checksumOf());
  });

  test('accepts only Prometheus', () => {
    const policy = find(synthObjects(config), 'NetworkPolicy', am.name, ns);
    expect(policy.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: prometheusPods(config) } }], ports: [{ protocol: 'TCP', port: am.port }] }]);
  });
});

describe('node-exporter', () => {
  const config = configFrom();
  const ne = config.monitoring.nodeExporter;
  const ds = find(synthObjects(config), 'DaemonSet', ne.name, config.namespaces.nodeMonitoring);
  const pod = podSpecOf(ds);

  test('shares the host network and PID namespace, with read-only host mounts only', () => {
    expect(pod.hostNetwork).toBe(true);
    expect(pod.hostPID).toBe(true);
    expect(pod.volumes.every((v: any) => v.hostPath)).toBe(true);
    const mounts = containerNamed(ds, 'node-exporter').volumeMounts;
    expect(mounts).toHaveLength(pod.volumes.length);
    expect(mounts.every((m: any) => m.readOnly === true)).toBe(true);
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('runs on control-plane nodes too', () => {
    const keys = pod.tolerations.map((t: any) => t.key);
    expect(keys).toContain('node-role.kubernetes.io/control-plane');
    expect(pod.tolerations.every((t: any) => t.operator === 'Exists' && t.effect === 'NoSchedule')).toBe(true);
  });

  test('listens on the configured port of the node address only', () => {
    const custom = configFrom({ monitoring: { nodeExporter: { port: 9200 } } });
    const c = containerNamed(find(synthObjects(custom), 'DaemonSet', ne.name, custom.namespaces.nodeMonitoring), 'node-exporter');
    expect(c.ports).toEqual([expect.objectContaining({ containerPort: 9200 })]);
    expect(c.args).toContain('--web.listen-address=$(HOST_IP):9200');
    expect(c.env).toContainEqual({ name: 'HOST_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.hostIP' } } });
  });
});

describe('kube-state-metrics', () => {
  const config = configFrom();
  const ksm = config.monitoring.kubeStateMetrics;
  const ns = config.namespaces.monitoring;

  function exported(objects: K8sObject[]): { flag: string[]; rbac: string[] } {
    const args: string[] = containerNamed(find(objects, 'Deployment', ksm.name, ns), 'kube-state-metrics').args;
    const flag = args.find((a) => a.startsWith('--resources='))!.slice('--resources='.length).split(',');
    const role = ofKind(objects, 'ClusterRole').find((r) => r.metadata.name.endsWith(`-${ksm.name}`))!;
    const rbac = role.rules.flatMap((r: any) => r.resources);
    for (const r of role.rules) expect(r.verbs).toEqual(['list', 'watch']);
    return { flag, rbac };
  }

  test('may list and watch exactly the resources its --resources flag exports, never secrets', () => {
    const { flag, rbac } = exported(synthObjects(config));
    expect([...flag].sort()).toEqual([...KSM_RESOURCES].sort());
    expect(rbac.sort()).toEqual(flag.map((r) => KSM_API[r as keyof typeof KSM_API].resource).sort());
    expect(rbac).not.toContain('secrets');
  });

  test('a shorter resource list shrinks both the flag and the ClusterRole', () => {
    const { flag, rbac } = exported(synthObjects(configFrom({ monitoring: { kubeStateMetrics: { resourcesToExport: ['pods', 'deployments'] } } })));
    expect(flag).toEqual(['deployments', 'pods']);
    expect(rbac.sort()).toEqual(['deployments', 'pods']);
  });

  test('secrets cannot be configured', () => {
    expect(() => parseConfig({ monitoring: { kubeStateMetrics: { resourcesToExport: ['secrets'] } } }, 't')).toThrow(/resourcesToExport\[0\]: must be one of/);
  });
});

describe('alert rules', () => {
  const rules = alertRules(configFrom());

  test('cover the failure modes of the issue, each with severity, summary and description', () => {
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'TargetDown',
        'KubePodCrashLooping',
        'KubeDeploymentReplicasMismatch',
        'KubeHpaMaxedOut',
        'Gateway5xxRatioHigh',
        'NodeFilesystemAlmostFull',
        'NodeMemoryPressure',
        'PrometheusConfigReloadFailed',
        'JenkinsDown',
        'AuthServiceDown',
        'AuthValidationErrorsHigh',
        'AuthRejectedTokensSpike',
      ]),
    );
    for (const r of rules) {
      expect(['warning', 'critical']).toContain(r.labels.severity);
      expect(r.annotations.summary.length).toBeGreaterThan(10);
      expect(r.annotations.description.length).toBeGreaterThan(r.annotations.summary.length);
    }
  });

  test('read only series of jobs the scrape configuration has', () => {
    const jobs = new Set(prometheusConfig(configFrom()).scrape_configs.map((j) => j.job_name));
    for (const r of rules) {
      for (const m of r.expr.matchAll(/job[!=]~?"([^"]+)"/g)) expect(jobs).toContain(m[1]);
    }
  });

  test('thresholds come from the configuration', () => {
    const custom = alertRules(configFrom({ monitoring: { prometheus: { alerts: { filesystemFreePercent: 7, http5xxRatio: 0.2 } } } }));
    expect(custom.find((r) => r.alert === 'NodeFilesystemAlmostFull')!.expr).toContain('< 7');
    expect(custom.find((r) => r.alert === 'Gateway5xxRatioHigh')!.expr).toMatch(/> 0\.2$/);
  });
});

describe('prod example environment', () => {
  test('parses, and sizes monitoring above the defaults', () => {
    const prod = loadConfig({ env: 'prod' }).config.monitoring;
    const defaults = configFrom().monitoring;
    expect(memoryBytes(prod.prometheus.storage.size)).toBeGreaterThan(memoryBytes(defaults.prometheus.storage.size));
    expect(memoryBytes(prod.prometheus.resources.requests.memory)).toBeGreaterThan(memoryBytes(defaults.prometheus.resources.requests.memory));
    expect(prod.alertmanager.receiver.type).not.toBe('none');
  });
});
