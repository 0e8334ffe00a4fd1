import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import type { K8sObject } from '../manifests';
import { attempt, Installed, notInstalled, ProgramResult } from './results';
import { runTool } from './tools';

/**
 * Prometheus and Alertmanager files as the ConfigMaps carry them: `promtool check config
 * --syntax-only` on every prometheus.yml (syntax-only: its service-account token and rule paths
 * exist only in the pod), `promtool check rules` on every rule file (a ConfigMap key whose YAML has
 * `groups`), `amtool check-config` on every alertmanager.yml.
 */

interface ConfigFile {
  readonly program: 'promtool' | 'amtool';
  readonly args: (file: string) => string[];
  readonly check: string;
  readonly key: string;
  readonly text: string;
}

function configFiles(objects: readonly K8sObject[]): ConfigFile[] {
  const out: ConfigFile[] = [];
  for (const cm of objects.filter((o) => o.kind === 'ConfigMap')) {
    for (const [key, text] of Object.entries<string>(cm.data ?? {})) {
      const at = `${cm.metadata.namespace}/${cm.metadata.name} ${key}`;
      if (key === 'prometheus.yml') out.push({ program: 'promtool', args: (f) => ['check', 'config', '--syntax-only', f], check: `promtool check config ${at}`, key, text });
      else if (key === 'alertmanager.yml') out.push({ program: 'amtool', args: (f) => ['check-config', f], check: `amtool check-config ${at}`, key, text });
      else if (/\.ya?ml$/.test(key) && isRuleFile(text)) out.push({ program: 'promtool', args: (f) => ['check', 'rules', f], check: `promtool check rules ${at}`, key, text });
    }
  }
  return out;
}

function isRuleFile(text: string): boolean {
  try {
    const doc = parse(text);
    return Array.isArray(doc?.groups) && doc.groups.every((g: any) => Array.isArray(g?.rules));
  } catch {
    return false;
  }
}

export async function checkMonitoring(objects: readonly K8sObject[], installed: Installed): Promise<ProgramResult[]> {
  const files = configFiles(objects);
  if (files.length === 0) return [];
  const dir = mkdtempSync(path.join(tmpdir(), 'monitoring-check-'));
  try {
    const results: ProgramResult[] = [];
    for (const [i, f] of files.entries()) {
      if (!installed(f.program)) {
        results.push(notInstalled(f.program, f.check));
        continue;
      }
      const file = path.join(dir, `${i}-${f.key}`);
      writeFileSync(file, f.text);
      results.push(
        await attempt(f.program, f.check, async () => {
          const r = runTool(f.program, f.args(file), dir);
          if (r.status !== 0) throw new Error(r.output);
          return undefined;
        }),
      );
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
