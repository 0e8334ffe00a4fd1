import { randomBytes } from 'crypto';

/**
 * A container's environment as the kubelet would build it, for running the program here: literal
 * values with `$(VAR)` expanded, the pod's name and namespace from the downward API, and each
 * Secret key the user creates replaced by a value generated for this run (the same value wherever
 * the same Secret key is referenced, so a server and its clients agree). Resource fields are left
 * out: nothing here sets a memory limit.
 */
/**
 * A password in the documented form: a letter, then random hex. The letter matters: nats-server
 * reads a variable's value as a configuration value, so "3e8f…" or "10k…" would be a number.
 */
export function documentedPassword(): string {
  return `n${randomBytes(12).toString('hex')}`;
}

export class GeneratedSecrets {
  private readonly values = new Map<string, string>();

  /** The value of key `key` of Secret `name`: a letter, then random hex (the documented form for NATS passwords). */
  get(name: string, key: string): string {
    const id = `${name}/${key}`;
    let v = this.values.get(id);
    if (!v) {
      v = documentedPassword();
      this.values.set(id, v);
    }
    return v;
  }
}

export interface PodEnvOptions {
  readonly podName: string;
  readonly namespace: string;
  readonly secrets: GeneratedSecrets;
}

export function containerEnv(container: { env?: any[] }, o: PodEnvOptions): Record<string, string> {
  const out: Record<string, string> = {};
  const expand = (v: string) => v.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (all, name: string) => out[name] ?? all);
  for (const e of container.env ?? []) {
    if (typeof e.value === 'string') out[e.name] = expand(e.value);
    else if (e.valueFrom?.secretKeyRef) out[e.name] = o.secrets.get(e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key);
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name') out[e.name] = o.podName;
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') out[e.name] = o.namespace;
  }
  return out;
}
