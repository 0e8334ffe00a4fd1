import { spawnSync } from 'child_process';
import { existsSync } from 'fs';
import * as path from 'path';

/** Where scripts/install-tools.sh puts the real programs (promtool, prometheus, exporters, nats-server). */
export const PROJECT_TOOLS_DIR = path.join(__dirname, '..', '..', '.tools', 'bin');

/** A tool from .tools/bin or the PATH, or undefined when it is not installed. */
export function findTool(name: string): string | undefined {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`not a program name: ${name}`);
  const local = path.join(PROJECT_TOOLS_DIR, name);
  if (existsSync(local)) return local;
  const which = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : undefined;
}

export interface RunResult {
  readonly status: number | null;
  readonly output: string;
}

/** Run a tool (bounded by a timeout); fails the test with a clear message when it is missing. */
export function runTool(tool: string, args: string[], cwd?: string): RunResult {
  const bin = findTool(tool);
  if (!bin) throw new Error(`${tool} is not installed: run scripts/install-tools.sh`);
  const r = spawnSync(bin, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
