import type { Finding } from './findings';
import { fieldPath } from './findings';
import type { Manifest } from './manifests';
import { refOf } from './manifests';

/**
 * Label keys and values as the API server validates them, wherever they appear: metadata.labels
 * of objects and of pod and claim templates, selectors (matchLabels, matchExpressions keys and
 * In/NotIn values, a Service's plain selector) and nodeSelector.
 * - key: an optional prefix (a DNS-1123 subdomain, at most 253 characters) and "/", then a name of
 *   at most 63 characters: alphanumerics, '-', '_', '.', starting and ending with an alphanumeric;
 * - value: empty, or at most 63 characters of the same alphabet, starting and ending alphanumeric.
 */
const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `key` is not a valid label key, or undefined when it is. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) {
    return `prefix "${prefix}" must be a DNS subdomain (lower-case alphanumerics, '-' and '.', at most 253 characters)`;
  }
  if (name.length === 0 || name.length > 63) return `name part "${name}" must be 1 to 63 characters`;
  if (!NAME.test(name)) return `name part "${name}" may hold only alphanumerics, '-', '_' and '.', starting and ending with an alphanumeric`;
  return undefined;
}

/** Why `value` is not a valid label value, or undefined when it is. */
export function labelValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `must be a string, not ${JSON.stringify(value)}`;
  if (value.length > 63) return `is ${value.length} characters, at most 63`;
  if (!VALUE.test(value)) return `may hold only alphanumerics, '-', '_' and '.', starting and ending with an alphanumeric (or be empty)`;
  return undefined;
}

type Path = Array<string | number>;

export function checkLabels(manifests: readonly Manifest[]): Finding[] {
  const out: Finding[] = [];
  for (const m of manifests) {
    const report = (path: Path, message: string) =>
      out.push({ check: 'labels', file: m.file, object: refOf(m.object), path: fieldPath(path), message, fix: 'use a valid label (keys `[prefix/]name`, values at most 63 characters of [A-Za-z0-9-_.] starting and ending alphanumeric); derive it from constructs/labels.ts' });
    const checkMap = (map: unknown, path: Path) => {
      if (!map || typeof map !== 'object' || Array.isArray(map)) return;
      for (const [k, v] of Object.entries(map as Record<string, unknown>)) {
        const kp = labelKeyProblem(k);
        if (kp) report([...path, k], `label key "${k}": ${kp}`);
        const vp = labelValueProblem(v);
        if (vp) report([...path, k], `label value ${JSON.stringify(v)} of "${k}" ${vp}`);
      }
    };
    const walk = (node: unknown, path: Path): void => {
      if (Array.isArray(node)) {
        node.forEach((x, i) => walk(x, [...path, i]));
        return;
      }
      if (!node || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
        const here = [...path, k];
        const parent = path[path.length - 1];
        if ((k === 'labels' && parent === 'metadata') || k === 'matchLabels' || k === 'nodeSelector') checkMap(v, here);
        else if (k === 'selector' && path.length === 1 && (m.object.kind === 'Service' || m.object.kind === 'ReplicationController')) checkMap(v, here);
        else if (k === 'matchExpressions' && Array.isArray(v)) {
          v.forEach((e: any, i) => {
            const kp = labelKeyProblem(String(e?.key ?? ''));
            if (kp) report([...here, i, 'key'], `label key "${e?.key}": ${kp}`);
            if (e?.operator === 'In' || e?.operator === 'NotIn') {
              ((e.values ?? []) as unknown[]).forEach((x, j) => {
                const vp = labelValueProblem(x);
                if (vp) report([...here, i, 'values', j], `label value ${JSON.stringify(x)} ${vp}`);
              });
            }
          });
        } else if (k !== 'annotations' && !(path.length === 0 && (k === 'data' || k === 'binaryData' || k === 'stringData'))) walk(v, here);
      }
    };
    walk(m.object, []);
  }
  return out;
}
