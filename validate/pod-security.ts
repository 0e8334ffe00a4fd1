import type { Finding } from './findings';
import type { Manifest } from './manifests';
import { refOf } from './manifests';
import { containersOf, podTemplates, PodTemplate } from './workloads';

/**
 * The Kubernetes Pod Security Standards, rule by rule, as the Pod Security admission controller
 * enforces them: every pod template must satisfy the level its namespace's
 * `pod-security.kubernetes.io/enforce` label names (at the `enforce-version` it pins).
 */
export type Level = 'privileged' | 'baseline' | 'restricted';

export interface Violation {
  /** Control name as the standard calls it. */
  readonly rule: string;
  readonly path: string;
  readonly message: string;
  readonly fix: string;
}

interface Rule {
  readonly name: string;
  readonly level: Exclude<Level, 'privileged'>;
  /** Pods with spec.os.name "windows" are exempt from some restricted controls. */
  readonly linuxOnly?: boolean;
  check(pod: PodTemplate, version: number): Violation[];
}

/** Minor version of the policy (`v1.27` → 27; `latest` → the newest this file knows). */
export const LATEST_MINOR = 36;
export function policyMinor(version: string | undefined): number {
  const m = /^v1\.([0-9]+)$/.exec(version ?? '');
  return m ? Number(m[1]) : LATEST_MINOR;
}

