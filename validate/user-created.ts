import type { UserCreatedObject } from '../lib/user-created';
import { loadConfig } from '../model/load';

export type { UserCreatedObject };

let defaults: readonly UserCreatedObject[] | undefined;

/**
 * Objects the user creates in the cluster when no environment is named (lib/user-created.ts):
 * credentials never belong in generated manifests (the docs give the one `kubectl create secret …`
 * command for each). The default environment's, from its model (model/user-secrets.ts), resolved
 * on first use; an environment that renames them passes its own list (`--env`/`--config`,
 * validateManifests options).
 */
export function defaultUserCreated(): readonly UserCreatedObject[] {
  defaults ??= loadConfig({}).model.userSecrets;
  return defaults;
}

export function isUserCreated(kind: string, namespace: string, name: string, list: readonly UserCreatedObject[] = defaultUserCreated()): UserCreatedObject | undefined {
  return list.find((o) => o.kind === kind && o.namespace === namespace && o.name === name);
}
