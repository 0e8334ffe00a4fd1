import { groupOf, isClusterScoped, resourceOf } from '../constructs/deploy-rbac';
import { deployIdentity } from '../charts/deploy';
import { APPLYSET_CRD_NAME, APPLYSET_TYPE } from '../constructs/applyset';
import { configFrom, find, K8sObject, synthObjects } from './support/manifests';

const config = configFrom();
const ci = config.namespaces.ci;
const objects = synthObjects(config);
const deployName = `${config.jenkins.name}-deploy`;
const rbac = objects.filter((o) => ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'].includes(o.kind));

/** Does `rules` allow `verb` on `resource` in `group` (for `name`, when given)? RBAC semantics, no wildcards expected. */
function allows(rules: any[], group: string, resource: string, verb: string, name?: string): boolean {
  return rules.some(
    (r) => (!r.resourceNames || (name !== undefined && r.resourceNames.includes(name))) && (r.apiGroups ?? []).includes(group) && (r.resources ?? []).includes(resource) && r.verbs.includes(verb),
  );
}

/** ApplySet members: everything but the deploy chart's own objects and the parent (scripts/deploy.sh). */
const DEPLOY_FILE_KINDS = new Set(['CustomResourceDefinition', APPLYSET_TYPE.kind]);
const members = objects.filter((o) => !DEPLOY_FILE_KINDS.has(o.kind) && o.metadata.labels?.['app.kubernetes.io/component'] !== 'ci-deploy');
const memberNamespaces = [...new Set(members.filter((o) => !isClusterScoped(o)).map((o) => o.metadata.namespace))];

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

test('the deploy identity can apply every object the app synthesizes', () => {
  // Arrange: every (kind, namespace) in the output but the ApplySet type and parent (by name, below).
  const targets = new Map<string, K8sObject>();
  for (const o of objects.filter((x) => !DEPLOY_FILE_KINDS.has(x.kind))) targets.set(`${o.apiVersion}|${o.kind}|${isClusterScoped(o) ? '' : o.metadata.namespace}`, o);

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
            for (const name of rule.resourceNames ?? [undefined]) {
              expect({ role: role.metadata.name, group, resource, verb, name, held: allows(held, group, resource, verb, name) }).toMatchObject({ held: true });
            }
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

test('the ApplySet pruner may list and delete every member kind in every namespace of the set', () => {
  // kubectl lists each recorded kind in each recorded namespace: a kind that leaves one namespace is
  // still listed there on the run that removes it.
  for (const o of members) {
    const where = isClusterScoped(o) ? [undefined] : memberNamespaces;
    for (const ns of where) {
      const rules = deployRules(ns);
      for (const verb of o.kind === 'Namespace' ? ['list'] : ['list', 'delete']) {
        expect({ kind: o.kind, ns, verb, allowed: allows(rules, groupOf(o.apiVersion), resourceOf(o.kind), verb) }).toEqual({ kind: o.kind, ns, verb, allowed: true });
      }
    }
  }
});

test('the ApplySet type and parent: read and patched by name only, never created or deleted by the pipeline', () => {
  const cluster = deployRules(undefined);
  const parent = deployIdentity(config).parentName;
  for (const verb of ['get', 'patch']) {
    expect(allows(cluster, 'apiextensions.k8s.io', 'customresourcedefinitions', verb, APPLYSET_CRD_NAME)).toBe(true);
    expect(allows(cluster, APPLYSET_TYPE.group, APPLYSET_TYPE.plural, verb, parent)).toBe(true);
  }
  // kubectl lists the CRDs labelled as parent types before it accepts a custom-resource parent.
  expect(allows(cluster, 'apiextensions.k8s.io', 'customresourcedefinitions', 'list')).toBe(true);
  for (const verb of ['create', 'delete', 'update']) {
    expect(allows(cluster, 'apiextensions.k8s.io', 'customresourcedefinitions', verb, APPLYSET_CRD_NAME)).toBe(false);
    expect(allows(cluster, APPLYSET_TYPE.group, APPLYSET_TYPE.plural, verb, parent)).toBe(false);
  }
  expect(allows(cluster, 'apiextensions.k8s.io', 'customresourcedefinitions', 'patch', 'other.example.com')).toBe(false);
});

test('the deploy identity applies its own RBAC but may not prune it (applied after the prune, outside the set)', () => {
  const own = objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'ci-deploy');
  expect(own.map((o) => o.kind).sort()).toEqual(expect.arrayContaining(['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'ServiceAccount']));
  for (const o of own) expect(o.metadata.labels['app.kubernetes.io/part-of']).toBe(config.partOf);
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
