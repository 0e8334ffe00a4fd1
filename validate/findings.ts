/**
 * A finding: one thing in the synthesized manifests that would break `kubectl apply -f dist` or
 * the running system. It names where (file, object, field path), what is wrong and how to fix it.
 */
export interface ObjectRef {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export interface Finding {
  /** Which check produced it (schema, references, network-policy, pod-security, rbac, urls, …). */
  readonly check: string;
  /** Manifest file the object came from (relative to the validated directory), if any. */
  readonly file?: string;
  readonly object?: ObjectRef;
  /** Field path inside the object, e.g. `spec.template.spec.containers[0].ports`. */
  readonly path?: string;
  readonly message: string;
  readonly fix: string;
}

export function describeObject(o?: ObjectRef): string {
  if (!o) return '(no object)';
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}

/** One finding as a readable block: where, what, how to fix. */
export function formatFinding(f: Finding): string {
  const where = [f.file, f.object ? describeObject(f.object) : undefined, f.path].filter((x) => x !== undefined && x !== '').join(' · ');
  return `[${f.check}] ${where}\n    problem: ${f.message}\n    fix:     ${f.fix}`;
}

/** Stable order (file, object, path, message) so output and tests are deterministic. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const key = (f: Finding) => [f.file ?? '', describeObject(f.object), f.path ?? '', f.check, f.message].join('\u0000');
  return [...findings].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** `['spec', 'containers', 0, 'name']` → `spec.containers[0].name` */
export function fieldPath(parts: ReadonlyArray<string | number>): string {
  return parts.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
