/**
 * An object the user creates in the cluster (a credential never belongs in generated manifests),
 * that pods may reference although it is not in dist/: what the model derives from the
 * configuration and the validator accepts as present.
 */
export interface UserCreatedObject {
  readonly kind: 'Secret' | 'ConfigMap' | 'PersistentVolumeClaim' | 'ServiceAccount';
  readonly namespace: string;
  readonly name: string;
  /** Why the project does not generate it, and where the docs say how to create it. */
  readonly reason: string;
}
