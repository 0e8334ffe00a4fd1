import * as k8s from '../imports/k8s';
import type { EnvVarModel } from '../model/env';

/**
 * The model's variables as the container spec writes them. An empty value is written as no value:
 * the API server drops `value: ""` (it reads the same), and the stored form must match ours.
 */
export function envVars(vars: readonly EnvVarModel[]): k8s.EnvVar[] {
  return vars.map((v) => {
    if ('secret' in v) return secretEnv(v.name, v.secret);
    return v.value === '' ? { name: v.name } : { name: v.name, value: v.value };
  });
}

/** A variable from one key of a Secret; `optional` is written only when given. */
export function secretEnv(name: string, secret: { readonly name: string; readonly key: string; readonly optional?: boolean }): k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret.name, key: secret.key, ...(secret.optional !== undefined ? { optional: secret.optional } : {}) } } };
}
