import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { buildApp } from '../../synth/build-app';
import type { Config } from '../../config/schema';

export const ROOT = path.join(__dirname, '..', '..');
export const KUBECTL = process.env.KUBECTL ?? 'kubectl';

export interface Result {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs a program with KUBECONFIG set (the admin's unless given). */
export function run(cmd: string, args: string[], opts: { kubeconfig?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): Result {
  const start = Date.now();
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    encoding: 'utf8',
    input: opts.input,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, ...opts.env, KUBECONFIG: opts.kubeconfig ?? process.env.KUBECONFIG },
  });
  return { status: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ms: Date.now() - start };
}

export const kubectl = (args: string[], opts: { kubeconfig?: string; input?: string } = {}) => run(KUBECTL, args, opts);

/** `scripts/deploy.sh DIR [--dry-run]`. */
export const deploy = (dir: string, opts: { dryRun?: boolean; kubeconfig?: string } = {}) =>
  run('sh', [path.join(ROOT, 'scripts', 'deploy.sh'), dir, ...(opts.dryRun ? ['--dry-run'] : [])], { kubeconfig: opts.kubeconfig, env: { KUBECTL } });

/** Lines of kubectl/API server warnings in a command's output. */
export function warnings(r: Result): string[] {
  return `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /warning/i.test(l));
}

export function ok(r: Result, what: string): Result {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stderr || r.stdout}`);
  return r;
}

/**
 * Waits (bounded) until every named CRD reports Established. Not `kubectl wait --for=condition=…`:
 * right after a create, before the API server has written any condition, that exits with
 * ".status.conditions accessor error" instead of waiting.
 */
export function waitEstablished(crds: readonly string[], timeoutMs = 60_000): void {
  const deadline = Date.now() + timeoutMs;
  const established = (crd: string) => kubectl(['get', `crd/${crd}`, '-o', 'jsonpath={.status.conditions[?(@.type=="Established")].status}']).stdout.trim() === 'True';
  let pending = [...crds];
  while ((pending = pending.filter((c) => !established(c))).length > 0) {
    if (Date.now() > deadline) throw new Error(`CRDs not Established after ${timeoutMs / 1000} s: ${pending.join(', ')}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
}

/** Synthesizes a configuration into a fresh folder, as `npx cdk8s synth` would. */
export function synthTo(config: Config, label: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `cluster-${label}-`));
  buildApp(config, dir).synth();
  return dir;
}

/** A kubeconfig for a ServiceAccount: the admin's cluster entry and the account's token. */
export function serviceAccountKubeconfig(namespace: string, name: string): string {
  const token = ok(kubectl(['-n', namespace, 'create', 'token', name, '--duration=1h']), 'create token').stdout.trim();
  const admin = parse(readFileSync(process.env.KUBECONFIG!, 'utf8'));
  const cluster = admin.clusters[0];
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sa-kubeconfig-')), 'kubeconfig');
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [cluster],
      users: [{ name, user: { token } }],
      contexts: [{ name, context: { cluster: cluster.name, user: name } }],
      'current-context': name,
    }),
  );
  return file;
}

/**
 * Every object of an ApplySet (by its member label) → when its field manager last changed it (the
 * Apply entry's time in managedFields) and its generation. Controllers write status (and bump the
 * resourceVersion) all the time; only a write by our manager moves the time.
 */
export function members(setId: string, kinds: string[], fieldManager: string): Map<string, { applied?: string; generation?: number }> {
  const out = new Map<string, { applied?: string; generation?: number }>();
  const r = ok(kubectl(['get', kinds.join(','), '-A', '-l', `applyset.kubernetes.io/part-of=${setId}`, '-o', 'json', '--show-managed-fields']), 'list members');
  for (const o of JSON.parse(r.stdout).items) {
    const entry = (o.metadata.managedFields ?? []).find((m: any) => m.manager === fieldManager && m.operation === 'Apply');
    out.set(`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, { applied: entry?.time, generation: o.metadata.generation });
  }
  return out;
}
