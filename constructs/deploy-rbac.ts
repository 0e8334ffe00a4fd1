/**
 * Least-privilege RBAC for the identity that runs `scripts/deploy.sh` (server-side apply, pruned by
 * a kubectl ApplySet), derived from the objects the app synthesizes: it may apply exactly the kinds
 * that are there, prune those kinds in the namespaces of the set, and nothing else.
 *
 * Kubernetes forbids creating a Role or binding that grants permissions its creator does not hold
 * (unless the creator has `escalate`/`bind`, which would let it grant itself anything). So the deploy
 * identity also holds the rules of every Role/ClusterRole in the manifests; a binding to a role that
 * is not in the manifests (a built-in ClusterRole) gets `bind` on that one name only. The consequence
 * is deliberate: the pipeline can never widen its own rights; a change that adds a kind must be
 * applied once by a cluster admin (docs/jenkins.md).
 */

import { CLUSTER_SCOPED_KINDS as BUILTIN_CLUSTER_SCOPED_KINDS, groupOf } from '../lib/api-scope';
import { APPLYSET_TYPE } from './applyset';

export { groupOf };

/** What the deploy identity needs to know about one synthesized object. */
export interface ManagedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** Unset for cluster-scoped kinds. */
  readonly namespace?: string;
  /** Role/ClusterRole rules, binding roleRef: read from the manifest. */
  readonly rules?: readonly PolicyRule[];
  readonly roleRef?: { readonly kind: string; readonly name: string };
}

export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

/** Kinds that live outside namespaces: Kubernetes' own (lib/api-scope.ts) and our ApplySet parent type. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([...BUILTIN_CLUSTER_SCOPED_KINDS, APPLYSET_TYPE.kind]);

/**
 * Never pruned: deleting a Namespace deletes everything in it, volumes included. Removing one from
 * the configuration is a decision for a human, not a side effect of a pipeline run.
 */
export const NEVER_PRUNED_KINDS = new Set(['Namespace']);

/** Verbs `kubectl apply` (server-side, dry run included) needs on a kind. */
export const APPLY_VERBS = ['create', 'get', 'patch', 'update'];
/** Verbs the ApplySet prune needs on every kind of the set in every namespace of the set. */
export const PRUNE_VERBS = ['delete', 'get', 'list'];

const IRREGULAR_PLURALS: Record<string, string> = { Endpoints: 'endpoints' };

/** Resource (URL) name of a kind: `NetworkPolicy` → `networkpolicies`, `Ingress` → `ingresses`. */
export function resourceOf(kind: string): string {
  const irregular = IRREGULAR_PLURALS[kind];
  if (irregular) return irregular;
  const lower = kind.toLowerCase();
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  return `${lower}s`;
}

export function isClusterScoped(o: Pick<ManagedObject, 'kind'>): boolean {
  return CLUSTER_SCOPED_KINDS.has(o.kind);
}

/**
 * Accumulates permissions and renders them as few, stable, sorted rules: one per
 * (API group, resourceNames, verb set), listing every resource that shares them.
 */
export class RuleSet {
  private readonly grants = new Map<string, Set<string>>();
  private readonly urls = new Map<string, Set<string>>();

