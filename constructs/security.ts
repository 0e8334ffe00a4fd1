import * as k8s from '../imports/k8s';

/**
 * Hardened defaults that satisfy the Pod Security "restricted" level: numeric non-root user,
 * read-only root filesystem, no privilege escalation, every capability dropped, RuntimeDefault seccomp.
 */
export interface RunAs {
  readonly user: number;
  readonly group: number;
  /** Group that owns mounted volumes, so a non-root process can write them without a chown. */
  readonly fsGroup?: number;
}

export function podSecurityContext(runAs: RunAs): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: runAs.user,
    runAsGroup: runAs.group,
    ...(runAs.fsGroup !== undefined ? { fsGroup: runAs.fsGroup, fsGroupChangePolicy: 'OnRootMismatch' } : {}),
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export function containerSecurityContext(runAs: Pick<RunAs, 'user' | 'group'>): k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: runAs.user,
    runAsGroup: runAs.group,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
