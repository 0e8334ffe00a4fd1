import { parse } from 'yaml';
import { quantityBytes as memoryBytes } from '../lib/quantity';
import { allContainers, configFrom, find, K8sObject, ofKind, podSpecOf, synthFiles, synthObjects } from './support/manifests';

const NS = 'monitoring';

function grafanaObjects(input = {}): K8sObject[] {
  return synthObjects(configFrom(input)).filter((o) => o.metadata.namespace === NS && o.metadata.labels?.['app.kubernetes.io/name'] === 'grafana');
}

function envOf(container: any): Record<string, string> {
  return Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e.value]));
}

describe('Grafana chart', () => {
  const objects = grafanaObjects();
  const deployment = find(objects, 'Deployment', 'grafana', NS);
  const pod = podSpecOf(deployment);
  const container = pod.containers[0];
  const env = envOf(container);

  test('runs a pinned upstream image as numeric non-root UID 472 under the restricted profile', () => {
    expect(container.image).toMatch(/^docker\.io\/grafana\/grafana:\d+\.\d+\.\d+$/);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 472, fsGroup: 472, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toMatchObject({
      runAsUser: 472,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
  });

  test('has no init container: no root chown, fsGroup makes the volume writable', () => {
    expect(pod.initContainers ?? []).toEqual([]);
    expect(allContainers(pod).every((c: any) => c.securityContext?.runAsUser !== 0)).toBe(true);
  });

  test('every path Grafana writes is a mounted volume, since the root filesystem is read-only', () => {
    const mounts = container.volumeMounts.filter((m: any) => !m.readOnly).map((m: any) => m.mountPath);
    for (const path of [env.GF_PATHS_DATA, env.GF_PATHS_PLUGINS, env.GF_PATHS_LOGS, '/tmp']) {
      expect(mounts.some((m: string) => path === m || path.startsWith(`${m}/`))).toBe(true);
    }
  });

  test('requests at most 0.1 vCPU and 224 MiB by default, with a memory limit', () => {
    const cpu: string = container.resources.requests.cpu;
    const cores = cpu.endsWith('m') ? Number(cpu.slice(0, -1)) / 1000 : Number(cpu);
    expect(cores).toBeGreaterThan(0);
    expect(cores).toBeLessThanOrEqual(0.1);
    expect(memoryBytes(container.resources.requests.memory)).toBeLessThanOrEqual(224 * 1024 ** 2);
    expect(memoryBytes(container.resources.limits.memory)).toBeGreaterThanOrEqual(memoryBytes(container.resources.requests.memory));
  });

  test('probes the health endpoint on the configured port', () => {
    expect(container.ports).toEqual([{ name: 'http', containerPort: 3000, protocol: 'TCP' }]);
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      expect(container[probe].httpGet).toEqual({ path: '/api/health', port: 'http' });
    }
  });

  test('reads the admin login from the user-created Secret as files, never as literal values', () => {
    const adminVolume = pod.volumes.find((v: any) => v.secret);
    expect(adminVolume.secret.secretName).toBe('grafana-admin');
    expect(adminVolume.secret.items.map((i: any) => i.key).sort()).toEqual(['admin-password', 'admin-user']);
    const mount = container.volumeMounts.find((m: any) => m.name === adminVolume.name);
    expect(mount.readOnly).toBe(true);
    for (const key of ['GF_SECURITY_ADMIN_USER', 'GF_SECURITY_ADMIN_PASSWORD']) {
      expect(env[key]).toMatch(new RegExp(`^\\$__file\\{${mount.mountPath}/[^}]+\\}$`));
    }
    expect(ofKind(synthObjects(), 'Secret')).toEqual([]);
  });

  test('the admin Secret name and keys come from the configuration', () => {
    const custom = grafanaObjects({ monitoring: { grafana: { adminSecret: { name: 'ops-grafana', passwordKey: 'pw' } } } });
    const volume = podSpecOf(find(custom, 'Deployment', 'grafana', NS)).volumes.find((v: any) => v.secret);
    expect(volume.secret.secretName).toBe('ops-grafana');
    expect(volume.secret.items.map((i: any) => i.key)).toContain('pw');
  });

  test('anonymous access, sign-up, gravatar and every call home are off', () => {
    expect(env).toMatchObject({
      GF_AUTH_ANONYMOUS_ENABLED: 'false',
      GF_USERS_ALLOW_SIGN_UP: 'false',
      GF_SECURITY_DISABLE_GRAVATAR: 'true',
      GF_ANALYTICS_REPORTING_ENABLED: 'false',
      GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
      GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: 'false',
      GF_PLUGINS_PREINSTALL_DISABLED: 'true',
    });
  });

  test('mounts provisioning and dashboards read-only from the ConfigMaps the chart renders', () => {
    const configMaps = ofKind(objects, 'ConfigMap').map((c) => c.metadata.name);
    const mounted = pod.volumes.filter((v: any) => v.configMap).map((v: any) => v.configMap.name);
    expect(mounted.sort()).toEqual(configMaps.sort());
    for (const v of pod.volumes.filter((x: any) => x.configMap)) {
      expect(container.volumeMounts.find((m: any) => m.name === v.name).readOnly).toBe(true);
    }
    const provider = parse(find(objects, 'ConfigMap', 'grafana-dashboard-providers', NS).data['dashboards.yaml']);
    const dashboardsMount = container.volumeMounts.find((m: any) => m.mountPath === provider.providers[0].options.path);
    expect(pod.volumes.find((v: any) => v.name === dashboardsMount.name).configMap.name).toBe('grafana-dashboards');
    expect(provider.providers[0].allowUiUpdates).toBe(false);
  });

  test('a changed datasource rolls the pod (config checksum), an unchanged one does not', () => {
    const checksumOf = (input: object) =>
      find(grafanaObjects(input), 'Deployment', 'grafana', NS).spec.template.metadata.annotations['container-infra/config-checksum'];
    expect(checksumOf({})).toBe(checksumOf({}));
    expect(checksumOf({ monitoring: { prometheus: { port: 9091 } } })).not.toBe(checksumOf({}));
  });

  test('is stateless by default: emptyDir data, rolling update, no claim', () => {
    const data = pod.volumes.find((v: any) => v.name === 'data');
    expect(data.emptyDir).toBeDefined();
    expect(deployment.spec.strategy.type).toBe('RollingUpdate');
    expect(ofKind(objects, 'PersistentVolumeClaim')).toEqual([]);
  });

  test('with persistence: a claim of the configured size and class, Recreate strategy, fsGroup 472', () => {
    const persistent = grafanaObjects({ monitoring: { grafana: { persistence: { enabled: true, size: '5Gi', storageClassName: 'fast' } } } });
    const claim = find(persistent, 'PersistentVolumeClaim', 'grafana-data', NS);
    expect(claim.spec).toMatchObject({ accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '5Gi' } } });
    const d = find(persistent, 'Deployment', 'grafana', NS);
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(podSpecOf(d).volumes.find((v: any) => v.name === 'data').persistentVolumeClaim.claimName).toBe('grafana-data');
    expect(podSpecOf(d).securityContext.fsGroup).toBe(472);
  });

  test('Service, token-less ServiceAccount and PDB select the pods by name and instance only', () => {
    const selector = { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': 'grafana' };
    expect(deployment.spec.selector.matchLabels).toEqual(selector);
    const service = find(objects, 'Service', 'grafana', NS);
    expect(service.spec.selector).toEqual(selector);
    expect(service.spec.ports[0]).toMatchObject({ port: 3000, targetPort: 'http' });
    expect(find(objects, 'ServiceAccount', 'grafana', NS).automountServiceAccountToken).toBe(false);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(find(objects, 'PodDisruptionBudget', 'grafana', NS).spec.selector.matchLabels).toEqual(selector);
  });

  test('NetworkPolicy: UI port from anywhere; egress only to DNS and to Prometheus on its port', () => {
    const policy = find(objects, 'NetworkPolicy', 'grafana', NS);
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: 3000 }] }]);
    const egressPorts = policy.spec.egress.flatMap((r: any) => r.ports.map((p: any) => p.port)).sort();
    expect(egressPorts).toEqual([53, 53, 9090]);
    const toPrometheus = policy.spec.egress.find((r: any) => r.ports.some((p: any) => p.port === 9090));
    expect(toPrometheus.to).toEqual([
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NS } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/instance': 'prometheus' } },
      },
    ]);
  });

  test('is left out entirely when monitoring is disabled', () => {
    const files = synthFiles(configFrom({ monitoring: { enabled: false } }));
    const all = [...files.values()].flat();
    expect(all.filter((o) => o.metadata.labels?.['app.kubernetes.io/name'] === 'grafana')).toEqual([]);
  });

  test('rejects a configuration without a pinned image or with a root user', () => {
    expect(() => configFrom({ monitoring: { grafana: { image: 'grafana/grafana:latest' } } })).toThrow(/latest/);
    expect(() => configFrom({ monitoring: { grafana: { runAsUser: 0 } } })).toThrow(/non-root/);
    expect(() => configFrom({ monitoring: { grafana: { adminSecret: { passwordKey: 'a b' } } } })).toThrow(/Secret key/);
  });
});
