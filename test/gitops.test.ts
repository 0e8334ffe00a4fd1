import { resolve } from '../model/resolve';
import { APPLYSET_CRD_NAME, APPLYSET_TYPE } from '../constructs/applyset';
import { deployServiceAccount } from '../charts/deploy';
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { fluxIgnoreRules, GITOPS_DIR } from '../charts/gitops';
import { loadConfig } from '../model/load';
import type { Config, ConfigInput } from '../config/schema';
import { gitopsScope } from '../model/gitops-scope';
import { buildApp, buildGitOpsApp } from '../synth/build-app';
import { publish, publishOptional } from '../synth/publish';
import { NO_REPOSITORY_NOTE, run } from '../synth/run';
import { checkGitOpsObjects } from '../validate/gitops';
import { loadManifestDir, Manifest } from '../validate/manifests';
import { validateDirectory } from '../validate/index';
import { configErrorFor } from './support/config-errors';
import { configFrom, find, K8sObject, ofKind, parseYamlObjects, podSpecOf, readManifestDir } from './support/manifests';

const REPO = 'https://git.example.org/team/container-infra.git';

/** Synthesize the environment and its GitOps app into a temporary folder; objects by folder. */
function synthWithGitOps(config: Config): { env: K8sObject[]; gitops: K8sObject[]; files: string[]; gitopsFiles: string[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'ci-gitops-'));
  try {
    const app = buildApp(config, dir);
    app.synth();
    buildGitOpsApp(dir, app)?.synth();
    const gitopsDir = path.join(dir, GITOPS_DIR);
    const gitops = existsSync(gitopsDir) ? [...readManifestDir(gitopsDir).values()].flat() : [];
    return {
      env: [...readManifestDir(dir).values()].flat(),
      gitops,
      files: readdirSync(dir).sort(),
      gitopsFiles: existsSync(gitopsDir) ? readdirSync(gitopsDir).sort() : [],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const flux = (extra: ConfigInput = {}): Config =>
  configFrom({ repository: { url: REPO, revision: 'release' }, gitops: { mode: 'flux' }, jenkins: { deploy: { environment: 'staging' } }, ...extra });

const prod = loadConfig({ env: 'prod' }).config;
const prodOut = synthWithGitOps(prod);
const project = find(prodOut.gitops, 'AppProject', 'container-infra-prod', 'argocd');
const application = find(prodOut.gitops, 'Application', 'container-infra-prod', 'argocd');

describe('configuration', () => {
  test('the default environment names no repository and has no GitOps mode: nothing in gitops/', () => {
    const config = configFrom();
    expect(config.repository.url).toBeUndefined();
    expect(config.gitops.mode).toBe('none');
    const out = synthWithGitOps(config);
    expect(out.gitops).toEqual([]);
    expect(out.files).not.toContain(GITOPS_DIR);
  });

  test('a GitOps mode without a repository is refused, naming both fields', () => {
    const msg = configErrorFor({ gitops: { mode: 'argocd' } });
    expect(msg).toContain('bad.yaml');
    expect(msg).toContain('gitops.mode');
    expect(msg).toContain('repository.url');
  });

  test.each([
    [{ sync: { automated: false } }, 'gitops.sync.automated'],
    [{ sync: { selfHeal: false } }, 'gitops.sync.selfHeal'],
    [{ destination: { server: 'https://other.example.org:6443' } }, 'gitops.destination.server'],
  ])('Flux refuses what it cannot do (%j)', (gitops, field) => {
    expect(configErrorFor({ repository: { url: REPO }, gitops: { mode: 'flux', ...gitops } })).toContain(field);
  });

  test('dependsOn is Flux only; the old Jenkins repository keys are gone', () => {
    expect(configErrorFor({ repository: { url: REPO }, gitops: { mode: 'argocd', dependsOn: ['secrets'] } })).toContain('gitops.dependsOn');
    expect(configErrorFor({ jenkins: { job: { repositoryUrl: REPO } } })).toMatch(/jenkins\.job\.repositoryUrl: unknown key; it moved to repository\.url/);
    expect(configErrorFor({ jenkins: { job: { branch: 'main' } } })).toMatch(/jenkins\.job\.branch: unknown key; it moved to repository\.revision/);
    expect(configErrorFor({ repository: { path: '../elsewhere' } })).toContain('repository.path');
  });

  test('run() says in one line that no repository means no job and no GitOps objects; with one it says nothing of the kind', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ci-gitops-run-'));
    const cfg = path.join(dir, 'with-repo.yaml');
    writeFileSync(cfg, `repository:\n  url: ${REPO}\n`);
    try {
      const logs: string[] = [];
      // CDK8S_OUTDIR other than the staging area: `cdk8s synth -o DIR`, written straight into DIR.
      expect(run({ CDK8S_OUTDIR: path.join(dir, 'a') }, (m) => logs.push(m)).exitCode).toBe(0);
      expect(logs.filter((l) => l === NO_REPOSITORY_NOTE)).toHaveLength(1);
      expect(NO_REPOSITORY_NOTE).not.toContain('\n');

      const quiet: string[] = [];
      expect(run({ CONTAINER_INFRA_CONFIG: cfg, CONTAINER_INFRA_OUT: path.join(dir, 'out'), CDK8S_OUTDIR: path.join(dir, 'b') }, (m) => quiet.push(m)).exitCode).toBe(0);
      expect(quiet.join('\n')).not.toContain('repository.url');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Argo CD (the prod example)', () => {
  test('written to gitops/ only: the folder kubectl apply -f and the Application read holds no Argo CD object', () => {
    expect(prodOut.gitopsFiles).toEqual(['argocd.k8s.yaml']);
    expect(prodOut.env.filter((o) => o.apiVersion.startsWith('argoproj.io/'))).toEqual([]);
    expect(application.spec.source).toEqual({ repoURL: prod.repository.url, targetRevision: 'main', path: 'dist-prod', directory: { recurse: false } });
  });

  test('the project allows exactly the namespaces and kinds the output has', () => {
    // Read from the synthesized YAML: cluster-scoped objects are the ones without a namespace.
    const namespaces = [...new Set(prodOut.env.flatMap((o) => (o.kind === 'Namespace' ? [o.metadata.name] : o.metadata.namespace ? [o.metadata.namespace] : [])))].sort();
    const kinds = (objs: K8sObject[]) => [...new Set(objs.map((o) => `${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}/${o.kind}`))].sort();
    expect(namespaces).toEqual(['ci', 'container-infra', 'monitoring', 'monitoring-node']);
    expect(project.spec.destinations).toEqual(namespaces.map((namespace) => ({ namespace, server: 'https://kubernetes.default.svc' })));
    expect(project.spec.clusterResourceWhitelist.map((k: any) => `${k.group}/${k.kind}`).sort()).toEqual(kinds(prodOut.env.filter((o) => !o.metadata.namespace)));
    expect(project.spec.namespaceResourceWhitelist.map((k: any) => `${k.group}/${k.kind}`).sort()).toEqual(kinds(prodOut.env.filter((o) => o.metadata.namespace)));
    expect(project.spec.sourceRepos).toEqual([prod.repository.url]);
    expect(application.spec.project).toBe(project.metadata.name);
  });

  test('sync: server-side apply, our own Namespaces, automated prune and self-heal', () => {
    expect(application.spec.syncPolicy).toEqual({ automated: { prune: true, selfHeal: true }, syncOptions: ['ServerSideApply=true', 'CreateNamespace=false'] });
    expect(application.spec.destination).toEqual({ server: 'https://kubernetes.default.svc' });
    // webtoon's HPA scales a Deployment that sets no replicas, so nothing needs ignoring.
    const hpa = ofKind(prodOut.env, 'HorizontalPodAutoscaler')[0];
    expect(find(prodOut.env, 'Deployment', hpa.spec.scaleTargetRef.name).spec.replicas).toBeUndefined();
    expect(application.spec).not.toHaveProperty('ignoreDifferences');
  });

  test('manual sync when automated is off', () => {
    const app = find(synthWithGitOps(configFrom({ repository: { url: REPO }, gitops: { mode: 'argocd', sync: { automated: false } } })).gitops, 'Application', 'container-infra-default');
    expect(app.spec.syncPolicy).not.toHaveProperty('automated');
  });

  test('sync waves: Namespaces first, then identities and RBAC, the rest after; Namespaces are never pruned', () => {
    for (const o of prodOut.env) {
      const a = o.metadata.annotations ?? {};
      const wave = o.kind === 'Namespace' ? '-2' : ['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind) ? '-1' : undefined;
      expect({ kind: o.kind, name: o.metadata.name, wave: a['argocd.argoproj.io/sync-wave'] }).toEqual({ kind: o.kind, name: o.metadata.name, wave });
      expect(a['argocd.argoproj.io/sync-options']).toBe(o.kind === 'Namespace' ? 'Prune=false' : undefined);
    }
    const plain = synthWithGitOps(configFrom()).env;
    expect(plain.some((o) => Object.keys(o.metadata.annotations ?? {}).some((k) => k.startsWith('argocd.argoproj.io/')))).toBe(false);
  });

  test('a field an autoscaler owns is ignored, and only then', () => {
    const objs = [
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'a' }, spec: { replicas: 2 } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'other', namespace: 'a' }, spec: { replicas: 2 } },
      { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'a' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } } },
    ];
    expect(gitopsScope(objs).controllerOwned).toEqual([
      { group: 'apps', kind: 'Deployment', namespace: 'a', name: 'web', jsonPointers: ['/spec/replicas'], owner: 'HorizontalPodAutoscaler web' },
    ]);
    expect(gitopsScope(objs.slice(1)).controllerOwned).toEqual([]);
  });

  test('a custom kind the output defines is placed by its CRD\'s scope', () => {
    const crd = (scope: string) => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'sets.example.org' }, spec: { group: 'example.org', scope, names: { kind: 'Set' } } });
    const cr = { apiVersion: 'example.org/v1', kind: 'Set', metadata: { name: 'x', namespace: 'ci' } };
    const kinds = (s: ReturnType<typeof gitopsScope>) => ({ cluster: s.clusterKinds.map((k) => k.kind), namespaces: s.namespaces });
    expect(kinds(gitopsScope([crd('Cluster'), cr]))).toEqual({ cluster: ['CustomResourceDefinition', 'Set'], namespaces: [] });
    expect(kinds(gitopsScope([crd('Namespaced'), cr]))).toEqual({ cluster: ['CustomResourceDefinition'], namespaces: ['ci'] });
  });
});

