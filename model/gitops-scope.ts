import { CLUSTER_SCOPED_KINDS, groupOf } from '../lib/api-scope';
import { APPLYSET_TYPE } from './applyset-type';

/**
 * What a GitOps tool may touch for this environment, derived from the objects we generate (never
 * listed by hand): the namespaces they live in, the kinds on either side of the namespace line,
 * and the fields a controller owns after the apply. The chart builds the Argo CD AppProject and
 * Application from it; the validator re-derives it from the published manifests to catch a stale
 * gitops/ folder. A pure function over objects (no configuration), so the validator may read it.
 */

/** The part of a Kubernetes object the derivation reads. */
export interface ScopedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec?: {
    readonly replicas?: unknown;
    readonly scaleTargetRef?: { readonly apiVersion?: string; readonly kind?: string; readonly name?: string };
    /** A CustomResourceDefinition's: the scope of the kind it defines. */
    readonly group?: string;
    readonly scope?: string;
    readonly names?: { readonly kind?: string };
  };
}

export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/** A field another controller writes after we applied it (Argo CD `ignoreDifferences` entry). */
export interface ControllerOwnedField {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly jsonPointers: readonly string[];
  /** Who owns it, for the comment in docs and findings. */
  readonly owner: string;
}

export interface GitOpsScope {
  /** Every namespace an object lives in, and every Namespace object: the AppProject's destinations. */
  readonly namespaces: string[];
  readonly clusterKinds: GroupKind[];
  readonly namespacedKinds: GroupKind[];
  readonly controllerOwned: ControllerOwnedField[];
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sortKinds = (set: Map<string, GroupKind>) => [...set.values()].sort((a, b) => byText(a.group, b.group) || byText(a.kind, b.kind));

export function gitopsScope(objects: readonly ScopedObject[]): GitOpsScope {
  const namespaces = new Set<string>();
  const cluster = new Map<string, GroupKind>();
  const namespaced = new Map<string, GroupKind>();
  // Kinds the output defines itself: their scope is in their CustomResourceDefinition.
  const defined = new Set(objects.filter((o) => o.kind === 'CustomResourceDefinition' && o.spec?.scope === 'Cluster').map((o) => `${o.spec?.group}/${o.spec?.names?.kind}`));
  // Our ApplySet parent type too: its CRD sits in a file of its own, not always beside its objects.
  const clusterScoped = (o: ScopedObject) => CLUSTER_SCOPED_KINDS.has(o.kind) || o.kind === APPLYSET_TYPE.kind || defined.has(`${groupOf(o.apiVersion)}/${o.kind}`);
  for (const o of objects) {
    const gk = { group: groupOf(o.apiVersion), kind: o.kind };
    const key = `${gk.group}/${gk.kind}`;
    if (clusterScoped(o)) cluster.set(key, gk);
    else namespaced.set(key, gk);
    if (o.kind === 'Namespace') namespaces.add(o.metadata.name);
    else if (!clusterScoped(o) && o.metadata.namespace) namespaces.add(o.metadata.namespace);
  }
  return { namespaces: [...namespaces].sort(byText), clusterKinds: sortKinds(cluster), namespacedKinds: sortKinds(namespaced), controllerOwned: controllerOwned(objects) };
}

/**
 * `spec.replicas` of a workload that a HorizontalPodAutoscaler scales belongs to the autoscaler.
 * Our charts leave it out in that case (constructs/microservice.ts), so this is normally empty;
 * when an object does set it, the tool must not undo every scaling decision.
 */
function controllerOwned(objects: readonly ScopedObject[]): ControllerOwnedField[] {
  const out: ControllerOwnedField[] = [];
  for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const ref = hpa.spec?.scaleTargetRef;
    const target = objects.find(
      (o) => o.kind === ref?.kind && o.metadata.name === ref?.name && o.metadata.namespace === hpa.metadata.namespace && groupOf(o.apiVersion) === groupOf(ref?.apiVersion ?? ''),
    );
    if (target?.spec?.replicas !== undefined) {
      out.push({ group: groupOf(target.apiVersion), kind: target.kind, namespace: hpa.metadata.namespace ?? '', name: target.metadata.name, jsonPointers: ['/spec/replicas'], owner: `HorizontalPodAutoscaler ${hpa.metadata.name}` });
    }
  }
  return out.sort((a, b) => byText(`${a.namespace}/${a.kind}/${a.name}`, `${b.namespace}/${b.kind}/${b.name}`));
}
