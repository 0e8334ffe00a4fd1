/**
 * Kubernetes' rules for names and labels, as the API server checks them. One neutral module that
 * the configuration schema, the model's claim checks and the validator all read, so the three can
 * never disagree about what Kubernetes accepts.
 */

/** RFC 1123 label: what Kubernetes accepts as a namespace, Service or container name. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 1035 label: what Kubernetes requires of a Service name (starts with a letter). */
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 1123 subdomain: dot-separated labels, at most 253 characters (most object names, StorageClass names). */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Label keys and values as the API server validates them:
 * - key: an optional prefix (a DNS-1123 subdomain, at most 253 characters) and "/", then a name of
 *   at most 63 characters: alphanumerics, '-', '_', '.', starting and ending with an alphanumeric;
 * - value: empty, or at most 63 characters of the same alphabet, starting and ending alphanumeric.
 */
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Why `key` is not a valid label key, or undefined when it is. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) {
    return `prefix "${prefix}" must be a DNS subdomain (lower-case alphanumerics, '-' and '.', at most 253 characters)`;
  }
  if (name.length === 0 || name.length > 63) return `name part "${name}" must be 1 to 63 characters`;
  if (!LABEL_NAME.test(name)) return `name part "${name}" may hold only alphanumerics, '-', '_' and '.', starting and ending with an alphanumeric`;
  return undefined;
}

/** Why `value` is not a valid label value, or undefined when it is. */
export function labelValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `must be a string, not ${JSON.stringify(value)}`;
  if (value.length > 63) return `is ${value.length} characters, at most 63`;
  if (!LABEL_VALUE.test(value)) return `may hold only alphanumerics, '-', '_' and '.', starting and ending with an alphanumeric (or be empty)`;
  return undefined;
}

export interface NameRule {
  readonly pattern: RegExp;
  readonly max: number;
  /** What the rule allows, for messages. */
  readonly what: string;
}

/**
 * Kubernetes' rule for the name of each kind, where it is stricter than a DNS-1123 subdomain.
 * A StatefulSet's pods carry `controller-revision-hash: <name>-<10-character hash>`, a label
 * value (at most 63), so its name can have at most 52 (kubernetes/kubernetes#64023); a Job's pods
 * carry `job-name: <name>`.
 */
const NAME_RULES: Record<string, NameRule> = {
  Service: { pattern: DNS1035_LABEL, max: 63, what: 'a Service name is a DNS-1035 label: lower-case letters, digits and "-", starting with a letter, at most 63 characters' },
  Namespace: { pattern: DNS1123_LABEL, max: 63, what: 'a namespace name is a DNS-1123 label of at most 63 characters' },
  StatefulSet: { pattern: DNS1123_LABEL, max: 52, what: 'a StatefulSet name has at most 52 characters: its pods carry "<name>-<10-character hash>" as a label value (at most 63)' },
  Job: { pattern: DNS1123_LABEL, max: 63, what: 'a Job name is a label value on its pods: at most 63 characters' },
};
const SUBDOMAIN_RULE: NameRule = { pattern: DNS1123_SUBDOMAIN, max: 253, what: 'an object name is a DNS-1123 subdomain of at most 253 characters' };

/** The rule a name of this kind must follow. */
export function nameRule(kind: string): NameRule {
  return NAME_RULES[kind] ?? SUBDOMAIN_RULE;
}
