import { groupOf, isClusterScoped, resourceOf } from '../constructs/deploy-rbac';
import { deployIdentity } from '../charts/jenkins';
import { configFrom, find, K8sObject, synthObjects } from './support/manifests';

const config = configFrom();
const ci = config.namespaces.ci;
const objects = synthObjects(config);
const deployName = `${config.jenkins.name}-deploy`;
const rbac = objects.filter((o) => ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'].includes(o.kind));

/** Does `rules` allow `verb` on `resource` in `group`? (RBAC semantics, no wildcards expected.) */
function allows(rules: any[], group: string, resource: string, verb: string): boolean {
  return rules.some((r) => !r.resourceNames && (r.apiGroups ?? []).includes(group) && (r.resources ?? []).includes(resource) && r.verbs.includes(verb));
}

function deployRules(namespace: string | undefined): any[] {
  if (namespace === undefined) {
    const binding = find(objects, 'ClusterRoleBinding', `${ci}-${deployName}`);
    return find(objects, 'ClusterRole', binding.roleRef.name).rules;
  }
  const binding = find(objects, 'RoleBinding', deployName, namespace);
  expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: deployName, namespace: ci }]);
  return find(objects, 'Role', binding.roleRef.name, namespace).rules;
}

test('no RBAC rule uses a wildcard', () => {
  for (const o of rbac.filter((r) => r.rules)) {
    for (const rule of o.rules) {
      for (const field of ['apiGroups', 'resources', 'verbs', 'resourceNames', 'nonResourceURLs']) {
        expect({ object: `${o.kind}/${o.metadata.name}`, field, values: rule[field] ?? [] }).toEqual(
          expect.objectContaining({ values: expect.not.arrayContaining(['*']) }),
        );
      }
    }
  }
});

test('nothing binds cluster-admin, admin or edit', () => {
  for (const b of rbac.filter((o) => o.roleRef)) {
    expect(['cluster-admin', 'admin', 'edit']).not.toContain(b.roleRef.name);
  }
});

test('no Role grants secrets cluster-wide, and the deployer has no escalate or bind without a name', () => {
  for (const o of objects.filter((x) => x.kind === 'ClusterRole')) {
    expect(o.rules.some((r: any) => (r.resources ?? []).includes('secrets'))).toBe(false);
  }
  for (const o of rbac.filter((r) => r.rules)) {
    for (const rule of o.rules) {
      if (rule.verbs.includes('escalate') || rule.verbs.includes('bind')) expect(rule.resourceNames?.length).toBeGreaterThan(0);
    }
  }
});

test('the deploy identity can apply and prune every object the app synthesizes', () => {
  // Arrange: every (kind, namespace) in the output, read from the manifests themselves.
  const targets = new Map<string, K8sObject>();
  for (const o of objects) targets.set(`${o.apiVersion}|${o.kind}|${isClusterScoped(o) ? '' : o.metadata.namespace}`, o);

  for (const o of targets.values()) {
    const rules = deployRules(isClusterScoped(o) ? undefined : o.metadata.namespace);
    for (const verb of ['get', 'create', 'patch']) {
      expect({ object: `${o.kind} ${o.metadata.namespace ?? ''}`, verb, allowed: allows(rules, groupOf(o.apiVersion), resourceOf(o.kind), verb) }).toMatchObject({ allowed: true });
    }
  }
});

test('the deploy identity holds every permission of the roles it creates (no escalate needed)', () => {
  for (const role of objects.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole')) {
    const held = deployRules(role.kind === 'Role' ? role.metadata.namespace : undefined);
    for (const rule of role.rules) {
      for (const group of rule.apiGroups ?? []) {
        for (const resource of rule.resources ?? []) {
          for (const verb of rule.verbs) {
            expect({ role: role.metadata.name, group, resource, verb, held: allows(held, group, resource, verb) }).toMatchObject({ held: true });
          }
        }
      }
    }
  }
});

test('the deploy identity gets nothing beyond the kinds in the output and the rules of its roles', () => {
  const kinds = new Set(objects.map((o) => `${groupOf(o.apiVersion)}/${resourceOf(o.kind)}`));
  const roleResources = new Set(
    objects.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole').flatMap((r) => r.rules.flatMap((x: any) => (x.apiGroups ?? []).flatMap((g: string) => (x.resources ?? []).map((res: string) => `${g}/${res}`)))),
  );
  for (const ns of [...new Set(objects.filter((o) => o.kind === 'Role' && o.metadata.name === deployName).map((o) => o.metadata.namespace))]) {
    for (const rule of deployRules(ns)) {
      for (const g of rule.apiGroups) for (const r of rule.resources) expect(kinds.has(`${g}/${r}`) || roleResources.has(`${g}/${r}`)).toBe(true);
    }
  }
});

test('namespaces are applied but never pruned (listed by the ApplySet pruner, never deleted)', () => {
  const cluster = deployRules(undefined);

  expect(allows(cluster, '', 'namespaces', 'create')).toBe(true);
  expect(allows(cluster, '', 'namespaces', 'list')).toBe(true);
  expect(allows(cluster, '', 'namespaces', 'delete')).toBe(false);
});

test('the ApplySet pruner may list every kind it applies, and kubectl may keep the ApplySet parent ConfigMap in ci', () => {
  for (const o of objects) {
    const rules = deployRules(isClusterScoped(o) ? undefined : o.metadata.namespace);
    expect({ kind: o.kind, list: allows(rules, groupOf(o.apiVersion), resourceOf(o.kind), 'list') }).toEqual({ kind: o.kind, list: true });
  }
  const parentResource = deployIdentity(config).applySet.split('/')[0];
  for (const verb of ['get', 'create', 'patch']) expect(allows(deployRules(ci), '', parentResource, verb)).toBe(true);
});

test('the controller may manage pods in its own namespace only', () => {
  const sa = config.jenkins.name;
  const bindings = rbac.filter((b) => b.subjects?.some((s: any) => s.kind === 'ServiceAccount' && s.name === sa));

  expect(bindings.map((b) => `${b.kind}/${b.metadata.namespace}`)).toEqual([`RoleBinding/${ci}`]);
  const rules = find(objects, 'Role', bindings[0].roleRef.name, ci).rules;
  expect(new Set(rules.flatMap((r: any) => r.resources))).toEqual(new Set(['pods', 'pods/exec', 'pods/log', 'events']));
});

test('with an explicit namespace list the deploy identity gets Roles there and nowhere else', () => {
  const objs = synthObjects(configFrom({ jenkins: { deploy: { namespaces: [ci] } } }));
  const roles = objs.filter((o) => o.kind === 'Role' && o.metadata.name === deployName);

  expect(roles.map((r) => r.metadata.namespace)).toEqual([ci]);
});
