import type { ErrorObject } from 'ajv';
import type { Finding } from './findings';
import type { Manifest } from './manifests';
import { refOf } from './manifests';

/** ajv format name of Kubernetes quantities in the official definitions (see schema-definitions.ts). */
export const QUANTITY_FORMAT = 'k8s-quantity';

/** `/spec/template/spec/containers/0/name` → `spec.template.spec.containers[0].name` */
export function pointerToPath(pointer: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  return parts.map((p, i) => (/^[0-9]+$/.test(p) ? `[${p}]` : i === 0 ? p : /^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? `.${p}` : `["${p}"]`)).join('');
}

function valueAt(obj: unknown, pointer: string): unknown {
  let v: any = obj;
  for (const p of pointer.split('/').slice(1)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = v[p.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return v;
}

function shown(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * Turn ajv errors into findings. `against` names the API level ("Kubernetes 1.27 (kubernetes-models)").
 * oneOf/anyOf summaries are dropped: their branches already explain what is wrong.
 */
export function schemaFindings(m: Manifest, errors: readonly ErrorObject[], against: string): Finding[] {
  // `against` is appended by checkSchemas when it merges the same problem found at several API levels.
  const out: Finding[] = [];
  const seen = new Set<string>();
  // A quantity is "string or number": when the string fails its format, the "must be number"
  // from the other branch only adds noise.
  const formatFailed = new Set(errors.filter((e) => e.keyword === 'format').map((e) => e.instancePath));
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if') continue;
    if (e.keyword === 'type' && formatFailed.has(e.instancePath)) continue;
    let path = pointerToPath(e.instancePath);
    let message: string;
    let fix: string;
    const value = valueAt(m.object, e.instancePath);
    switch (e.keyword) {
      case 'additionalProperties': {
        const field = String(e.params.additionalProperty);
        path = path ? `${path}.${field}` : field;
        const allowed = Object.keys((e.parentSchema as any)?.properties ?? {}).sort();
        message = `unknown field "${field}": the API has no such field here (the API server rejects it, or drops it silently)`;
        fix = `remove "${field}" or correct its spelling${allowed.length ? `; fields allowed here: ${allowed.join(', ')}` : ''}`;
        break;
      }
      case 'required': {
        const field = String(e.params.missingProperty);
        path = path ? `${path}.${field}` : field;
        message = `missing required field "${field}"`;
        fix = `set "${field}"`;
        break;
      }
      case 'type':
        message = `must be of type ${e.params.type}, got ${shown(value)}`;
        fix = `write a value of type ${e.params.type}${typeof value === 'string' && /^[0-9]+$/.test(value) ? ' (a number, not a quoted string)' : ''}`;
        break;
      case 'enum':
        message = `invalid value ${shown(value)}`;
        fix = `use one of: ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
        break;
      case 'format':
        if (e.params.format === 'quantity' || e.params.format === QUANTITY_FORMAT) {
          message = `${shown(value)} is not a Kubernetes quantity`;
          fix = 'write a quantity such as "100m", "0.5", "64Mi" or "1Gi"';
          break;
        }
        message = `${shown(value)} is not a valid ${e.params.format}`;
        fix = `write a valid ${e.params.format}`;
        break;
      default:
        message = `${e.message ?? e.keyword}${value !== undefined && typeof value !== 'object' ? `, got ${shown(value)}` : ''}`;
        fix = 'correct the value to what the API accepts';
    }
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ check: 'schema', file: m.file, object: refOf(m.object), path, message: `${message} [${against}]`, fix });
  }
  return out;
}
