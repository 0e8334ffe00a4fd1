// `npm run report [-- --env NAME | DIR] [--out FILE]`: the resource footprint report (Markdown).
// With --env (default: the default environment) the environment is synthesized into a temporary
// directory first; with DIR the manifests already there are read (e.g. dist/ or dist-prod/).
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { ConfigError } from '../config/load';
import { loadConfig } from '../model/load';
import { buildApp } from '../synth/build-app';
import { computeFootprint } from './footprint';
import { readManifests } from './manifests';
import { renderFootprint } from './markdown';

/** Synthesizes an environment and returns its footprint report. */
export function environmentReport(env: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'footprint-'));
  try {
    buildApp(loadConfig({ env }).config, dir).synth();
    return renderFootprint(computeFootprint(readManifests(dir)), `environment \`${env}\``, `npm run report -- --env ${env} --out docs/footprint-${env}.md`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function directoryReport(dir: string): string {
  return renderFootprint(computeFootprint(readManifests(dir)), `\`${dir}\``, `npm run report -- ${dir}`);
}

function main(argv: string[]): number {
  let env: string | undefined;
  let dir: string | undefined;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--env') env = argv[++i];
    else if (a === '--out') out = argv[++i];
    else if (!a.startsWith('-') && dir === undefined) dir = a;
    else {
      console.error(`unknown argument "${a}"\nusage: npm run report [-- --env NAME | DIR] [--out FILE]`);
      return 64;
    }
  }
  if (env !== undefined && dir !== undefined) {
    console.error('give either --env NAME or a directory, not both');
    return 64;
  }
  let text: string;
  try {
    text = dir !== undefined ? directoryReport(dir) : environmentReport(env ?? 'default');
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  if (out) {
    writeFileSync(out, text);
    console.error(`Wrote ${out}`);
  } else {
    process.stdout.write(text);
  }
  return 0;
}

if (require.main === module || process.argv[1]?.endsWith(path.join('report', 'main.ts'))) {
  process.exitCode = main(process.argv.slice(2));
}
