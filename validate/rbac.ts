import type { Finding } from './findings';
import type { Manifest } from './manifests';
import { refOf } from './manifests';
import { defaultUserCreated, isUserCreated, UserCreatedObject } from './user-created';

/**
 * Least-privilege RBAC: no wildcards, no binding to the built-in superuser roles, no cluster-wide
 * read of Secrets, and every binding points at a role and ServiceAccounts that exist.
 */
export const FORBIDDEN_ROLES = ['cluster-admin', 'admin', 'edit'];
/** Built-in ClusterRoles a binding may use without the manifests defining them. */
export const BUILTIN_CLUSTER_ROLES = ['view'];
const SECRET_READ = ['get', 'list', 'watch', '*'];

function f(m: Manifest, path: string, message: string, fix: string): Finding {
  return { check: 'rbac', file: m.file, object: refOf(m.object), path, message, fix };
}

export function checkRbac(manifests: readonly Manifest[], userCreated: readonly UserCreatedObject[] = defaultUserCreated()): Finding[] {
  const out: Finding[] = [];
  const roles = manifests.filter((m) => m.object.kind === 'Role' || m.object.kind === 'ClusterRole');
  for (const m of roles) {
    ((m.object.rules ?? []) as any[]).forEach((rule, i) => {
      for (const field of ['verbs', 'resources', 'apiGroups', 'nonResourceURLs', 'resourceNames']) {
        if (((rule[field] ?? []) as string[]).some((x) => x === '*' || (field === 'resources' && x.endsWith('/*')))) {
          out.push(f(m, `rules[${i}].${field}`, `grants a wildcard in ${field}: it silently covers everything added later`, `list the exact ${field} the program needs`));
        }
      }
    });
  }
  const findRole = (kind: string, ns: string | undefined, name: string) =>
    roles.find((r) => r.object.kind === kind && r.object.metadata.name === name && (kind === 'ClusterRole' || (r.object.metadata.namespace ?? 'default') === ns));
  for (const m of manifests.filter((x) => x.object.kind === 'RoleBinding' || x.object.kind === 'ClusterRoleBinding')) {
    const b = m.object;
    const ref = b.roleRef ?? {};
    const ns = b.metadata.namespace ?? 'default';
    if (FORBIDDEN_ROLES.includes(ref.name) && ref.kind === 'ClusterRole') {
      out.push(f(m, 'roleRef.name', `binds the built-in "${ref.name}" role: far more than any workload here needs`, 'bind a Role listing exactly the resources and verbs the program uses'));
      continue;
    }
    const role = findRole(ref.kind, ns, ref.name);
    if (!role && !(ref.kind === 'ClusterRole' && (BUILTIN_CLUSTER_ROLES.includes(ref.name) || String(ref.name).startsWith('system:')))) {
      out.push(f(m, 'roleRef', `refers to ${ref.kind} ${ref.name}, which is not in the manifests: the binding grants nothing`, 'generate the role, or fix roleRef'));
    }
    if (b.kind === 'ClusterRoleBinding' && role) {
      ((role.object.rules ?? []) as any[]).forEach((rule, i) => {
        const secrets = ((rule.resources ?? []) as string[]).some((r) => r === 'secrets' || r === '*');
        const core = ((rule.apiGroups ?? []) as string[]).some((g) => g === '' || g === '*');
        const reads = ((rule.verbs ?? []) as string[]).some((v) => SECRET_READ.includes(v));
        if (secrets && core && reads) {
          out.push(
            f(m, 'roleRef', `grants cluster-wide read of Secrets (${role.object.metadata.name} rules[${i}]) to ${((b.subjects ?? []) as any[]).map((s) => `${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}`).join(', ')}: every credential in every namespace`, 'use a RoleBinding in the namespaces that need it, with resourceNames where possible'),
          );
        }
      });
    }
    ((b.subjects ?? []) as any[]).forEach((s, i) => {
      if (s.kind !== 'ServiceAccount') return;
      const sns = s.namespace ?? ns;
      const exists = manifests.some((x) => x.object.kind === 'ServiceAccount' && x.object.metadata.name === s.name && (x.object.metadata.namespace ?? 'default') === sns);
      if (!exists && !isUserCreated('ServiceAccount', sns, s.name, userCreated)) {
        out.push(f(m, `subjects[${i}]`, `binds ServiceAccount ${sns}/${s.name}, which is not in the manifests`, 'generate the ServiceAccount or fix the subject'));
      }
    });
  }
  return out;
}
