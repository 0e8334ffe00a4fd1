import type { Finding } from './findings';
import { Manifest, refOf } from './manifests';

/**
 * Size limits an API server or `kubectl apply` enforces, which no schema expresses:
 * - client-side `kubectl apply` (what the Jenkinsfile runs) stores the whole object in the
 *   `kubectl.kubernetes.io/last-applied-configuration` annotation, and all annotations of an
 *   object together may hold at most 256 KiB;
 * - a ConfigMap or Secret may hold at most 1 MiB of data.
 * Generated configuration grows with the configuration (a route per service, …), so this is
 * where a large environment breaks first.
 */
export const ANNOTATIONS_LIMIT = 256 * 1024;
export const CONFIG_DATA_LIMIT = 1024 * 1024;

function dataBytes(o: any): number {
  let n = 0;
  for (const field of ['data', 'binaryData', 'stringData']) {
    for (const [k, v] of Object.entries((o[field] ?? {}) as Record<string, string>)) n += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  return n;
}

export function checkSizes(manifests: readonly Manifest[]): Finding[] {
  const out: Finding[] = [];
  for (const m of manifests) {
    const o = m.object;
    const annotations = Object.entries((o.metadata?.annotations ?? {}) as Record<string, string>).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
    // The annotation holds the object as applied (JSON), next to the object's other annotations.
    const applied = Buffer.byteLength(JSON.stringify(o)) + annotations;
    if (applied > ANNOTATIONS_LIMIT) {
      out.push({
        check: 'size',
        file: m.file,
        object: refOf(o),
        path: 'metadata.annotations',
        message: `${Math.ceil(applied / 1024)} KiB: needs server-side apply. Client-side \`kubectl apply\` (the default) would store it in the last-applied-configuration annotation, over the ${ANNOTATIONS_LIMIT / 1024} KiB annotation limit, and the API server rejects it`,
        fix: 'apply in server-side mode, which tracks fields in metadata.managedFields instead of that annotation: `kubectl apply --server-side --field-manager=<partOf>-<environment> -f <dir>` (as the README and the Jenkinsfile do), or make the generated content smaller (split it across objects)',
      });
    }
    if ((o.kind === 'ConfigMap' || o.kind === 'Secret') && dataBytes(o) > CONFIG_DATA_LIMIT) {
      out.push({
        check: 'size',
        file: m.file,
        object: refOf(o),
        path: 'data',
        message: `${Math.ceil(dataBytes(o) / 1024)} KiB of data: a ${o.kind} may hold at most ${CONFIG_DATA_LIMIT / 1024} KiB`,
        fix: 'split the content across several objects, or generate less of it',
      });
    }
  }
  return out;
}
