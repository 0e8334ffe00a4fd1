import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { GITOPS_DIR } from '../../model/gitops';
import { resolve } from '../../model/resolve';
import { environmentFile } from '../../config/load';
import { loadConfig, parseConfig } from '../../model/load';
import type { Config } from '../../config/schema';
import { buildApp, buildGitOpsApp } from '../../synth/build-app';
import { shippedCrdFiles } from '../../validate/crd-schema';
import { kubectl, ok, Result, waitEstablished, warnings } from './kube';

const kubectlRun = (args: string[], input?: string): Result => kubectl(args, { input });
const kubectlOk = (args: string[], input?: string): Result => ok(kubectlRun(args, input), `kubectl ${args.join(' ')}`);

/**
 * The GitOps objects on a real API server (KUBECONFIG, a throw-away cluster): the shipped Argo CD
 * and Flux CRDs install, the prod example's objects (Argo CD) and a Flux variant of it apply
 * server-side with no warning (the API server also runs the CRDs' CEL rules, which the offline
 * validator cannot), and a server-side diff right after the apply is empty: the objects are stable
 * under a GitOps tool's own comparison. The prod output they point at is applied the same way.
 * Leaves the CRDs installed (they may be in use); deletes the GitOps objects it created.
 */

const FIELD_MANAGER = 'container-infra-cluster-test';
const work = mkdtempSync(path.join(tmpdir(), 'ci-gitops-cluster-'));

function synthesize(config: Config, name: string): string {
  const dir = path.join(work, name);
  const app = buildApp(config, dir);
  app.synth();
  const gitops = buildGitOpsApp(dir, app);
  if (!gitops) throw new Error(`${name}: the configuration has no GitOps objects`);
  gitops.synth();
  return dir;
}

function applyServerSide(target: string): void {
  const r = kubectlOk(['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-f', target]);
  expect({ target, warnings: warnings(r) }).toEqual({ target, warnings: [] });
}

/** `kubectl diff` exits 0 with no output when nothing would change, 1 with a diff, >1 on error. */
function expectNoDiff(target: string): void {
  const r = kubectlRun(['diff', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-f', target]);
  expect({ target, status: r.status, diff: r.stdout, errors: r.stderr.trim() }).toEqual({ target, status: 0, diff: '', errors: '' });
}

const prod = loadConfig({ env: 'prod' }).config;
// The prod example with Flux instead of Argo CD: same repository, same output folder.
const prodInput = parse(readFileSync(environmentFile('prod'), 'utf8'));
const prodFlux = parseConfig({ ...prodInput, gitops: { ...prodInput.gitops, mode: 'flux' } }, 'prod.yaml with gitops.mode flux');
// The prod output itself goes into namespaces of its own: the deploy tier (deploy.cluster.ts) may
// have deployed the default environment into the shared default namespaces under another field manager.
const prodOwnNamespaces = parseConfig(
  { ...prodInput, partOf: 'gitops-prod', namespaces: { apps: 'gitops-prod-apps', ci: 'gitops-prod-ci', monitoring: 'gitops-prod-mon', nodeMonitoring: 'gitops-prod-node' } },
  'prod.yaml in namespaces of its own',
);

beforeAll(() => {
  const crds = path.join(work, 'crds');
  mkdirSync(crds);
  for (const f of shippedCrdFiles()) writeFileSync(path.join(crds, f.file.replace('/', '--').replace(/\.gz$/, '')), f.text);
  applyServerSide(crds);
  waitEstablished(['applications.argoproj.io', 'appprojects.argoproj.io', 'gitrepositories.source.toolkit.fluxcd.io', 'kustomizations.kustomize.toolkit.fluxcd.io']);
  // The tools' own namespaces, as their installers create them.
  for (const ns of [resolve(prod).gitops.namespace, resolve(prodFlux).gitops.namespace]) {
    kubectlOk(['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-f', '-'], stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
  }
});

afterAll(() => {
  for (const dir of readdirSync(work).filter((d) => d.startsWith('env-'))) {
    kubectlRun(['delete', '--ignore-not-found', '--wait=false', '-f', path.join(work, dir, GITOPS_DIR)]);
  }
  rmSync(work, { recursive: true, force: true });
});

describe('GitOps objects on a real API server', () => {
  test('the shipped CRDs are established and a second apply of them changes nothing', () => {
    expectNoDiff(path.join(work, 'crds'));
  });

  test.each([
    ['Argo CD (the prod example)', 'env-prod-argocd', prod, ['AppProject', 'Application']],
    ['Flux (prod with gitops.mode flux)', 'env-prod-flux', prodFlux, ['GitRepository', 'Kustomization']],
  ])('%s: the objects apply server-side with no warning and a server-side diff afterwards is empty', (_name, dirName, config, kinds) => {
    const dir = synthesize(config as Config, dirName);
    const gitops = path.join(dir, GITOPS_DIR);
    applyServerSide(gitops);
    expectNoDiff(gitops);
    const id = resolve(config as Config).gitops;
    for (const kind of kinds as string[]) {
      const got = kubectlOk(['get', '-n', id.namespace, kind.toLowerCase(), id.name, '-o', 'jsonpath={.metadata.name}']);
      expect(got.stdout).toBe(id.name);
    }
  });

  test('the prod output the Application points at (sync waves and all) applies server-side and then diffs empty', () => {
    const dir = synthesize(prodOwnNamespaces, 'env-prod-argocd-output');
    applyServerSide(dir);
    expectNoDiff(dir);
  });

  test('the API server refuses what the CRDs forbid (the check can fail)', () => {
    const bad = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'bad', namespace: resolve(prodFlux).gitops.namespace }, spec: { prune: true } };
    const r = kubectlRun(['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '--dry-run=server', '-f', '-'], stringify(bad));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/interval|sourceRef/);
  });
});
