/**
 * What one real-program check found. `skipped` is never a pass: the program was not installed, or
 * the manifests lacked what the check needs, and `detail` says which.
 */
export type ProgramStatus = 'passed' | 'failed' | 'skipped';

export interface ProgramResult {
  /** The program that ran (or would have): nginx, nats-server, promtool, amtool, redis-server. */
  readonly program: string;
  /** What it was asked, e.g. `nginx -t gateway/gateway-nginx`. */
  readonly check: string;
  readonly status: ProgramStatus;
  /** Why it failed or was skipped (the program's own output, trimmed), or what passed. */
  readonly detail?: string;
}

export function formatResult(r: ProgramResult): string {
  const head = r.status === 'passed' ? 'passed ' : r.status === 'failed' ? 'FAILED ' : 'SKIPPED';
  return `[program] ${head} ${r.program}: ${r.check}${r.detail ? `\n    ${r.detail.trim().split('\n').slice(0, 20).join('\n    ')}` : ''}`;
}

/** Runs `body` and turns a thrown error into a failed result (the checks report, they do not throw). */
export async function attempt(program: string, check: string, body: () => Promise<string | undefined>): Promise<ProgramResult> {
  try {
    const detail = await body();
    return { program, check, status: 'passed', ...(detail ? { detail } : {}) };
  } catch (e) {
    return { program, check, status: 'failed', detail: (e as Error).message };
  }
}

export function skipped(program: string, check: string, detail: string): ProgramResult {
  return { program, check, status: 'skipped', detail };
}

/** The install hint for a missing program. */
export const INSTALL_HINT: Record<string, string> = {
  nginx: 'scripts/install-system-packages.sh',
  'redis-server': 'scripts/install-system-packages.sh',
  'nats-server': 'scripts/install-tools.sh',
  promtool: 'scripts/install-tools.sh',
  amtool: 'scripts/install-tools.sh',
};

export function notInstalled(program: string, check: string): ProgramResult {
  return skipped(program, check, `${program} is not installed (${INSTALL_HINT[program] ?? 'install it'}): not checked`);
}

/** Is a program installed? Injected by tests to show what a machine without it reports. */
export type Installed = (program: string) => boolean;
