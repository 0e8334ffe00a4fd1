import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';

export const ROOT = path.resolve(__dirname, '..', '..');

/**
 * A throw-away copy of the project (sources, config, committed dist/; node_modules linked), so a test
 * can run the real `npx cdk8s synth` without touching the working tree.
 */
export function copyProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ci-project-'));
  for (const entry of readdirSync(ROOT)) {
    if (['node_modules', '.git', 'coverage', 'build', '.cdk8s-staging'].includes(entry) || entry.startsWith('dist-')) continue;
    cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/**
 * What a user who clones the repository gets: the files git knows (tracked, plus new files not
 * ignored), copied into `<fresh temp dir>/project` with nothing beside it, node_modules linked.
 * Anything the project reads from outside itself (e.g. `../shared`) is absent there.
 * Returns the project directory; remove `path.dirname(dir)` afterwards.
 */
export function cloneLikeCopy(): string {
  const parent = mkdtempSync(path.join(tmpdir(), 'ci-clone-'));
  const dir = path.join(parent, 'project');
  const r = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8', timeout: 30000 });
  if (r.status !== 0) throw new Error(`git ls-files failed in ${ROOT}: ${r.stderr}`);
  for (const file of r.stdout.split('\0').filter(Boolean)) {
    const from = path.join(ROOT, file);
    if (!existsSync(from)) continue; // deleted in the working tree, not yet committed
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    cpSync(from, path.join(dir, file));
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

export function removeProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `npx cdk8s synth` in `dir`, with extra environment variables; bounded in time. */
export function cdk8sSynth(dir: string, env: Record<string, string> = {}, args: string[] = []): CliResult {
  const r = spawnSync('npx', ['--no-install', 'cdk8s', 'synth', '--no-check-upgrade', ...args], {
    cwd: dir,
    env: { ...process.env, CONTAINER_INFRA_ENV: '', CONTAINER_INFRA_CONFIG: '', CONTAINER_INFRA_OUT: '', ...env },
    encoding: 'utf8',
    timeout: 60000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir` (relative path → bytes), for byte-for-byte comparisons. */
export function snapshotTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (!existsSync(dir)) return out;
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}
