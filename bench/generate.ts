import type { ConfigInput } from '../config/schema';

/** `n` microservices named svc-0001, svc-0002, … with every other key at its default (podinfo). */
export function generatedServices(n: number): NonNullable<ConfigInput['services']> {
  if (!Number.isInteger(n) || n < 1 || n > 9999) throw new Error(`service count must be 1..9999, got ${n}`);
  return Array.from({ length: n }, (_, i) => ({ name: `svc-${String(i + 1).padStart(4, '0')}` }));
}