  add(rule: PolicyRule): this {
    for (const url of rule.nonResourceURLs ?? []) this.addVerbs(this.urls, url, rule.verbs);
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        const key = JSON.stringify([group, resource, [...(rule.resourceNames ?? [])].sort()]);
        this.addVerbs(this.grants, key, rule.verbs);
      }
    }
    return this;
  }

  addKind(apiVersion: string, kind: string, verbs: readonly string[]): this {
    return this.add({ apiGroups: [groupOf(apiVersion)], resources: [resourceOf(kind)], verbs });
  }

  get empty(): boolean {
    return this.grants.size === 0 && this.urls.size === 0;
  }

  rules(): PolicyRule[] {
    const byShape = new Map<string, { group: string; names: string[]; verbs: string[]; resources: string[] }>();
    for (const [key, verbs] of this.grants) {
      const [group, resource, names] = JSON.parse(key) as [string, string, string[]];
      const sortedVerbs = [...verbs].sort();
      const shape = JSON.stringify([group, names, sortedVerbs]);
      const entry = byShape.get(shape) ?? { group, names, verbs: sortedVerbs, resources: [] };
      entry.resources.push(resource);
      byShape.set(shape, entry);
    }
    const resourceRules: PolicyRule[] = [...byShape.values()]
      .map((e) => ({
        apiGroups: [e.group],
        resources: [...e.resources].sort(),
        ...(e.names.length > 0 ? { resourceNames: e.names } : {}),
        verbs: e.verbs,
      }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const urlRules: PolicyRule[] = [...this.urls.entries()]
      .map(([url, verbs]) => ({ nonResourceURLs: [url], verbs: [...verbs].sort() }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    return [...resourceRules, ...urlRules];
  }

  private addVerbs(map: Map<string, Set<string>>, key: string, verbs: readonly string[]): void {
    const set = map.get(key) ?? new Set<string>();
    for (const v of verbs) set.add(v);
    map.set(key, set);
  }
}

export interface DeployPermissions {
  /** Namespace → rules of the Role the deploy identity gets there. */
  readonly namespaced: Map<string, PolicyRule[]>;
  /** Rules of its ClusterRole, or none when nothing cluster-scoped is deployed. */
  readonly cluster: PolicyRule[];
}

/** What one `scripts/deploy.sh` run touches, in the script's terms. */
export interface DeploySet {
  /** ApplySet members: applied, and pruned once they leave the output. */
  readonly members: readonly ManagedObject[];
  /** Applied after the prune and never pruned: the deploy identity's own objects. */
  readonly unpruned?: readonly ManagedObject[];
  /** Single objects the script reads and patches by name only (the ApplySet parent type and parent). */
  readonly named?: readonly PolicyRule[];
}

/**
 * Everything `scripts/deploy.sh` needs, in `namespaces` (objects elsewhere are left out: the caller
 * decides where the pipeline deploys).
 *
 * - apply (`create/get/patch/update`) on each kind where it is;
 * - prune (`get/list/delete`) on every member kind in every namespace: kubectl's ApplySet pruner
 *   lists each kind the parent recorded in each namespace it recorded, so a right that follows the
 *   objects (a kind in the namespaces where it is today) breaks the run that removes the last one;
 * - the rules of every Role in the output where that Role applies (creating a Role needs them).
 */
export function deployPermissions(set: DeploySet, namespaces: readonly string[]): DeployPermissions {
  const perNamespace = new Map<string, RuleSet>(namespaces.map((ns) => [ns, new RuleSet()]));
  const cluster = new RuleSet();
  const all = [...set.members, ...(set.unpruned ?? [])];
  const clusterRolesInManifests = new Set(all.filter((o) => o.kind === 'ClusterRole').map((o) => o.name));
  const targetOf = (o: ManagedObject): RuleSet | undefined =>
    isClusterScoped(o) ? cluster : o.namespace !== undefined ? perNamespace.get(o.namespace) : undefined;

  for (const o of all) {
    const target = targetOf(o);
    if (!target) continue;
    target.addKind(o.apiVersion, o.kind, APPLY_VERBS);
    // Creating a role needs its permissions: hold them where the role applies.
    for (const rule of o.rules ?? []) target.add(rule);
    // Binding a role that is not in the manifests (a built-in one): `bind` on that name only.
    if (o.roleRef && o.roleRef.kind === 'ClusterRole' && !clusterRolesInManifests.has(o.roleRef.name)) {
      cluster.add({ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], resourceNames: [o.roleRef.name], verbs: ['bind'] });
    }
  }
  for (const o of set.members) {
    // Never-pruned kinds still need `list`: the pruner lists every kind of the set; without
    // `delete` a removed Namespace makes the run fail instead of deleting it.
    const verbs = NEVER_PRUNED_KINDS.has(o.kind) ? ['get', 'list'] : PRUNE_VERBS;
    if (isClusterScoped(o)) cluster.addKind(o.apiVersion, o.kind, verbs);
    else for (const rules of perNamespace.values()) rules.addKind(o.apiVersion, o.kind, verbs);
  }
  for (const rule of set.named ?? []) cluster.add(rule);

  const namespaced = new Map<string, PolicyRule[]>();
  for (const ns of [...perNamespace.keys()].sort()) {
    const rules = perNamespace.get(ns)!;
    if (!rules.empty) namespaced.set(ns, rules.rules());
  }
  return { namespaced, cluster: cluster.rules() };
}

/** Reads what the deploy identity needs from a synthesized manifest. */
export function managedObjectOf(manifest: any): ManagedObject {
  return {
    apiVersion: manifest.apiVersion,
    kind: manifest.kind,
    name: manifest.metadata?.name,
    ...(manifest.metadata?.namespace && !CLUSTER_SCOPED_KINDS.has(manifest.kind) ? { namespace: manifest.metadata.namespace } : {}),
    ...(Array.isArray(manifest.rules) ? { rules: manifest.rules } : {}),
    ...(manifest.roleRef ? { roleRef: { kind: manifest.roleRef.kind, name: manifest.roleRef.name } } : {}),
  };
}