describe('Flux', () => {
  const out = synthWithGitOps(flux({ gitops: { mode: 'flux', dependsOn: ['cluster-secrets'] } }));
  const repo = find(out.gitops, 'GitRepository', 'container-infra-staging', 'flux-system');
  const ks = find(out.gitops, 'Kustomization', 'container-infra-staging', 'flux-system');

  test('a GitRepository on the configured branch and a Kustomization that prunes, waits for health and respects dependsOn', () => {
    expect(out.gitopsFiles).toEqual(['flux.k8s.yaml']);
    expect(repo.spec).toMatchObject({ url: REPO, ref: { branch: 'release' }, interval: '5m' });
    expect(ks.spec).toEqual({
      sourceRef: { kind: 'GitRepository', name: repo.metadata.name },
      path: './dist-staging',
      interval: '5m',
      timeout: '15m',
      prune: true,
      wait: true,
      dependsOn: [{ name: 'cluster-secrets' }],
    });
    expect(find(out.env, 'Namespace', 'container-infra').metadata.annotations['kustomize.toolkit.fluxcd.io/prune']).toBe('disabled');
    expect(out.env.some((o) => Object.keys(o.metadata.annotations ?? {}).some((k) => k.startsWith('argocd.argoproj.io/')))).toBe(false);
  });

  test.each(['dist-staging', 'envs/prod/manifests'])('the source keeps only %s, without its gitops/ folder (checked with git check-ignore)', (folder) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ci-ignore-'));
    try {
      expect(spawnSync('git', ['init', '-q', dir]).status).toBe(0);
      writeFileSync(path.join(dir, '.gitignore'), fluxIgnoreRules(folder));
      const paths = { kept: [`${folder}/0000-namespaces.k8s.yaml`, `${folder}/0010-jenkins.k8s.yaml`], dropped: [`${folder}/gitops/flux.k8s.yaml`, 'README.md', 'charts/gateway.ts', 'dist/0000-namespaces.k8s.yaml', `${folder}-old/a.yaml`] };
      for (const p of [...paths.kept, ...paths.dropped]) {
        mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
        writeFileSync(path.join(dir, p), 'x');
      }
      const ignored = (p: string) => spawnSync('git', ['-C', dir, 'check-ignore', '-q', p]).status === 0;
      for (const p of paths.kept) expect({ p, ignored: ignored(p) }).toEqual({ p, ignored: false });
      for (const p of paths.dropped) expect({ p, ignored: ignored(p) }).toEqual({ p, ignored: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(repo.spec.ignore).toBe(fluxIgnoreRules('dist-staging'));
  });
});

describe('model.gitops: the facts the chart and the picture read', () => {
  /** What the synthesized gitops/ objects say, read from the YAML alone. */
  const fromYaml = (objects: readonly K8sObject[]) => {
    const byKind = (kind: string) => objects.filter((o) => o.kind === kind).map((o) => o.metadata.name);
    const path = objects.find((o) => o.kind === 'Application')?.spec.source.path ?? objects.find((o) => o.kind === 'Kustomization')?.spec.path.replace(/^\.\//, '');
    return { namespaces: [...new Set(objects.map((o) => o.metadata.namespace))], byKind, path };
  };

  test.each([
    ['the prod example', prod, { tool: 'Argo CD', namespace: 'argocd', name: 'container-infra-prod', path: 'dist-prod' }],
    ['Flux with defaults', flux(), { tool: 'Flux', namespace: 'flux-system', name: 'container-infra-staging', path: 'dist-staging' }],
    ['Flux, everything named', flux({ gitops: { mode: 'flux', namespace: 'gitops', name: 'shop' }, repository: { url: REPO, path: 'envs/shop' } }), { tool: 'Flux', namespace: 'gitops', name: 'shop', path: 'envs/shop' }],
    ['Argo CD, named', flux({ gitops: { mode: 'argocd', name: 'shop' } }), { tool: 'Argo CD', namespace: 'argocd', name: 'shop', path: 'dist-staging' }],
  ])('%s: namespace, names and repository path as documented, and as synthesized', (_name, config, want) => {
    const model = resolve(config).gitops;
    expect({ tool: model.tool, namespace: model.namespace, name: model.name, path: model.repositoryPath }).toEqual(want);
    expect(model.generated).toBe(true);
    const yaml = fromYaml(synthWithGitOps(config).gitops);
    expect(yaml.namespaces).toEqual([model.namespace]);
    expect(yaml.path).toBe(model.repositoryPath);
    if (model.argocd) {
      expect(model.flux).toBeUndefined();
      expect({ project: yaml.byKind('AppProject'), application: yaml.byKind('Application') }).toEqual({ project: [model.argocd.project], application: [model.argocd.application] });
    } else {
      expect(model.flux).toBeDefined();
      expect({ repository: yaml.byKind('GitRepository'), kustomization: yaml.byKind('Kustomization') }).toEqual({ repository: [model.flux!.repository], kustomization: [model.flux!.kustomization] });
    }
  });

  test('no objects without a mode, or without a repository to read from', () => {
    expect(resolve(configFrom()).gitops).toMatchObject({ mode: 'none', generated: false });
    expect(resolve(configFrom()).gitops.argocd ?? resolve(configFrom()).gitops.flux ?? resolve(configFrom()).gitops.tool).toBeUndefined();
    expect(resolve(flux({ gitops: { mode: 'none' } })).gitops.generated).toBe(false);
  });
});

describe('Jenkins under a GitOps mode', () => {
  const ci = prod.namespaces.ci;
  const casc = parse(find(prodOut.env, 'ConfigMap', `${prod.jenkins.name}-config`, ci).data['jenkins.yaml']);
  const env = Object.fromEntries(casc.jenkins.globalNodeProperties[0].envVars.env.map((e: any) => [e.key, e.value]));
  const agentPod = parse(casc.jenkins.clouds[0].kubernetes.templates[0].yaml);

  test('no deploy identity: no ServiceAccount, Role, binding or ClusterRole for it', () => {
    const deploy = prodOut.env.filter((o) => o.metadata.name.endsWith(`${prod.jenkins.name}-deploy`));
    expect(deploy).toEqual([]);
    // The default environment (Jenkins deploys) still has it: the check above can fail.
    expect(synthWithGitOps(configFrom()).env.filter((o) => o.metadata.name.endsWith('jenkins-deploy')).length).toBeGreaterThan(0);
  });

  test('the agent pod has no kubectl container, no token and no API server egress', () => {
    expect(agentPod.spec.containers.map((c: any) => c.name)).toEqual(['jnlp', 'node']);
    expect(agentPod.spec.serviceAccountName).toBeUndefined();
    expect(agentPod.spec.automountServiceAccountToken).toBe(false);
    expect(agentPod.spec.volumes.map((v: any) => v.name)).toEqual(['tmp']);
    const policy = find(prodOut.env, 'NetworkPolicy', `${prod.jenkins.name}-agent`, ci);
    const ports = policy.spec.egress.flatMap((r: any) => (r.ports ?? []).map((p: any) => p.port));
    expect(ports).not.toContain(6443);
  });

  test('no ApplySet type, parent or deploy identity: the GitOps tool deploys, not scripts/deploy.sh', () => {
    const names = (kind: string) => prodOut.env.filter((o) => o.kind === kind).map((o) => o.metadata.name);
    expect(names('CustomResourceDefinition')).not.toContain(APPLYSET_CRD_NAME);
    expect(names(APPLYSET_TYPE.kind)).toEqual([]);
    expect(names('ServiceAccount')).not.toContain(deployServiceAccount(resolve(prod)).name);
    // The same configuration without a GitOps mode has them: this test can fail.
    const pushed = synthWithGitOps({ ...prod, gitops: { ...prod.gitops, mode: 'none' } }).env;
    expect(pushed.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name)).toContain(APPLYSET_CRD_NAME);
    expect(pushed.filter((o) => o.kind === 'ServiceAccount').map((o) => o.metadata.name)).toContain(deployServiceAccount(resolve(prod)).name);
  });

  test('the pipeline learns the mode; the job checks instead of deploying', () => {
    expect(env.CONTAINER_INFRA_GITOPS).toBe('argocd');
    expect(env.CONTAINER_INFRA_DEPLOY_DIR).toBe('dist-prod');
    expect(casc.jobs[0].script).toContain(`url('${prod.repository.url}')`);
    expect(casc.jobs[0].script).toContain('Argo CD deploys it');
  });

  test('the Jenkinsfile applies only when Jenkins deploys', () => {
    const jenkinsfile = readFileSync(path.join(__dirname, '..', 'Jenkinsfile'), 'utf8');
    expect(jenkinsfile).toMatch(/def jenkinsDeploys\(\) \{\s*return requiredEnv\('CONTAINER_INFRA_GITOPS'\) == 'none'\s*\}/);
    const whens = [...jenkinsfile.matchAll(/when \{ expression \{ ([^}]*) \} \}/g)].map((m) => m[1].trim());
    expect(whens).toEqual(['jenkinsDeploys() && onDeployBranch()', 'jenkinsDeploys() && onDeployBranch()']);
    expect(podSpecOf(find(prodOut.env, 'StatefulSet', prod.jenkins.name, ci))).toBeDefined();
  });
});

describe('publishing and validation of gitops/', () => {
  test('publishing a configuration without GitOps removes the old gitops/ folder', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ci-publish-'));
    try {
      const staging = path.join(dir, 'staging');
      const target = path.join(dir, 'target');
      mkdirSync(path.join(staging, GITOPS_DIR), { recursive: true });
      writeFileSync(path.join(staging, 'a.k8s.yaml'), 'x');
      writeFileSync(path.join(staging, GITOPS_DIR, 'argocd.k8s.yaml'), 'y');
      publish(staging, target);
      expect(publishOptional(path.join(staging, GITOPS_DIR), path.join(target, GITOPS_DIR))).toEqual([path.join(target, GITOPS_DIR, 'argocd.k8s.yaml')]);
      rmSync(path.join(staging, GITOPS_DIR), { recursive: true });
      expect(publishOptional(path.join(staging, GITOPS_DIR), path.join(target, GITOPS_DIR))).toEqual([]);
      expect(readdirSync(target)).toEqual(['a.k8s.yaml']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const asManifests = (objs: K8sObject[], file: string): Manifest[] => objs.map((object) => ({ file, object: JSON.parse(JSON.stringify(object)) }));
  const env = asManifests(prodOut.env, 'env.k8s.yaml');

  test('the prod example and a Flux configuration validate against the shipped CRDs and their manifests', () => {
    expect(checkGitOpsObjects(asManifests(prodOut.gitops, 'gitops/argocd.k8s.yaml'), env)).toEqual([]);
    const f = synthWithGitOps(flux());
    expect(checkGitOpsObjects(asManifests(f.gitops, 'gitops/flux.k8s.yaml'), asManifests(f.env, 'env.k8s.yaml'))).toEqual([]);
  });

  test('a stale project, a misspelt field, a missing source and a kind without a shipped CRD are findings', () => {
    const gitops = asManifests(prodOut.gitops, 'gitops/argocd.k8s.yaml');
    const p = gitops.find((m) => m.object.kind === 'AppProject')!.object;
    p.spec.destinations.pop();
    p.spec.clusterResourceWhitelist.pop();
    gitops.find((m) => m.object.kind === 'Application')!.object.spec.syncPolicy.automatd = {};
    const f = asManifests(synthWithGitOps(flux()).gitops, 'gitops/flux.k8s.yaml').filter((m) => m.object.kind === 'Kustomization');
    const stranger = asManifests(parseYamlObjects('apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: x, namespace: argocd}\n'), 'gitops/x.yaml');
    const found = checkGitOpsObjects([...gitops, ...f, ...stranger], env).map((x) => `${x.check} ${x.object?.kind} ${x.path}`);
    expect(found.sort()).toEqual(
      [
        'gitops AppProject spec.destinations',
        'gitops AppProject spec.clusterResourceWhitelist',
        'crd-schema Application spec.syncPolicy.automatd',
        'gitops Kustomization spec.sourceRef',
        'crd-schema ApplicationSet apiVersion',
      ].sort(),
    );
  });

  test('validateDirectory reads <dir>/gitops/ as well (and only the GitOps checks run on it)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ci-validate-gitops-'));
    try {
      const app = buildApp(prod, dir);
      app.synth();
      buildGitOpsApp(dir, app)!.synth();
      expect(loadManifestDir(dir).manifests.some((m) => m.object.kind === 'Application')).toBe(false);
      const clean = validateDirectory(dir, { requireDefinitions: true, userCreated: [] });
      expect(clean.gitopsObjects).toBe(2);
      expect(clean.findings.filter((f) => f.file?.startsWith(`${GITOPS_DIR}/`))).toEqual([]);
      const file = path.join(dir, GITOPS_DIR, 'argocd.k8s.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('recurse: false', 'recurse: "no"'));
      const bad = validateDirectory(dir, { requireDefinitions: true, userCreated: [] }).findings.filter((f) => f.file?.startsWith(`${GITOPS_DIR}/`));
      expect(bad.map((f) => `${f.file} ${f.path}`)).toEqual([`${GITOPS_DIR}/argocd.k8s.yaml spec.source.directory.recurse`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
