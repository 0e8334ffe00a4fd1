import type { Finding } from './findings';
import type { Manifest } from './manifests';
import { refOf } from './manifests';

import { DNS1035_LABEL } from '../lib/names';

/**
 * Names the API server validates beyond the schema: a Service's name becomes a DNS label
 * (`<name>.<ns>.svc`) and must be an RFC 1035 label (lib/names.ts).
 */

export function checkObjectNames(manifests: readonly Manifest[]): Finding[] {
  const out: Finding[] = [];
  for (const m of manifests) {
    const o = m.object;
    if (o.kind !== 'Service') continue;
    const name = o.metadata.name;
    if (name.length <= 63 && DNS1035_LABEL.test(name)) continue;
    out.push({
      check: 'names',
      file: m.file,
      object: refOf(o),
      path: 'metadata.name',
      message: `Service name "${name}" is not a DNS-1035 label (${name.length > 63 ? `${name.length} characters, at most 63` : 'lower-case letters, digits and "-" only, starting with a letter and ending with a letter or digit'}): the API server rejects it`,
      fix: 'rename the service in the configuration (e.g. "svc-1" instead of "1-svc" or "My_Svc")',
    });
  }
  return out;
}
