import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { Labels } from '../lib/labels';

/**
 * Read-only RBAC for monitoring components. Only the verbs get/list/watch exist here, and every
 * rule names its resources: no wildcards, no write verbs, no secrets.
 */
export const READ_VERBS = ['get', 'list', 'watch'];

export interface ReadRule {
  readonly apiGroup: string;
  readonly resources: readonly string[];
  readonly verbs?: readonly string[];
}

function policyRules(rules: readonly ReadRule[]): k8s.PolicyRule[] {
  return rules.map((r) => ({ apiGroups: [r.apiGroup], resources: [...r.resources], verbs: [...(r.verbs ?? READ_VERBS)] }));
}

/** Cluster-scoped objects must not carry the chart's namespace. */
function clusterScoped<T extends ApiObject>(obj: T): T {
  obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return obj;
}

/** A ClusterRole with these read rules, bound cluster-wide to one ServiceAccount. */
export function clusterReadAccess(scope: Construct, id: string, props: { name: string; labels: Labels; rules: readonly ReadRule[]; serviceAccount: string; namespace: string }): void {
  const role = clusterScoped(new k8s.KubeClusterRole(scope, `${id}-cluster-role`, { metadata: { name: props.name, labels: props.labels }, rules: policyRules(props.rules) }));
  clusterScoped(
    new k8s.KubeClusterRoleBinding(scope, `${id}-cluster-role-binding`, {
      metadata: { name: props.name, labels: props.labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: props.serviceAccount, namespace: props.namespace }],
    }),
  );
}

/** A Role with these read rules in one namespace, bound to a ServiceAccount that may live elsewhere. */
export function namespaceReadAccess(scope: Construct, id: string, props: { name: string; namespace: string; labels: Labels; rules: readonly ReadRule[]; serviceAccount: string; serviceAccountNamespace: string }): void {
  const role = new k8s.KubeRole(scope, `${id}-role`, { metadata: { name: props.name, namespace: props.namespace, labels: props.labels }, rules: policyRules(props.rules) });
  new k8s.KubeRoleBinding(scope, `${id}-role-binding`, {
    metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
    subjects: [{ kind: 'ServiceAccount', name: props.serviceAccount, namespace: props.serviceAccountNamespace }],
  });
}
