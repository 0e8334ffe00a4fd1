import { existsSync } from 'fs';
import * as path from 'path';
import { GITOPS_DIR } from '../model/gitops';
import { gitopsScope, GroupKind } from '../model/gitops-scope';
import { checkWithCrds, DEFAULT_CRDS_DIR } from './crd-schema';
import type { Finding } from './findings';
import { loadManifestDir, Manifest, refOf } from './manifests';

/**
 * The GitOps objects of an output folder (`<dir>/gitops/`): valid against the shipped Argo CD and
 * Flux definitions, and in step with the manifests they deploy. An AppProject whose destinations
 * or kinds differ from what the folder holds makes Argo CD refuse part of the sync (or allows
 * more than it needs); a Kustomization naming a missing GitRepository never reconciles.
 */
export function checkGitOpsFolder(dir: string, environment: readonly Manifest[], crdsDir = DEFAULT_CRDS_DIR): { findings: Finding[]; objects: number } {
  const folder = path.join(dir, GITOPS_DIR);
  if (!existsSync(folder)) return { findings: [], objects: 0 };
  const loaded = loadManifestDir(folder);
  const manifests = loaded.manifests.map((m) => ({ ...m, file: `${GITOPS_DIR}/${m.file}` }));
  const findings = [...loaded.findings.map((f) => ({ ...f, file: f.file && f.file !== folder ? `${GITOPS_DIR}/${f.file}` : f.file })), ...checkGitOpsObjects(manifests, environment, crdsDir)];
  return { findings, objects: manifests.length };
}

export function checkGitOpsObjects(gitops: readonly Manifest[], environment: readonly Manifest[], crdsDir = DEFAULT_CRDS_DIR): Finding[] {
  const findings = checkWithCrds(gitops, crdsDir);
  const scope = gitopsScope(environment.map((m) => m.object));
  const named = (kind: string, namespace: string | undefined, name: string) =>
    gitops.some((g) => g.object.kind === kind && g.object.metadata.name === name && g.object.metadata.namespace === namespace);
  const finding = (m: Manifest, p: string, message: string, fix: string): Finding => ({ check: 'gitops', file: m.file, object: refOf(m.object), path: p, message, fix });
  const resync = 'synthesize again (`npx cdk8s synth`) and commit the output folder with its gitops/ folder';

  for (const m of gitops) {
    const o = m.object;
    if (o.kind === 'AppProject') {
      const destinations = [...new Set<string>((o.spec?.destinations ?? []).map((d: any) => d.namespace))].sort();
      if (JSON.stringify(destinations) !== JSON.stringify(scope.namespaces)) {
        findings.push(finding(m, 'spec.destinations', `the project allows the namespaces [${destinations.join(', ')}], the manifests use [${scope.namespaces.join(', ')}]`, resync));
      }
      const kinds = (list: GroupKind[] | undefined) => (list ?? []).map((k) => `${k.group}/${k.kind}`).sort();
      for (const [field, want] of [['clusterResourceWhitelist', scope.clusterKinds], ['namespaceResourceWhitelist', scope.namespacedKinds]] as const) {
        const have = kinds(o.spec?.[field]);
        const expected = kinds(want);
        if (JSON.stringify(have) !== JSON.stringify(expected)) {
          findings.push(finding(m, `spec.${field}`, `the project allows [${have.join(', ')}], the manifests have [${expected.join(', ')}]`, resync));
        }
      }
    }
    if (o.kind === 'Application' && o.spec?.project !== 'default' && !named('AppProject', o.metadata.namespace, o.spec?.project)) {
      findings.push(finding(m, 'spec.project', `the AppProject "${o.spec?.project}" is not in ${GITOPS_DIR}/ (in namespace ${o.metadata.namespace})`, resync));
    }
    if (o.kind === 'Kustomization' && o.spec?.sourceRef?.kind === 'GitRepository') {
      const ns = o.spec.sourceRef.namespace ?? o.metadata.namespace;
      if (!named('GitRepository', ns, o.spec.sourceRef.name)) {
        findings.push(finding(m, 'spec.sourceRef', `the GitRepository "${o.spec.sourceRef.name}" is not in ${GITOPS_DIR}/ (in namespace ${ns})`, resync));
      }
    }
  }
  return findings;
}
