import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { EnvironmentModel } from '../model/environment';
import { GITOPS_DIR } from '../model/gitops';
import type { GitOpsScope } from '../model/gitops-scope';
import { recommendedLabels } from '../lib/labels';

export { GITOPS_DIR };

/** API versions of the vendored CRDs (validate/crds/README.md): Argo CD v3.5.1, Flux v2.9.0. */
export const ARGOCD_API = 'argoproj.io/v1alpha1';
export const FLUX_SOURCE_API = 'source.toolkit.fluxcd.io/v1';
export const FLUX_KUSTOMIZE_API = 'kustomize.toolkit.fluxcd.io/v1';

export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
export const ARGOCD_SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';
export const FLUX_PRUNE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/prune';

/**
 * Argo CD applies a wave only after the previous one is healthy. Namespaces and CRDs first (nothing
 * inside can be created before them), then identities and RBAC (pods start with their
 * ServiceAccount, controllers with their rights), then everything else (wave 0, not annotated).
 */
const WAVES: Record<string, number> = {
  Namespace: -2,
  CustomResourceDefinition: -2,
  ServiceAccount: -1,
  ClusterRole: -1,
  ClusterRoleBinding: -1,
  Role: -1,
  RoleBinding: -1,
};

export function syncWave(kind: string): number {
  return WAVES[kind] ?? 0;
}

/**
 * The annotations an object of the output gets for the chosen tool. Namespaces are never pruned
 * (deleting one deletes its volumes: a human decides), as with the Jenkins deploy.
 */
export function gitopsAnnotations(model: EnvironmentModel, kind: string): Record<string, string> {
  const mode = model.gitops.mode;
  if (mode === 'argocd') {
    const wave = syncWave(kind);
    return {
      ...(wave !== 0 ? { [SYNC_WAVE_ANNOTATION]: String(wave) } : {}),
      ...(kind === 'Namespace' ? { [ARGOCD_SYNC_OPTIONS_ANNOTATION]: 'Prune=false' } : {}),
    };
  }
  if (mode === 'flux' && kind === 'Namespace') return { [FLUX_PRUNE_ANNOTATION]: 'disabled' };
  return {};
}

/**
 * gitignore-style rules that keep only `path` (and drop `path/gitops/`) from the repository: Flux
 * builds a kustomization over the whole tree under the Kustomization's path, so without this the
 * GitOps objects would be applied by themselves.
 */
export function fluxIgnoreRules(path: string): string {
  const segments = path.split('/');
  const rules = ['/*'];
  for (let i = 0; i < segments.length; i++) {
    const prefix = segments.slice(0, i + 1).join('/');
    rules.push(`!/${prefix}/`);
    if (i < segments.length - 1) rules.push(`/${prefix}/*`);
  }
  rules.push(`/${path}/${GITOPS_DIR}/`);
  return `${rules.join('\n')}\n`;
}

export interface GitOpsChartProps {
  readonly model: EnvironmentModel;
  /** Derived from every object of the environment (model/gitops-scope.ts). */
  readonly scope: GitOpsScope;
}

/**
 * The objects that make Argo CD (AppProject + Application) or Flux (GitRepository +
 * Kustomization) apply this environment from Git. Written to `<output>/gitops/` by their own app
 * (synth/build-app.ts buildGitOpsApp), so they are not part of what they apply.
 */
export class GitOpsChart extends Chart {
  constructor(scope: Construct, id: string, props: GitOpsChartProps) {
    const { model } = props;
    const config = model.config;
    const tool = model.gitops;
    super(scope, id, { namespace: tool.namespace, disableResourceNameHashes: true });
    const g = config.gitops;
    const url = config.repository.url;
    if (!tool.generated || url === undefined) throw new Error('GitOpsChart needs gitops.mode and repository.url (the schema guarantees both)');
    const path = tool.repositoryPath;
    const labels = (name: string) => recommendedLabels({ name, instance: tool.name, component: 'gitops', partOf: config.partOf });

    if (tool.argocd) {
      const s = props.scope;
      new ApiObject(this, 'project', {
        apiVersion: ARGOCD_API,
        kind: 'AppProject',
        metadata: { name: tool.argocd.project, labels: labels('argocd-appproject') },
        spec: {
          description: `${config.partOf} (${config.jenkins.deploy.environment}): exactly the namespaces and kinds this environment generates`,
          sourceRepos: [url],
          destinations: s.namespaces.map((namespace) => ({ server: g.destination.server, namespace })),
          clusterResourceWhitelist: s.clusterKinds,
          namespaceResourceWhitelist: s.namespacedKinds,
        },
      });
      const ignore = s.controllerOwned.map((f) => ({ group: f.group, kind: f.kind, namespace: f.namespace, name: f.name, jsonPointers: [...f.jsonPointers] }));
      new ApiObject(this, 'application', {
        apiVersion: ARGOCD_API,
        kind: 'Application',
        metadata: { name: tool.argocd.application, labels: labels('argocd-application') },
        spec: {
          project: tool.argocd.project,
          source: {
            repoURL: url,
            targetRevision: config.repository.revision,
            path,
            // Only the files at the top of the folder: gitops/ below it is never synced.
            directory: { recurse: false },
          },
          // No namespace: every generated object names its own.
          destination: { server: g.destination.server },
          syncPolicy: {
            ...(g.sync.automated ? { automated: { prune: g.sync.prune, selfHeal: g.sync.selfHeal } } : {}),
            syncOptions: [
              // Objects above 256 KiB (the gateway's nginx ConfigMap at ~330 services) need it, as with kubectl.
              'ServerSideApply=true',
              // We ship the Namespaces, with their Pod Security labels.
              'CreateNamespace=false',
              ...(ignore.length > 0 ? ['RespectIgnoreDifferences=true'] : []),
            ],
          },
          ...(ignore.length > 0 ? { ignoreDifferences: ignore } : {}),
        },
      });
      return;
    }
    if (!tool.flux) throw new Error(`GitOpsChart: no objects for mode ${tool.mode}`);

    new ApiObject(this, 'repository', {
      apiVersion: FLUX_SOURCE_API,
      kind: 'GitRepository',
      metadata: { name: tool.flux.repository, labels: labels('flux-gitrepository') },
      spec: {
        url,
        ref: { branch: config.repository.revision },
        interval: g.interval,
        ignore: fluxIgnoreRules(path),
      },
    });
    new ApiObject(this, 'kustomization', {
      apiVersion: FLUX_KUSTOMIZE_API,
      kind: 'Kustomization',
      metadata: { name: tool.flux.kustomization, labels: labels('flux-kustomization') },
      spec: {
        sourceRef: { kind: 'GitRepository', name: tool.flux.repository },
        path: `./${path}`,
        interval: g.interval,
        timeout: g.timeout,
        prune: g.sync.prune,
        // Health of every applied object (kstatus); Flux ignores spec.healthChecks when this is on.
        wait: true,
        ...(g.dependsOn.length > 0 ? { dependsOn: g.dependsOn.map((name) => ({ name })) } : {}),
      },
    });
  }
}
