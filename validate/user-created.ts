/**
 * Objects the user creates in the cluster, that pods may reference although they are not in
 * dist/: credentials never belong in generated manifests (the docs give the one
 * `kubectl create secret …` command for each). Keyed by kind, namespace and name; each entry says
 * why it is not generated. Charts that reference a user-created object add it here.
 */
export interface UserCreatedObject {
  readonly kind: 'Secret' | 'ConfigMap' | 'PersistentVolumeClaim' | 'ServiceAccount';
  readonly namespace: string;
  readonly name: string;
  /** Why the project does not generate it, and where the docs say how to create it. */
  readonly reason: string;
}

export const USER_CREATED: readonly UserCreatedObject[] = [
  // Example of the shape (Grafana/Jenkins/Alertmanager charts add their admin Secrets here):
  // { kind: 'Secret', namespace: 'monitoring', name: 'grafana-admin', reason: 'Grafana admin password: never in dist/; see docs/monitoring.md' },
];

export function isUserCreated(kind: string, namespace: string, name: string, list: readonly UserCreatedObject[] = USER_CREATED): UserCreatedObject | undefined {
  return list.find((o) => o.kind === kind && o.namespace === namespace && o.name === name);
}
