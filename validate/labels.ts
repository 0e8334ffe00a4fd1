import type { Finding } from './findings';
import { fieldPath } from './findings';
import type { Manifest } from './manifests';
import { refOf } from './manifests';
import { labelKeyProblem, labelValueProblem } from '../lib/names';

/** Label keys and values (lib/names.ts) wherever they appear: metadata.labels of objects and of pod and
 * claim templates, selectors (matchLabels, matchExpressions keys and In/NotIn values, a Service's plain
 * selector) and nodeSelector. */

type Path = Array<string | number>;

export function checkLabels(manifests: readonly Manifest[]): Finding[] {
  const out: Finding[] = [];
  for (const m of manifests) {
    const report = (path: Path, message: string) =>
      out.push({ check: 'labels', file: m.file, object: refOf(m.object), path: fieldPath(path), message, fix: 'use a valid label (keys `[prefix/]name`, values at most 63 characters of [A-Za-z0-9-_.] starting and ending alphanumeric); derive it from lib/labels.ts' });
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
