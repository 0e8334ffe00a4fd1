import { z } from 'zod';
import { gitops, IN_CLUSTER_SERVER } from './gitops';
import type { RepositoryConfig } from './repository';

interface GitOpsInput {
  readonly repository: RepositoryConfig;
  readonly gitops: z.infer<typeof gitops>;
}

/** What a GitOps mode needs from the rest of the configuration, and the settings one tool cannot honour. */
export function checkGitOps(c: GitOpsInput, ctx: z.RefinementCtx): void {
  const g = c.gitops;
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path: ['gitops', ...path], message });
  if (g.mode !== 'none' && c.repository.url === undefined) {
    issue(['mode'], `"${g.mode}" reads the manifests from Git: set repository.url to your copy of this repository, or set mode to "none"`);
  }
  if (g.mode === 'flux') {
    if (!g.sync.automated) issue(['sync', 'automated'], 'must be true with Flux, which always reconciles (suspend the Kustomization to stop it); false is for Argo CD');
    if (!g.sync.selfHeal) issue(['sync', 'selfHeal'], 'must be true with Flux, which always corrects drift; false is for Argo CD');
    if (g.destination.server !== IN_CLUSTER_SERVER) issue(['destination', 'server'], `must be "${IN_CLUSTER_SERVER}" with Flux, which applies to the cluster it runs in; other clusters are for Argo CD`);
  }
  if (g.mode !== 'flux' && g.dependsOn.length > 0) issue(['dependsOn'], 'is for Flux Kustomizations; with Argo CD order Applications with sync waves of a parent Application instead');
}
