import { checkRbac } from '../validate/rbac';
import { manifests, NS } from './support/k8s-fixtures';

const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'prometheus', namespace: NS } };
const role = (kind: string, rules: any[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'reader', ...(kind === 'Role' ? { namespace: NS } : {}) }, rules });
const binding = (kind: string, roleKind: string, roleName = 'reader') => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind,
  metadata: { name: 'reader', ...(kind === 'RoleBinding' ? { namespace: NS } : {}) },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: roleName },
  subjects: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: NS }],
});
const podsRead = { apiGroups: [''], resources: ['pods', 'services', 'endpoints'], verbs: ['get', 'list', 'watch'] };

describe('RBAC', () => {
  test('a least-privilege ClusterRole bound to an existing ServiceAccount is fine', () => {
    expect(checkRbac(manifests(sa, role('ClusterRole', [podsRead]), binding('ClusterRoleBinding', 'ClusterRole')))).toEqual([]);
  });

  test.each([
    ['verbs', { ...podsRead, verbs: ['*'] }],
    ['resources', { ...podsRead, resources: ['*'] }],
    ['apiGroups', { ...podsRead, apiGroups: ['*'] }],
  ])('a wildcard in %s is reported', (field, rule) => {
    expect(checkRbac(manifests(sa, role('Role', [rule]), binding('RoleBinding', 'Role')))).toEqual([expect.objectContaining({ path: `rules[0].${field}` })]);
  });

  test.each(['cluster-admin', 'admin', 'edit'])('binding the built-in %s role is reported', (name) => {
    expect(checkRbac(manifests(sa, binding('ClusterRoleBinding', 'ClusterRole', name)))).toEqual([expect.objectContaining({ path: 'roleRef.name' })]);
    expect(checkRbac(manifests(sa, binding('RoleBinding', 'ClusterRole', name)))).toHaveLength(1);
  });

  test('cluster-wide read of Secrets is reported; the same role bound in one namespace is not', () => {
    const secrets = { apiGroups: [''], resources: ['secrets'], verbs: ['get'] };
    expect(checkRbac(manifests(sa, role('ClusterRole', [secrets]), binding('ClusterRoleBinding', 'ClusterRole')))).toEqual([
      expect.objectContaining({ message: expect.stringContaining('cluster-wide read of Secrets') }),
    ]);
    expect(checkRbac(manifests(sa, role('ClusterRole', [secrets]), binding('RoleBinding', 'ClusterRole')))).toEqual([]);
  });

  test('a binding to a missing role or ServiceAccount is reported', () => {
    expect(checkRbac(manifests(sa, binding('RoleBinding', 'Role')))).toEqual([expect.objectContaining({ path: 'roleRef' })]);
    expect(checkRbac(manifests(role('Role', [podsRead]), binding('RoleBinding', 'Role')))).toEqual([expect.objectContaining({ path: 'subjects[0]' })]);
  });
});
