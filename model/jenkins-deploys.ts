import type { Config } from '../config/schema';

/** Jenkins applies the environment itself only when no GitOps tool does (docs/gitops.md). */
export function jenkinsDeploys(config: Config): boolean {
  return config.gitops.mode === 'none';
}
