/**
 * Exact comparison of Kubernetes resource quantities, as the API server parses them
 * (resource.Quantity): a decimal number with a binary (Ki…Ei) or decimal (n…E) suffix or an
 * exponent, held exactly and rounded up to nano units (the finest precision Kubernetes keeps).
 * Floating point would call "0.1" and "100m", or "1.0000000001" and "1", equal or unequal wrongly;
 * BigInt arithmetic does not. (report/quantity.ts converts to floats for display; this is for checks.)
 */
const QUANTITY = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:([eE])([+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/;

const DECIMAL_EXPONENT: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_EXPONENT: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** The quantity in nano units (1 = 1e-9), rounded up as Kubernetes does; undefined when it is not a quantity. */
export function quantityNanos(q: string | number): bigint | undefined {
  // No trimming: the API server refuses " 64Mi".
  const text = typeof q === 'number' ? String(q) : q;
  const m = QUANTITY.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const [, sign, whole, fraction = '', e, exp, suffix = ''] = m;
  let numerator = BigInt(`${whole}${fraction}` || '0') * 2n ** BigInt(BINARY_EXPONENT[suffix] ?? 0);
  const tens = 9 - fraction.length + (e ? Number(exp) : (DECIMAL_EXPONENT[suffix] ?? 0));
  let denominator = 1n;
  if (tens >= 0) numerator *= 10n ** BigInt(tens);
  else denominator = 10n ** BigInt(-tens);
  if (sign === '-') numerator = -numerator;
  // Round towards +infinity at nano precision.
  const quotient = numerator / denominator;
  return numerator % denominator > 0n ? quotient + 1n : quotient;
}

/** -1, 0 or 1 as a < b, a = b, a > b; undefined when either is not a quantity. */
export function compareQuantities(a: string | number, b: string | number): -1 | 0 | 1 | undefined {
  const x = quantityNanos(a);
  const y = quantityNanos(b);
  if (x === undefined || y === undefined) return undefined;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A memory or storage quantity (`64Mi`, `1.5Gi`, `1G`) in whole bytes, rounded up as Kubernetes does. */
export function quantityBytes(quantity: string): number {
  const nanos = quantityNanos(quantity);
  if (nanos === undefined) throw new Error(`not a Kubernetes quantity: "${quantity}"`);
  return Number(nanos / 1_000_000_000n + (nanos % 1_000_000_000n > 0n ? 1n : 0n));
}

const DECIMAL_SUFFIX: Record<number, string> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
const BINARY_SUFFIX = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/**
 * The form the API server stores a quantity in (resource.Quantity's canonical string): it keeps the
 * kind of suffix written (binary, decimal, exponent) and picks the largest unit that leaves an integer;
 * a binary value below 1024 or with a fraction is written in decimal units. `0.1` → `100m`,
 * `65536Ki` → `64Mi`, `0.5Gi` → `512Mi`, `1000m` → `1`. Writing it this way keeps a second apply and a
 * server-side diff empty. Undefined when it is not a quantity.
 */
export function canonicalQuantity(q: string): string | undefined {
  const m = QUANTITY.exec(q);
  const nanos = quantityNanos(q);
  if (!m || nanos === undefined) return undefined;
  if (nanos === 0n) return '0';
  const sign = nanos < 0n ? '-' : '';
  const abs = nanos < 0n ? -nanos : nanos;
  const suffix = m[6] ?? '';
  if (suffix in BINARY_EXPONENT && abs % 1_000_000_000n === 0n && abs >= 1024n * 1_000_000_000n) {
    let value = abs / 1_000_000_000n;
    let unit = 0;
    while (unit < BINARY_SUFFIX.length - 1 && value % 1024n === 0n) {
      value /= 1024n;
      unit++;
    }
    return `${sign}${value}${BINARY_SUFFIX[unit]}`;
  }
  // Decimal units (and exponents, in steps of three): the largest exponent that leaves an integer.
  let exponent = -9;
  let mantissa = abs;
  while (exponent < 18 && mantissa % 1000n === 0n) {
    mantissa /= 1000n;
    exponent += 3;
  }
  if (m[4]) return `${sign}${mantissa}${exponent === 0 ? '' : `e${exponent}`}`;
  return `${sign}${mantissa}${DECIMAL_SUFFIX[exponent]}`;
}
