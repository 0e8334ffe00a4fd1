import type { Finding } from './findings';
import type { Manifest } from './manifests';
import { refOf } from './manifests';

/**
 * No credentials in the output: a Secret with literal `data` or `stringData` puts its values in
 * every copy of the repository (base64 is an encoding, not encryption). Secrets are created by the
 * user (model/user-secrets.ts lists them, the docs give the `kubectl create secret` line).
 * `allowLiteralSecrets` is for users who deliberately commit encrypted or dummy values.
 */
export interface SecretOptions {
  /** Accept Secrets with literal data (CLI `--allow-literal-secrets`). Default false. */
  readonly allowLiteralSecrets?: boolean;
}

export function checkSecrets(manifests: readonly Manifest[], options: SecretOptions = {}): Finding[] {
  if (options.allowLiteralSecrets) return [];
  const out: Finding[] = [];
  for (const m of manifests) {
    const o = m.object;
    if (o.kind !== 'Secret') continue;
    for (const field of ['data', 'stringData']) {
      const keys = Object.keys((o[field] ?? {}) as Record<string, unknown>);
      if (keys.length === 0) continue;
      const ns = o.metadata.namespace ?? 'default';
      out.push({
        check: 'secrets',
        file: m.file,
        object: refOf(o),
        path: field,
        message: `holds literal values (${keys.join(', ')}) in ${field}: whoever can read the manifests can read them (base64 is not encryption), and the project promises no credentials in its output`,
        fix: `do not generate the Secret: let the user create it (\`kubectl create secret generic ${o.metadata.name} -n ${ns} --from-literal=KEY=VALUE\`) and list it in model/user-secrets.ts; if the values are deliberately encrypted or dummies, run with --allow-literal-secrets (option allowLiteralSecrets)`,
      });
    }
  }
  return out;
}
