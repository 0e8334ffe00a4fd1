import { resolve } from '../../model/resolve';
import * as fc from 'fast-check';
import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { generatedServices } from '../../bench/generate';
import { deployServiceAccount } from '../../charts/deploy';
import { APPLYSET_CRD_NAME, APPLYSET_TYPE, applySetId } from '../../constructs/applyset';
import { loadConfig, parseConfig } from '../../model/load';
import type { Config, ConfigInput } from '../../config/schema';
import { DEFAULT_SERVICES } from '../../config/schema/microservices';
import { validConfig } from '../support/config-arbitrary';
import { deploy, kubectl, members, ok, ROOT, run, serviceAccountKubeconfig, synthTo, warnings } from './kube';

/**
 * The cluster tier: what a user does, on a real API server (docs/validation.md). Runs in order;
 * each environment gets its own namespaces so they live side by side in one cluster.
 */
const DIST = path.join(ROOT, 'dist');
const timings: Record<string, number> = {};
const summary: string[] = [];

/** The same configuration in its own namespaces and ApplySet (`<prefix>-…`). */
function isolated(input: ConfigInput, prefix: string): Config {
  return parseConfig(
    {
      ...input,
      partOf: prefix,
      namespaces: { apps: `${prefix}-apps`, ci: `${prefix}-ci`, monitoring: `${prefix}-mon`, nodeMonitoring: `${prefix}-node` },
      jenkins: { ...(input.jenkins ?? {}), deploy: { ...(input.jenkins?.deploy ?? {}), environment: prefix, namespaces: undefined } },
      // deploy.sh deploys only without a GitOps mode (prod's Argo CD objects: gitops.cluster.ts).
      gitops: { ...(input.gitops ?? {}), mode: 'none' },
    },
    `(cluster tier: ${prefix})`,
  );
}

function parentOf(dir: string): { name: string; id: string } {
  const file = readdirSync(dir).find((f) => f.endsWith('-applyset.k8s.yaml'))!;
  const parent = parse(readFileSync(path.join(dir, file), 'utf8'));
  return { name: parent.metadata.name, id: parent.metadata.labels['applyset.kubernetes.io/id'] };
}

/** Member kinds as the parent records them (kubectl keeps them in an annotation). */
function memberKinds(parent: string): string[] {
  const r = ok(kubectl(['get', `${APPLYSET_TYPE.plural}.${APPLYSET_TYPE.group}`, parent, '-o', 'json']), 'get parent');
  return JSON.parse(r.stdout).metadata.annotations['applyset.kubernetes.io/contains-group-kinds'].split(',').map((gk: string) => gk.toLowerCase());
}

type Snapshot = Map<string, { applied?: string; generation?: number }>;

function snapshot(dir: string): Snapshot {
  const p = parentOf(dir);
  return members(p.id, memberKinds(p.name), p.name);
}

/**
 * Changed between two snapshots: a write by our field manager. (Not the generation: an HPA moves a
 * Deployment's replicas, and controllers write status, whenever they like.)
 */
function changed(a: Snapshot, b: Snapshot): string[] {
  const out: string[] = [];
  for (const [id, before] of a) {
    const after = b.get(id);
    if (!after) out.push(`${id} (gone)`);
    else if (before.applied !== after.applied) out.push(id);
  }
  for (const id of b.keys()) if (!a.has(id)) out.push(`${id} (new)`);
  return out;
}

function memberFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.k8s.yaml') && !f.endsWith('-deploy.k8s.yaml') && !f.endsWith('-applyset.k8s.yaml'))
    .map((f) => path.join(dir, f));
}

function namespacesOf(config: Config): string[] {
  const ns = config.namespaces;
  return [ns.apps, ...(config.jenkins.enabled ? [ns.ci] : []), ...(config.monitoring.enabled ? [ns.monitoring, ns.nodeMonitoring] : [])];
}

