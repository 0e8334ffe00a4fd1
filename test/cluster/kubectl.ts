import { spawnSync } from 'child_process';

/** The kubectl to run: `KUBECTL` if set, else the one on PATH. */
export function kubectl(): string {
  return process.env.KUBECTL || 'kubectl';
}

export interface KubectlResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run kubectl against KUBECONFIG; bounded in time. */
export function kubectlRun(args: string[], input?: string): KubectlResult {
  const r = spawnSync(kubectl(), args, { encoding: 'utf8', input, timeout: 180000, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : '') };
}

/** kubectl that must succeed: the message carries its output. */
export function kubectlOk(args: string[], input?: string): KubectlResult {
  const r = kubectlRun(args, input);
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.status}:\n${r.stderr}${r.stdout}`);
  return r;
}

/**
 * Warnings the API server or kubectl printed (`Warning: …`): a clean apply has none. kubectl's own
 * notice about a dispatcher/version skew is not the server's judgement of our objects.
 */
export function warnings(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /^Warning:/i.test(l) && !/version difference|kubectl version/i.test(l));
}
