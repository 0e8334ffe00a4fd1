import { z } from 'zod';
import { dnsLabel } from './common';

/** A Go duration as Flux takes it, one unit: `30s`, `5m`, `1h`. */
const fluxDuration = z.string().regex(/^[1-9][0-9]*(s|m|h)$/, 'must be a duration such as "30s", "5m" or "1h"');

/** Where Argo CD sends the objects: the API server URL of a cluster registered in Argo CD. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/** The namespace each tool's installation uses by default (its install manifests and `flux bootstrap`). */
export const TOOL_NAMESPACE = { argocd: 'argocd', flux: 'flux-system' } as const;

/**
 * Pull-based deployment: the objects that make Argo CD or Flux apply this environment's output
 * folder from the repository (`repository`). They are written to `<output>/gitops/`, which
 * `kubectl apply -f <output>` does not read. With a mode on, Jenkins stops deploying: it tests,
 * synthesizes and checks drift only, and its deploy identity is not generated (docs/gitops.md).
 */
export const gitops = z.strictObject({
  /** `none`: nothing generated (Jenkins deploys); `argocd`: AppProject + Application; `flux`: GitRepository + Kustomization. */
  mode: z.enum(['none', 'argocd', 'flux']).default('none'),
  /** Namespace of the Argo CD or Flux installation, where its objects must live. Default `argocd` / `flux-system`. */
  namespace: dnsLabel.optional(),
  /** Name of the generated objects. Default `<partOf>-<jenkins.deploy.environment>`, e.g. `container-infra-prod`. */
  name: dnsLabel.optional(),
  destination: z
    .strictObject({
      /** Argo CD: API server URL of the target cluster as registered in Argo CD. Flux applies to the cluster it runs in. */
      server: z.string().regex(/^https:\/\/[^\s'"\\]+$/, 'must be an https:// API server URL such as "https://kubernetes.default.svc"').default(IN_CLUSTER_SERVER),
    })
    .prefault({}),
  sync: z
    .strictObject({
      /** Sync on every change of the branch. Argo CD only: Flux always reconciles (suspend it to stop). */
      automated: z.boolean().default(true),
      /** Delete objects that left the output folder (never the Secrets you created: they are not in it). */
      prune: z.boolean().default(true),
      /** Undo changes made in the cluster by hand. Argo CD only: Flux always corrects drift. */
      selfHeal: z.boolean().default(true),
    })
    .prefault({}),
  /** Flux: how often the repository is fetched and the output re-applied. */
  interval: fluxDuration.default('5m'),
  /** Flux: how long an apply and its health checks may take (Jenkins' first start alone takes minutes). */
  timeout: fluxDuration.default('15m'),
  /** Flux: Kustomizations (same namespace) that must be ready first, e.g. the one holding your encrypted Secrets. */
  dependsOn: z.array(dnsLabel).default([]),
});
export type GitOpsConfig = z.infer<typeof gitops>;