/** Every Deployment, StatefulSet and Job has its Pods (Pending: no kubelet), and nothing failed to create. */
async function podsAdmitted(config: Config): Promise<void> {
  const namespaces = namespacesOf(config);
  let missing: string[] = [];
  for (let i = 0; i < 60; i++) {
    missing = [];
    for (const ns of namespaces) {
      const items = JSON.parse(ok(kubectl(['-n', ns, 'get', 'deployments,statefulsets,jobs', '-o', 'json']), 'get workloads').stdout).items;
      for (const w of items) {
        const want = w.kind === 'Job' ? 1 : (w.spec.replicas ?? 1);
        const have = w.kind === 'Job' ? (w.status?.active ?? 0) + (w.status?.succeeded ?? 0) + (w.status?.failed ?? 0) : (w.status?.replicas ?? 0);
        if (have < want) missing.push(`${w.kind} ${ns}/${w.metadata.name}: ${have}/${want} pods`);
      }
    }
    if (missing.length === 0) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  const failed = namespaces.flatMap((ns) =>
    JSON.parse(ok(kubectl(['-n', ns, 'get', 'events', '--field-selector', 'reason=FailedCreate', '-o', 'json']), 'events').stdout).items.map(
      (e: any) => `${ns}: ${e.involvedObject.kind}/${e.involvedObject.name}: ${e.message}`,
    ),
  );
  expect(failed).toEqual([]);
  expect(missing).toEqual([]);
}

/** The README's Secrets block, run as written. */
function readmeDeployBlock(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Deploy'));
  return /```sh\n([\s\S]*?)```/.exec(section)![1];
}

/** Dry run, first deploy, Pods, a second deploy and a server-side diff: the whole user path. */
async function deployFresh(label: string, dir: string, config: Config, createNamespaces: boolean): Promise<void> {
  // managedFields times have a one-second resolution: a change within the same second would hide.
  const tick = () => new Promise((r) => setTimeout(r, 1100));
  if (createNamespaces) for (const ns of namespacesOf(config)) ok(kubectl(['create', 'namespace', ns]), `create namespace ${ns}`);
  const dry = ok(deploy(dir, { dryRun: true }), `${label}: deploy.sh --dry-run`);
  expect(warnings(dry)).toEqual([]);
  const first = ok(deploy(dir), `${label}: deploy.sh`);
  timings[`apply ${label}`] = first.ms;
  expect(warnings(first)).toEqual([]);
  await podsAdmitted(config);
  const before = snapshot(dir);
  await tick();
  const second = ok(deploy(dir), `${label}: second deploy.sh`);
  timings[`re-apply ${label}`] = second.ms;
  expect(warnings(second)).toEqual([]);
  expect(changed(before, snapshot(dir))).toEqual([]);
  // Another field manager's server-side diff: only values that differ from what is stored show.
  const diff = run(process.env.KUBECTL ?? 'kubectl', ['diff', '--server-side', ...memberFiles(dir).flatMap((f) => ['-f', f])]);
  expect({ status: diff.status, diff: diff.stdout.slice(0, 4000), err: diff.stderr.slice(0, 2000) }).toEqual({ status: 0, diff: '', err: '' });
  summary.push(`${label}: ${before.size} members; dry run, apply, Pods admitted, second apply and server-side diff: no change, no warning`);
}

beforeAll(() => {
  ok(kubectl(['version']), 'kubectl version (is KUBECONFIG a reachable cluster?)');
});

afterAll(() => {
  console.log(`cluster tier\n${summary.map((s) => `  ${s}`).join('\n')}\n${Object.entries(timings).map(([k, v]) => `  ${k}: ${(v / 1000).toFixed(1)} s`).join('\n')}`);
});

const defaultConfig = loadConfig({}).config;

test('default environment: the README Deploy block, dry run, apply, Pods admitted under Pod Security, second apply and diff change nothing', async () => {
  ok(run('bash', ['-euo', 'pipefail', '-c', readmeDeployBlock()]), 'README Deploy block');
  await deployFresh('default', DIST, defaultConfig, false);
  expect(parentOf(DIST).id).toBe(applySetId({ name: parentOf(DIST).name, kind: APPLYSET_TYPE.kind, group: APPLYSET_TYPE.group }));
});

const prodConfig = isolated(parse(readFileSync(path.join(ROOT, 'config', 'environments', 'prod.yaml'), 'utf8')), 'prod-b');
let prodDir = '';
test('prod environment (its own namespaces) beside the default one', async () => {
  prodDir = synthTo(prodConfig, 'prod');
  await deployFresh('prod', prodDir, prodConfig, true);
});

test('property-generated configurations deploy the same way', async () => {
  const samples = fc.sample(validConfig, { seed: 20261207, numRuns: 3 });
  for (const [i, input] of samples.entries()) {
    const config = isolated(input, `gen${i}`);
    await deployFresh(`generated #${i}`, synthTo(config, `gen${i}`), config, true);
  }
});

test('deploy.sh as the deploy ServiceAccount: redeploys as a no-op, prunes a removed service, leaves the other environment alone', () => {
  const sa = deployServiceAccount(resolve(defaultConfig));
  const kubeconfig = serviceAccountKubeconfig(sa.namespace, sa.name);
  const prodBefore = snapshot(prodDir);

  const before = snapshot(DIST);
  const again = ok(deploy(DIST, { kubeconfig }), 'deploy.sh as the ServiceAccount');
  expect(warnings(again)).toEqual([]);
  expect(changed(before, snapshot(DIST))).toEqual([]);

  // One service more, then gone again: all of its objects go, every other object stays.
  const withExtra = parseConfig({ services: [...DEFAULT_SERVICES, { name: 'extra' }] }, '(extra)');
  const extraDir = synthTo(withExtra, 'extra');
  ok(deploy(extraDir, { kubeconfig }), 'deploy.sh with an extra service (ServiceAccount)');
  const extraObjects = () =>
    JSON.parse(ok(kubectl(['get', 'all,configmaps,networkpolicies,serviceaccounts,poddisruptionbudgets', '-A', '-l', 'app.kubernetes.io/instance in (extra,extra-redis)', '-o', 'json']), 'get extra').stdout).items.filter(
      (o: any) => !['Pod', 'ReplicaSet'].includes(o.kind),
    );
  expect(extraObjects().length).toBeGreaterThan(3);

  const pruned = ok(deploy(DIST, { kubeconfig }), 'deploy.sh without the extra service (ServiceAccount)');
  timings['prune one service (ServiceAccount)'] = pruned.ms;
  expect(warnings(pruned)).toEqual([]);
  expect(extraObjects()).toEqual([]);
  const after = snapshot(DIST);
  expect([...before.keys()].filter((id) => !after.has(id))).toEqual([]);
  expect(changed(prodBefore, snapshot(prodDir))).toEqual([]);
  // The type and parent stayed, and the pipeline could not have deleted them.
  ok(kubectl(['get', 'customresourcedefinition', APPLYSET_CRD_NAME]), 'CRD still there');
  expect(run('sh', ['-c', `${process.env.KUBECTL ?? 'kubectl'} auth can-i delete customresourcedefinitions/${APPLYSET_CRD_NAME}`], { kubeconfig }).stdout.trim()).toBe('no');
  summary.push('deploy.sh as the deploy ServiceAccount: no-op redeploy, one service added then pruned (all its objects gone, nothing else), prod untouched');
});

test('1000 services: client-side apply of the gateway ConfigMap fails at 256 KiB, server-side deploy.sh succeeds', () => {
  const config = isolated({ services: generatedServices(1000), jenkins: { enabled: false } }, 'k1');
  const dir = synthTo(config, 'k1000');
  for (const ns of namespacesOf(config)) ok(kubectl(['create', 'namespace', ns]), `create namespace ${ns}`);
  const gatewayFile = readdirSync(dir).find((f) => f.endsWith('-gateway.k8s.yaml'))!;
  const clientSide = kubectl(['apply', '-f', path.join(dir, gatewayFile)]);
  expect(clientSide.status).not.toBe(0);
  expect(clientSide.stderr).toMatch(/Too long: (may not be more than|must have at most) 262144 bytes/);
  const serverSide = ok(deploy(dir), 'deploy.sh 1000 services');
  timings['apply 1000 services'] = serverSide.ms;
  expect(warnings(serverSide)).toEqual([]);
  summary.push(`1000 services: client-side apply refused ("${/Too long[^\n]*/.exec(clientSide.stderr)?.[0]}"), server-side deploy.sh applied ${snapshot(dir).size} members`);
});
