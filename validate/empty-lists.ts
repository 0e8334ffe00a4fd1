import type { Finding } from './findings';
import { fieldPath } from './findings';
import type { Manifest } from './manifests';
import { refOf } from './manifests';

/**
 * Empty lists the API server does not store. Almost every list field of the Kubernetes API is
 * `omitempty`: `ingress: []` is read as "no rules" and dropped, so the stored object never has the
 * field, and every apply (and a GitOps controller's diff) sees a change that never settles. Leave the
 * field out instead; it means the same.
 *
 * The few list fields that are not `omitempty` are kept as written: they are not findings. An
 * environment variable's empty `value` is dropped the same way and reported here too.
 */
const KEPT_EMPTY: Readonly<Record<string, readonly string[]>> = {
  // rbac/v1 Role and ClusterRole: `Rules []PolicyRule json:"rules"`.
  Role: ['rules'],
  ClusterRole: ['rules'],
};

/** Subtrees that are data, not API fields (a CRD's OpenAPI schema). */
const OPAQUE: Readonly<Record<string, RegExp>> = {
  CustomResourceDefinition: /^spec\.versions\[\d+\]\.schema/,
};

type Path = Array<string | number>;

export function checkEmptyLists(manifests: readonly Manifest[]): Finding[] {
  const out: Finding[] = [];
  for (const m of manifests) {
    const o = m.object as Record<string, unknown> | undefined;
    if (!o || typeof o !== 'object') continue;
    const kind = String(o.kind ?? '');
    const kept = new Set(KEPT_EMPTY[kind] ?? []);
    const opaque = OPAQUE[kind];
    const walk = (value: unknown, path: Path) => {
      if (path.length > 0 && opaque?.test(fieldPath(path))) return;
      if (value === '' && path[path.length - 1] === 'value' && typeof path[path.length - 2] === 'number' && path[path.length - 3] === 'env') {
        out.push({
          check: 'empty-lists',
          file: m.file,
          object: refOf(m.object),
          path: fieldPath(path),
          message: 'an empty environment value: the API server drops `value: ""`, so every apply reports a change',
          fix: 'leave `value` out (the variable is set to the empty string either way)',
        });
      } else if (Array.isArray(value)) {
        if (value.length === 0 && !kept.has(fieldPath(path))) {
          out.push({
            check: 'empty-lists',
            file: m.file,
            object: refOf(m.object),
            path: fieldPath(path),
            message: 'an empty list: the API server drops it, so every apply reports a change and a GitOps diff never settles',
            fix: 'leave the field out (an absent list means the same); write only what the server stores',
          });
        }
        value.forEach((v, i) => walk(v, [...path, i]));
      } else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, [...path, k]);
      }
    };
    walk(o, []);
  }
  return out;
}
