import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';

export const MANIFEST_SUFFIX = '.k8s.yaml';

/**
 * Copy freshly synthesized manifests from `staging` into `target`: each file is written to a
 * temporary name and renamed over the old one, then manifests that are no longer produced are
 * removed. Files in `target` that are not manifests (and sub-directories) are left alone.
 */
export function publish(staging: string, target: string): string[] {
  mkdirSync(target, { recursive: true });
  const fresh = readdirSync(staging).filter((f) => f.endsWith(MANIFEST_SUFFIX)).sort();
  for (const f of fresh) {
    const tmp = path.join(target, `.${f}.tmp`);
    writeFileSync(tmp, readFileSync(path.join(staging, f)));
    renameSync(tmp, path.join(target, f));
  }
  for (const f of readdirSync(target)) {
    if (f.endsWith(MANIFEST_SUFFIX) && !fresh.includes(f)) rmSync(path.join(target, f));
  }
  return fresh.map((f) => path.join(target, f));
}