export const BASELINE_CAPABILITIES = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];
export const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/** The "safe" sysctls, by the policy version that first allowed them. */
export function safeSysctls(minor: number): string[] {
  return [
    'kernel.shm_rmid_forced',
    'net.ipv4.ip_local_port_range',
    'net.ipv4.ip_unprivileged_port_start',
    'net.ipv4.tcp_syncookies',
    'net.ipv4.ping_group_range',
    ...(minor >= 27 ? ['net.ipv4.ip_local_reserved_ports'] : []),
    ...(minor >= 29 ? ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'] : []),
    ...(minor >= 32 ? ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'] : []),
  ];
}

export function allowedSeLinuxTypes(minor: number): string[] {
  return ['', 'container_t', 'container_init_t', 'container_kvm_t', ...(minor >= 31 ? ['container_engine_t'] : [])];
}

function v(rule: string, path: string, message: string, fix: string): Violation {
  return { rule, path, message, fix };
}

/** The pod-level and each container's security context, with paths. */
function contexts(pod: PodTemplate): Array<{ sc: any; path: string; container?: any }> {
  return [
    { sc: pod.spec.securityContext ?? {}, path: `${pod.specPath}.securityContext` },
    ...containersOf(pod).map((c) => ({ sc: c.container.securityContext ?? {}, path: `${c.path}.securityContext`, container: c.container })),
  ];
}

const containerContexts = (pod: PodTemplate) => containersOf(pod).map((c) => ({ sc: c.container.securityContext ?? {}, path: `${c.path}.securityContext`, name: c.container.name as string }));

export const RULES: Rule[] = [
  {
    name: 'HostProcess',
    level: 'baseline',
    check: (pod) =>
      contexts(pod)
        .filter((c) => c.sc.windowsOptions?.hostProcess === true)
        .map((c) => v('HostProcess', `${c.path}.windowsOptions.hostProcess`, 'runs a Windows HostProcess container (privileged access to the host)', 'remove windowsOptions.hostProcess')),
  },
  {
    name: 'Host Namespaces',
    level: 'baseline',
    check: (pod) =>
      ['hostNetwork', 'hostPID', 'hostIPC']
        .filter((k) => pod.spec[k] === true)
        .map((k) => v('Host Namespaces', `${pod.specPath}.${k}`, `shares the host's ${k.slice(4)} namespace`, `remove ${k} (or run the pod in a namespace at level privileged, with the reason documented)`)),
  },
  {
    name: 'Privileged Containers',
    level: 'baseline',
    check: (pod) =>
      containerContexts(pod)
        .filter((c) => c.sc.privileged === true)
        .map((c) => v('Privileged Containers', `${c.path}.privileged`, `container "${c.name}" is privileged`, 'set privileged: false (containerSecurityContext())')),
  },
  {
    name: 'Capabilities',
    level: 'baseline',
    check: (pod) =>
      containerContexts(pod).flatMap((c) =>
        ((c.sc.capabilities?.add ?? []) as string[])
          .filter((cap) => !BASELINE_CAPABILITIES.includes(cap))
          .map((cap) => v('Capabilities', `${c.path}.capabilities.add`, `container "${c.name}" adds capability ${cap}, beyond the baseline set`, `remove ${cap}; baseline allows only ${BASELINE_CAPABILITIES.join(', ')}`)),
      ),
  },
  {
    name: 'HostPath Volumes',
    level: 'baseline',
    check: (pod) =>
      ((pod.spec.volumes ?? []) as any[]).flatMap((vol, i) =>
        vol.hostPath ? [v('HostPath Volumes', `${pod.specPath}.volumes[${i}].hostPath`, `volume "${vol.name}" mounts a host path (${vol.hostPath.path})`, 'use an emptyDir, a ConfigMap or a PersistentVolumeClaim instead')] : [],
      ),
  },
  {
    name: 'Host Ports',
    level: 'baseline',
    check: (pod) =>
      containersOf(pod).flatMap((c) =>
        ((c.container.ports ?? []) as any[]).flatMap((p, i) =>
          p.hostPort !== undefined && p.hostPort !== 0 ? [v('Host Ports', `${c.path}.ports[${i}].hostPort`, `container "${c.container.name}" binds host port ${p.hostPort}`, 'remove hostPort; expose the port through a Service')] : [],
        ),
      ),
  },
  {
    name: 'AppArmor',
    level: 'baseline',
    check: (pod) => [
      ...Object.entries(pod.annotations)
        .filter(([k, val]) => k.startsWith('container.apparmor.security.beta.kubernetes.io/') && val !== 'runtime/default' && !val.startsWith('localhost/'))
        .map(([k, val]) => v('AppArmor', `${pod.metadataPath}.annotations["${k}"]`, `AppArmor profile "${val}" overrides the default`, 'use runtime/default or a localhost/ profile, or remove the annotation')),
      ...contexts(pod)
        .filter((c) => c.sc.appArmorProfile?.type === 'Unconfined')
        .map((c) => v('AppArmor', `${c.path}.appArmorProfile.type`, 'disables AppArmor (Unconfined)', 'use RuntimeDefault or Localhost, or leave it unset')),
    ],
  },
  {
    name: 'SELinux',
    level: 'baseline',
    check: (pod, minor) =>
      contexts(pod).flatMap((c) => {
        const o = c.sc.seLinuxOptions;
        if (!o) return [];
        const out: Violation[] = [];
        if (o.type !== undefined && !allowedSeLinuxTypes(minor).includes(o.type)) {
          out.push(v('SELinux', `${c.path}.seLinuxOptions.type`, `SELinux type "${o.type}" is not allowed`, `use one of ${allowedSeLinuxTypes(minor).filter(Boolean).join(', ')} or leave it unset`));
        }
        for (const k of ['user', 'role']) {
          if (o[k] !== undefined && o[k] !== '') out.push(v('SELinux', `${c.path}.seLinuxOptions.${k}`, `sets a custom SELinux ${k} "${o[k]}"`, `remove seLinuxOptions.${k}`));
        }
        return out;
      }),
  },
  {
    name: '/proc Mount Type',
    level: 'baseline',
    check: (pod) =>
      containerContexts(pod)
        .filter((c) => c.sc.procMount !== undefined && c.sc.procMount !== 'Default')
        .map((c) => v('/proc Mount Type', `${c.path}.procMount`, `container "${c.name}" unmasks /proc (procMount ${c.sc.procMount})`, 'remove procMount (Default)')),
  },
  {
    name: 'Seccomp',
    level: 'baseline',
    check: (pod) =>
      contexts(pod)
        .filter((c) => c.sc.seccompProfile?.type === 'Unconfined')
        .map((c) => v('Seccomp', `${c.path}.seccompProfile.type`, 'disables seccomp (Unconfined)', 'use seccompProfile RuntimeDefault (podSecurityContext())')),
  },
  {
    name: 'Sysctls',
    level: 'baseline',
    check: (pod, minor) =>
      ((pod.spec.securityContext?.sysctls ?? []) as any[]).flatMap((s, i) =>
        safeSysctls(minor).includes(s.name) ? [] : [v('Sysctls', `${pod.specPath}.securityContext.sysctls[${i}].name`, `sysctl ${s.name} is not in the safe set`, `remove it; safe sysctls: ${safeSysctls(minor).join(', ')}`)],
      ),
  },
  {
    name: 'Volume Types',
    level: 'restricted',
    check: (pod) =>
      ((pod.spec.volumes ?? []) as any[]).flatMap((vol, i) => {
        const types = Object.keys(vol).filter((k) => k !== 'name');
        return types
          .filter((t) => !RESTRICTED_VOLUME_TYPES.includes(t))
          .map((t) => v('Volume Types', `${pod.specPath}.volumes[${i}].${t}`, `volume "${vol.name}" is of type ${t}, which restricted does not allow`, `use one of ${RESTRICTED_VOLUME_TYPES.join(', ')}`));
      }),
  },
  {
    name: 'Privilege Escalation',
    level: 'restricted',
    linuxOnly: true,
    check: (pod) =>
      containerContexts(pod)
        .filter((c) => c.sc.allowPrivilegeEscalation !== false)
        .map((c) => v('Privilege Escalation', `${c.path}.allowPrivilegeEscalation`, `container "${c.name}" does not set allowPrivilegeEscalation: false`, 'set allowPrivilegeEscalation: false (containerSecurityContext())')),
  },
  {
    name: 'Running as Non-root',
    level: 'restricted',
    check: (pod) => {
      const podNonRoot = pod.spec.securityContext?.runAsNonRoot === true;
      return containerContexts(pod)
        .filter((c) => c.sc.runAsNonRoot === false || (!podNonRoot && c.sc.runAsNonRoot !== true))
        .map((c) => v('Running as Non-root', `${c.path}.runAsNonRoot`, `container "${c.name}" may run as root (runAsNonRoot is not true here or on the pod)`, 'set runAsNonRoot: true on the pod (podSecurityContext()) and never false on a container'));
    },
  },
  {
    name: 'Running as Non-root user',
    level: 'restricted',
    check: (pod) =>
      contexts(pod)
        .filter((c) => c.sc.runAsUser === 0)
        .map((c) => v('Running as Non-root user', `${c.path}.runAsUser`, 'runs as UID 0', 'set a numeric non-root runAsUser (the image\'s own user)')),
  },
  {
    name: 'Seccomp (restricted)',
    level: 'restricted',
    linuxOnly: true,
    check: (pod) => {
      const ok = (sc: any) => sc?.seccompProfile?.type === 'RuntimeDefault' || sc?.seccompProfile?.type === 'Localhost';
      const podOk = ok(pod.spec.securityContext);
      return containerContexts(pod)
        .filter((c) => (c.sc.seccompProfile?.type !== undefined ? !ok(c.sc) : !podOk))
        .map((c) => v('Seccomp', `${c.path}.seccompProfile.type`, `container "${c.name}" has no RuntimeDefault or Localhost seccomp profile (here or on the pod)`, 'set seccompProfile type RuntimeDefault on the pod (podSecurityContext())'));
    },
  },
  {
    name: 'Capabilities (restricted)',
    level: 'restricted',
    linuxOnly: true,
    check: (pod) =>
      containerContexts(pod).flatMap((c) => {
        const out: Violation[] = [];
        if (!((c.sc.capabilities?.drop ?? []) as string[]).includes('ALL')) {
          out.push(v('Capabilities', `${c.path}.capabilities.drop`, `container "${c.name}" does not drop ALL capabilities`, 'set capabilities.drop: [ALL] (containerSecurityContext())'));
        }
        for (const cap of (c.sc.capabilities?.add ?? []) as string[]) {
          if (cap !== 'NET_BIND_SERVICE') out.push(v('Capabilities', `${c.path}.capabilities.add`, `container "${c.name}" adds ${cap}; restricted allows adding only NET_BIND_SERVICE`, `remove ${cap}`));
        }
        return out;
      }),
  },
];

const ORDER: Level[] = ['privileged', 'baseline', 'restricted'];

/** Violations of `level` (and the levels below it) by one pod template. */
export function evaluatePod(pod: PodTemplate, level: Level, version = `v1.${LATEST_MINOR}`): Violation[] {
  const minor = policyMinor(version);
  const windows = pod.spec.os?.name === 'windows';
  return RULES.filter((r) => ORDER.indexOf(r.level) <= ORDER.indexOf(level) && ORDER.indexOf(level) > 0)
    .filter((r) => !(windows && r.linuxOnly))
    .flatMap((r) => r.check(pod, minor));
}

export function checkPodSecurity(manifests: readonly Manifest[]): Finding[] {
  const namespaces = new Map(manifests.filter((m) => m.object.kind === 'Namespace').map((m) => [m.object.metadata.name, m.object.metadata.labels ?? {}]));
  const out: Finding[] = [];
  for (const pod of podTemplates(manifests)) {
    const labels = namespaces.get(pod.namespace);
    if (!labels) continue; // references.ts reports objects in a namespace nobody creates
    const raw = labels['pod-security.kubernetes.io/enforce'];
    const level: Level = raw === 'baseline' || raw === 'restricted' ? raw : 'privileged';
    const version = labels['pod-security.kubernetes.io/enforce-version'] ?? 'latest';
    for (const x of evaluatePod(pod, level, version)) {
      out.push({
        check: 'pod-security',
        file: pod.manifest.file,
        object: refOf(pod.workload),
        path: x.path,
        message: `violates Pod Security "${level}" (${version}) of namespace ${pod.namespace}, control "${x.rule}": ${x.message}; admission would reject its pods`,
        fix: x.fix,
      });
    }
  }
  return out;
}
