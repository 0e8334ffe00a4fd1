import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'fs';
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

/**
 * publish() for a sub-folder of the output (`gitops/`) that a configuration may or may not have:
 * without staged files, the target's old manifests go, and the folder too once it is empty.
 */
export function publishOptional(staging: string, target: string): string[] {
  if (existsSync(staging)) return publish(staging, target);
  if (!existsSync(target)) return [];
  for (const f of readdirSync(target)) if (f.endsWith(MANIFEST_SUFFIX)) rmSync(path.join(target, f));
  if (readdirSync(target).length === 0) rmdirSync(target);
  return [];
}
