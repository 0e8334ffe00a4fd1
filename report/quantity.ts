import { quantityNanos } from '../lib/quantity';

/**
 * Kubernetes resource quantities as numbers for display: CPU in cores, memory and storage in bytes.
 * Parsed by the exact parser (lib/quantity.ts), so every form the API server accepts is read
 * the same way everywhere; only the conversion to a float is this module's.
 */
export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') return q;
  const nanos = quantityNanos(q);
  if (nanos === undefined) throw new Error(`not a Kubernetes quantity: "${q}"`);
  return Number(nanos) / 1e9;
}

/** "250m" below one core, "1.5 vCPU" from one core up. */
export function formatCpu(cores: number): string {
  const milli = Math.round(cores * 1000);
  return milli < 1000 ? `${milli}m` : `${(milli / 1000).toFixed(milli % 1000 === 0 ? 0 : milli % 100 === 0 ? 1 : milli % 10 === 0 ? 2 : 3)} vCPU`;
}

/** Binary units, as the schema writes memory: "64Mi", "1.5Gi". */
export function formatBytes(bytes: number): string {
  const units: [string, number][] = [
    ['Ti', 2 ** 40],
    ['Gi', 2 ** 30],
    ['Mi', 2 ** 20],
    ['Ki', 2 ** 10],
  ];
  for (const [unit, size] of units) {
    if (bytes >= size) {
      const v = bytes / size;
      return `${Number.isInteger(v) ? v : v.toFixed(2).replace(/0+$/, '').replace(/\.$/, '')}${unit}`;
    }
  }
  return `${bytes}`;
}
