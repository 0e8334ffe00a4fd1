import * as k8s from '../imports/k8s';
import type { EnvVarModel } from '../model/env';

/**
 * The model's variables as the container spec writes them. An empty value is written as no value:
 * the API server drops `value: ""` (it reads the same), and the stored form must match ours.
 */
export function envVars(vars: readonly EnvVarModel[]): k8s.EnvVar[] {
  return vars.map((v) => {
    if ('secret' in v) return { name: v.name, valueFrom: { secretKeyRef: { name: v.secret.name, key: v.secret.key } } };
    return v.value === '' ? { name: v.name } : { name: v.name, value: v.value };
  });
}
