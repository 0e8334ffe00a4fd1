import { createHash } from 'crypto';

/**
 * kubectl ApplySet with a cluster-scoped parent (docs/jenkins.md, "Apply mode"). A namespaced parent
 * (ConfigMap, Secret) covers one namespace only; our output spans several, so the parent is a custom
 * resource of a tiny cluster-scoped type whose CRD carries the label kubectl looks for.
 *
 * Keys and formats are kubectl's (k8s.io/kubectl pkg/cmd/apply/applyset.go at v0.34.2).
 */
export const APPLYSET_LABELS = {
  /** On a CRD: its custom resources may be ApplySet parents. */
  isParentType: 'applyset.kubernetes.io/is-parent-type',
  /** On the parent: the set's id (see applySetId). */
  id: 'applyset.kubernetes.io/id',
  /** On every member: the id of its set (kubectl adds it; it must not be in the input). */
  partOf: 'applyset.kubernetes.io/part-of',
} as const;

export const APPLYSET_ANNOTATIONS = {
  /** `kubectl/<version>`: kubectl refuses a parent managed by another tool (it compares the name only). */
  tooling: 'applyset.kubernetes.io/tooling',
  /** Kinds of the members; kubectl requires it on an existing parent ("" = an empty set). */
  containsGroupKinds: 'applyset.kubernetes.io/contains-group-kinds',
  /** Namespaces of the members. */
  additionalNamespaces: 'applyset.kubernetes.io/additional-namespaces',
} as const;

/** The parent type: one CRD for every environment in a cluster (its name is cluster-wide). */
export const APPLYSET_TYPE = {
  group: 'deploy.container-infra.dev',
  version: 'v1',
  kind: 'ApplySet',
  plural: 'applysets',
  singular: 'applyset',
} as const;

/** `applysets.deploy.container-infra.dev`: CRD names are `<plural>.<group>`. */
export const APPLYSET_CRD_NAME = `${APPLYSET_TYPE.plural}.${APPLYSET_TYPE.group}`;

/** kubectl's `--applyset` value for a parent of our type: `RESOURCE.GROUP/NAME`. */
export function applySetFlag(parentName: string): string {
  return `${APPLYSET_TYPE.plural}.${APPLYSET_TYPE.group}/${parentName}`;
}

/**
 * The id kubectl computes for a parent and compares with the parent's id label:
 * `applyset-<base64url(sha256("<name>.<namespace>.<kind>.<group>"))>-v1`, unpadded. The namespace of
 * a cluster-scoped parent is empty.
 */
export function applySetId(parent: { name: string; namespace?: string; kind: string; group: string }): string {
  const digest = createHash('sha256').update([parent.name, parent.namespace ?? '', parent.kind, parent.group].join('.')).digest('base64url');
  return `applyset-${digest}-v1`;
}

/** Tooling annotation value: kubectl checks only the part before the slash. */
export const APPLYSET_TOOLING = 'kubectl/v1.34.2';
