import type { Finding } from './findings';
import type { Manifest } from './manifests';
import { refOf } from './manifests';
import { CLUSTER_SCOPED_KINDS } from '../lib/api-scope';

/**
 * One object per API group, kind, namespace and name: a second definition silently replaces the
 * first on `kubectl apply` (the last one wins, in file order), so one of them never exists.
 * apps/v1 and apps/v1beta2 of a kind are the same object; the API version is not part of the key.
 */
function identity(m: Manifest): string {
  const o = m.object;
  const slash = o.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : o.apiVersion.slice(0, slash);
  const ns = CLUSTER_SCOPED_KINDS.has(o.kind) ? '' : (o.metadata.namespace ?? '');
  return [group, o.kind, ns, o.metadata.name].join('\u0000');
}

export function checkDuplicates(manifests: readonly Manifest[]): Finding[] {
  const first = new Map<string, Manifest>();
  const out: Finding[] = [];
  manifests.forEach((m) => {
    const key = identity(m);
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, m);
      return;
    }
    out.push({
      check: 'duplicates',
      file: m.file,
      object: refOf(m.object),
      path: 'metadata.name',
      message: `is defined twice (also in ${earlier.file}): \`kubectl apply\` keeps only the last definition, so the other one never exists`,
      fix: 'give each object its own name (from the typed configuration), or remove the second definition',
    });
  });
  return out;
}
