/**
 * Kubernetes' own facts about kinds: which built-in kinds live outside namespaces, and the API
 * group of an apiVersion. Shared by the deploy identity's RBAC, the GitOps scope and the validator,
 * so they never disagree about where an object lives.
 */

/** Built-in kinds that live outside namespaces (the subset a generated environment plausibly holds). */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'RuntimeClass',
  'CustomResourceDefinition',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'CSIDriver',
  'VolumeAttachment',
]);

/** API group of an apiVersion: `apps/v1` → `apps`, `v1` → `` (core). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
