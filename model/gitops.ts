import type { Config } from '../config/schema';
import { TOOL_NAMESPACE } from '../config/schema/gitops';
import type { GitOpsModel } from './environment';

/** The folder inside an output folder that holds the GitOps objects (never applied with it). */
export const GITOPS_DIR = 'gitops';

const TOOL_NAMES = { argocd: 'Argo CD', flux: 'Flux' } as const;

/**
 * Where the GitOps tool lives, what its objects are called and which folder of the repository it
 * applies. Resolved even without a mode (the tool defaults to Argo CD's namespace), so the picture
 * and tests can ask; `generated` says whether the objects are written.
 */
export function gitopsModel(config: Config, deployDir: string): GitOpsModel {
  const g = config.gitops;
  const name = g.name ?? `${config.partOf}-${config.jenkins.deploy.environment}`;
  return {
    mode: g.mode,
    ...(g.mode !== 'none' ? { tool: TOOL_NAMES[g.mode] } : {}),
    generated: g.mode !== 'none' && config.repository.url !== undefined,
    namespace: g.namespace ?? TOOL_NAMESPACE[g.mode === 'none' ? 'argocd' : g.mode],
    name,
    // The output folder Jenkins checks, unless the repository keeps the manifests elsewhere.
    repositoryPath: config.repository.path ?? deployDir,
    dir: GITOPS_DIR,
    // One name for each pair: the Application's project and the Kustomization's source name it.
    ...(g.mode === 'argocd' ? { argocd: { project: name, application: name } } : {}),
    ...(g.mode === 'flux' ? { flux: { repository: name, kustomization: name } } : {}),
  };
}
