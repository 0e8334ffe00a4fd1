import { z } from 'zod';
import { DNS1035_LABEL, DNS1123_LABEL, DNS1123_SUBDOMAIN, labelKeyProblem, labelValueProblem } from '../../lib/names';
import { compareQuantities, quantityNanos } from '../../lib/quantity';


/**
 * For checks across fields (`superRefine(check, WELL_FORMED)`): they run only once every field
 * parsed cleanly. Zod runs refinements even after a field failed, and a cross-field check that
 * reads a malformed duration or quantity would crash instead of letting that field's message show.
 */
export const WELL_FORMED = { when: (payload: z.core.ParsePayload) => payload.issues.length === 0 };

export const dnsLabel = z
  .string()
  .max(63, 'must be at most 63 characters (a DNS-1123 label)')
  .regex(DNS1123_LABEL, 'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit')
  .meta({ description: 'A Kubernetes name: a DNS-1123 label (lower-case letters, digits and "-").' });

/** A name that also names a Service: a DNS-1035 label. */
export const serviceName = z
  .string()
  .max(63, 'must be at most 63 characters (a DNS-1035 label)')
  .regex(DNS1035_LABEL, 'must be a DNS-1035 label (it names a Service): lower-case letters, digits and "-", starting with a letter and ending with a letter or digit')
  .meta({ description: 'The name of a component and its Service: a DNS-1035 label (starts with a letter); unique among the objects of its namespace.' });

export const dnsSubdomain = z
  .string()
  .max(253, 'must be at most 253 characters (a DNS-1123 subdomain)')
  .regex(DNS1123_SUBDOMAIN, 'must be a DNS-1123 subdomain such as "standard" or "ebs.csi.aws.com"')
  .meta({ description: 'A DNS-1123 subdomain such as "standard" or "ebs.csi.aws.com".' });

/** Namespaces Kubernetes itself runs in: labelling them restricted or denying their traffic breaks the cluster. */
export const RESERVED_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease', 'default'] as const;

/** Labels given in configuration: keys and values as the API server checks them. */
export const labelMap = z.record(z.string(), z.string()).superRefine((labels, ctx) => {
  for (const [key, value] of Object.entries(labels)) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) ctx.addIssue({ code: 'custom', path: [key], message: `label key ${JSON.stringify(key)}: ${keyProblem}` });
    const valueProblem = labelValueProblem(value);
    if (valueProblem) ctx.addIssue({ code: 'custom', path: [key], message: `label value ${JSON.stringify(value)}: ${valueProblem}` });
  }
});

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
  .refine((ref) => !/:latest(@|$)/.test(ref), { message: 'must not use the "latest" tag: pin an exact version' })
  .meta({ description: 'Container image at an exact tag or digest ("latest" and tag-less references are refused).', examples: ['registry.example.com/team/app:1.2.3', 'redis:7.4.6-alpine'] });

/** Kubernetes resource quantities, parsed exactly as the API server does (lib/quantity.ts). */
export const cpuQuantity = z
  .string()
  .refine((q) => (quantityNanos(q) ?? -1n) >= 0n, 'must be a CPU quantity such as "100m", "0.5" or "2"')
  .meta({ description: 'CPU, as a Kubernetes quantity (read exactly as the API server reads it).', examples: ['100m', '0.5', '2'] });
export const memoryQuantity = z
  .string()
  .refine((q) => (quantityNanos(q) ?? 0n) > 0n, 'must be a quantity of bytes greater than 0 such as "64Mi", "1.5Gi" or "1G" (units Ki, Mi, Gi, Ti or k, M, G, T: "MB" is not one Kubernetes reads)')
  .meta({ description: 'Bytes, as a Kubernetes quantity above 0 (Ki, Mi, Gi, Ti or k, M, G, T).', examples: ['64Mi', '1.5Gi', '1G'] });

export const resources = z
  .strictObject({
    requests: z.strictObject({ cpu: cpuQuantity, memory: memoryQuantity }),
    limits: z.strictObject({
      memory: memoryQuantity,
      /** Left unset by default: CPU limits throttle latency-sensitive services for no gain. */
      cpu: cpuQuantity.optional(),
    }),
  })
  .superRefine((r, ctx) => {
    // The API server refuses a pod whose request is above its limit.
    for (const what of ['memory', 'cpu'] as const) {
      const limit = r.limits[what];
      if (limit !== undefined && compareQuantities(r.requests[what], limit) === 1) {
        ctx.addIssue({ code: 'custom', path: ['requests', what], message: `must not be above limits.${what} (${limit}); Kubernetes refuses such a pod` });
      }
    }
  })
  .meta({ description: 'Container requests and limits; a request may not be above its limit.' });
export type Resources = z.infer<typeof resources>;

export const port = z
  .number()
  .int()
  .min(1, 'must be a port from 1 to 65535')
  .max(65535, 'must be a port from 1 to 65535')
  .meta({ description: 'TCP port; ports of one pod must differ.' });

export const storage = z.strictObject({
  size: memoryQuantity,
  /** Unset means the cluster's default StorageClass. */
  storageClassName: dnsSubdomain.optional(),
});
export type Storage = z.infer<typeof storage>;

export function res(cpu: string, memory: string, memoryLimit: string): Resources {
  return { requests: { cpu, memory }, limits: { memory: memoryLimit } };
}
