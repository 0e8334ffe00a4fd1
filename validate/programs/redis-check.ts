import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import type { K8sObject } from '../manifests';
import { podSpecOf } from './container-run';
import { freePort } from './processes';
import { redisCommand, startHealthy, withFlag } from './redis-server';
import { attempt, Installed, notInstalled, ProgramResult } from './results';
import { findTool } from './tools';

/**
 * Every redis-server container (command `redis-server`) started with its generated arguments, only
 * the port (a free one), the data directory (a temp one) and the address (loopback) changed; it
 * passes when it answers PING (redis-server exits at start on an argument it does not take).
 * Workloads with the same arguments are started once.
 */
export async function checkRedis(objects: readonly K8sObject[], installed: Installed): Promise<ProgramResult[]> {
  const byArgs = new Map<string, string[]>();
  for (const w of objects) {
    for (const c of (w.kind === 'ConfigMap' ? undefined : podSpecOf(w))?.containers ?? []) {
      if ((c.command ?? [])[0] !== 'redis-server') continue;
      const key = JSON.stringify(withFlag(c.args ?? [], '--port', () => 'PORT'));
      byArgs.set(key, [...(byArgs.get(key) ?? []), `${w.kind} ${w.metadata.namespace}/${w.metadata.name}`]);
    }
  }
  const bin = installed('redis-server') ? findTool('redis-server') : undefined;
  const results: ProgramResult[] = [];
  for (const [key, where] of byArgs) {
    const check = `redis-server with the arguments of ${where[0]}${where.length > 1 ? ` (and ${where.length - 1} more with the same)` : ''}`;
    if (!bin) {
      results.push(notInstalled('redis-server', check));
      continue;
    }
    const args: string[] = JSON.parse(key);
    const dir = mkdtempSync(path.join(tmpdir(), 'redis-check-'));
    try {
      results.push(
        await attempt('redis-server', check, async () => {
          const port = await freePort();
          const local = withFlag(withFlag(args, '--port', () => String(port)), '--dir', () => dir);
          const started = await startHealthy(bin, [...local, '--bind', '127.0.0.1'], path.join(dir, 'redis.log'), async () => (await redisCommand(port, 'PING')) === '+PONG');
          await started.stop();
          return undefined;
        }),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return results;
}
