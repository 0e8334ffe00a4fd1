import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { EnvironmentModel } from '../model/environment';
import { recommendedLabels, selectorLabels } from '../lib/labels';
import { DefaultDenyPolicy, NetworkPolicy } from '../constructs/network';
import { defaultDenyOf, ENDPOINT, policyOf } from '../model/network';
import { containerResources } from '../constructs/resources';
import { containerSecurityContext, podSecurityContext } from '../constructs/security';
import { httpProbe, ownServiceAccount } from '../constructs/workload';
import * as k8s from '../imports/k8s';
import { METRICS_PORT_NAME } from './prometheus-config';

/** Where the host's filesystems appear inside the container (all read-only). */
export const HOST_MOUNTS = [
  { name: 'proc', hostPath: '/proc', mountPath: '/host/proc' },
  { name: 'sys', hostPath: '/sys', mountPath: '/host/sys' },
  { name: 'root', hostPath: '/', mountPath: '/host/root' },
] as const;

/** Mount points that are Kubernetes or container runtime internals, not node disks. */
const IGNORED_MOUNT_POINTS = '^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containerd/.+|var/lib/kubelet/.+|run/containerd/.+|run/k3s/.+)($|/)';
const IGNORED_FS_TYPES = '^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$';

/** The control-plane taints kubeadm, kind and minikube put on their control-plane nodes. */
export const CONTROL_PLANE_TOLERATIONS: k8s.Toleration[] = [
  { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' },
];

/**
 * node-exporter on every node, in its own namespace: it needs the host's network and PID
 * namespaces and read-only views of /proc, /sys and /, which only Pod Security "privileged"
 * allows. Everything else stays locked down: non-root, no capabilities, no privilege
 * escalation, read-only root filesystem, read-only host mounts, no API token.
 */
export class NodeExporterChart extends Chart {
  constructor(scope: Construct, id: string, props: { model: EnvironmentModel }) {
    const model = props.model;
    const config = model.config;
    const ne = config.monitoring.nodeExporter;
    const namespace = config.namespaces.nodeMonitoring;
    super(scope, id, { namespace, disableResourceNameHashes: true });

    const identity = model.nodeExporter.identity;
    const labels = recommendedLabels(identity);
    const selector = selectorLabels(identity);

    new DefaultDenyPolicy(this, 'default-deny', defaultDenyOf(model.network, namespace));

    const sa = ownServiceAccount(this, ne.name, labels);
    const mount = (name: string) => HOST_MOUNTS.find((m) => m.name === name)!.mountPath;

    new k8s.KubeDaemonSet(this, 'daemonset', {
      metadata: { name: ne.name, labels },
      spec: {
        selector: { matchLabels: selector },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: sa.name,
            automountServiceAccountToken: false,
            // Host network: the node's own interfaces and the port ne.port on every node (the
            // scheduler refuses a second pod that wants the same host port). Host PID: per-process
            // counters of the node. Neither is allowed under "restricted".
            hostNetwork: true,
            hostPid: true,
            dnsPolicy: 'ClusterFirstWithHostNet',
            securityContext: podSecurityContext({ user: ne.runAsUser, group: ne.runAsGroup }),
            tolerations: CONTROL_PLANE_TOLERATIONS,
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            terminationGracePeriodSeconds: 10,
            containers: [
              {
                name: 'node-exporter',
                image: ne.image,
                imagePullPolicy: config.imagePullPolicy,
                args: [
                  `--path.procfs=${mount('proc')}`,
                  `--path.sysfs=${mount('sys')}`,
                  `--path.rootfs=${mount('root')}`,
                  // Listen on the node's address only, not on every interface of the host.
                  `--web.listen-address=$(HOST_IP):${ne.port}`,
                  `--collector.filesystem.mount-points-exclude=${IGNORED_MOUNT_POINTS}`,
                  `--collector.filesystem.fs-types-exclude=${IGNORED_FS_TYPES}`,
                ],
                env: [{ name: 'HOST_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.hostIP' } } }],
                ports: [{ name: METRICS_PORT_NAME, containerPort: ne.port, protocol: 'TCP' }],
                resources: containerResources(ne.resources),
                securityContext: containerSecurityContext({ user: ne.runAsUser, group: ne.runAsGroup }),
                livenessProbe: httpProbe('/', METRICS_PORT_NAME, { periodSeconds: 15 }),
                readinessProbe: httpProbe('/', METRICS_PORT_NAME),
                volumeMounts: HOST_MOUNTS.map((m) => ({
                  name: m.name,
                  mountPath: m.mountPath,
                  readOnly: true,
                  // Filesystems mounted on the node later (new volumes) appear here too.
                  ...(m.name === 'root' ? { mountPropagation: 'HostToContainer' } : {}),
                })),
              },
            ],
            volumes: HOST_MOUNTS.map((m) => ({ name: m.name, hostPath: { path: m.hostPath, type: 'Directory' } })),
          },
        },
      },
    });

    new NetworkPolicy(this, 'network-policy', policyOf(model.network, ENDPOINT.nodeExporter));
  }
}
