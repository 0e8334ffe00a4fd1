import { createHash } from 'crypto';

/**
 * A short content hash for a pod-template annotation: when generated configuration changes, the
 * pod template changes too, so `kubectl apply` rolls the pods instead of leaving them on stale config.
 */
export function checksum(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
}
