import { z } from 'zod';

/** RFC 1123 label: what Kubernetes accepts as a namespace, Service or container name. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const dnsLabel = z
  .string()
  .max(63, 'must be at most 63 characters (a DNS-1123 label)')
  .regex(DNS1123_LABEL, 'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit');

/**
 * A container image at an exact version: `registry/repo:tag` or `repo@sha256:…`.
 * `latest` and tag-less references are refused because they make a rebuild of the same commit
 * run different software.
 */
const IMAGE_REF = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
export const imageRef = z
  .string()
  .regex(IMAGE_REF, 'must be an image reference such as "registry/repo:1.2.3"')
  .refine((ref) => /@sha256:/.test(ref) || /:[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(ref.replace(/^[^/]*:[0-9]+\//, '')), {
    message: 'must carry an exact tag (":1.2.3") or digest ("@sha256:…"); a reference without one means "latest"',
  })
  .refine((ref) => !/:latest(@|$)/.test(ref), { message: 'must not use the "latest" tag: pin an exact version' });

/** Kubernetes resource quantities, restricted to the forms people write by hand. */
export const cpuQuantity = z
  .string()
  .regex(/^([1-9][0-9]*m|[0-9]+(\.[0-9]+)?)$/, 'must be a CPU quantity such as "100m" or "0.5"');
export const memoryQuantity = z
  .string()
  .regex(/^[1-9][0-9]*(Ki|Mi|Gi|Ti)$/, 'must be a memory quantity such as "64Mi" or "1Gi"');

export const resources = z.strictObject({
  requests: z.strictObject({ cpu: cpuQuantity, memory: memoryQuantity }),
  limits: z.strictObject({
    memory: memoryQuantity,
    /** Left unset by default: CPU limits throttle latency-sensitive services for no gain. */
    cpu: cpuQuantity.optional(),
  }),
});
export type Resources = z.infer<typeof resources>;

export const port = z.number().int().min(1, 'must be a port from 1 to 65535').max(65535, 'must be a port from 1 to 65535');

export const storage = z.strictObject({
  size: memoryQuantity,
  /** Unset means the cluster's default StorageClass. */
  storageClassName: dnsLabel.optional(),
});
export type Storage = z.infer<typeof storage>;

export function res(cpu: string, memory: string, memoryLimit: string): Resources {
  return { requests: { cpu, memory }, limits: { memory: memoryLimit } };
}
