import { z } from 'zod';

/** A Git remote: https://…, ssh://… or scp-like git@host:path. */
export const gitUrl = z
  .string()
  .regex(/^(https:\/\/|ssh:\/\/|git@)[^\s'"\\]+$/, 'must be a Git remote URL such as "https://github.com/acme/container-infra.git" (no quotes, spaces or backslashes)');

export const gitBranch = z
  .string()
  .regex(/^[A-Za-z0-9._/-]+$/, 'must be a branch name such as "main"')
  .refine((b) => !b.startsWith('/') && !b.endsWith('/') && !b.includes('..'), { message: 'must be a branch name such as "main"' });

/** A folder inside the repository: relative, forward slashes, no `..`. */
const repoPath = z
  .string()
  .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'must be a relative folder such as "dist-prod" (no leading "/", no spaces)')
  .refine((p) => !p.split('/').some((s) => s === '..' || s === '.'), { message: 'must not contain "." or ".." segments' });

/**
 * The Git repository that holds this project (your fork): the one setting the Jenkins job and the
 * GitOps objects (Argo CD, Flux) both read. There is no default URL: without one, synth generates
 * no Jenkins job and no GitOps objects, and says so.
 */
export const repository = z.strictObject({
  /** Remote URL of your copy of this repository; readable anonymously over HTTPS unless you add credentials yourself (docs/gitops.md). */
  url: gitUrl.optional(),
  /** The branch Jenkins builds (and, without GitOps, deploys from) and Argo CD / Flux follow. */
  revision: gitBranch.default('main'),
  /**
   * Folder of this environment's manifests in the repository. Default: the output folder of
   * `jenkins.deploy.environment` (`dist` for "default", `dist-<name>` otherwise), the folder the
   * pipeline checks for drift.
   */
  path: repoPath.optional(),
});
export type RepositoryConfig = z.infer<typeof repository>;
