/**
 * Kubernetes resource quantities (the `resource.Quantity` format) as numbers: CPU in cores,
 * memory and storage in bytes. Accepts every form the API server accepts: decimal and binary
 * suffixes, milli/micro/nano, and exponents ("1e3").
 */
const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = QUANTITY.exec(q.trim());
  if (!m) throw new Error(`not a Kubernetes quantity: "${q}"`);
  const [, num, exp, suffix] = m;
  return exp ? Number(`${num}${exp}`) : Number(num) * SUFFIX[suffix ?? ''];
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
