/**
 * Prints a SHA-256 per synthesized file for the default environment, every named environment and
 * a fixed set of generated configurations (fixed seeds), plus the generated reports. A refactor that
 * must not change output compares two runs: `npm run output:fingerprint > before.txt`, change,
 * run again, `diff before.txt after.txt` (nothing is stored in the repository, so features that do
 * change output never have to update it).
 */
import { createHash } from 'crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { availableEnvironments } from '../config/load';
import { loadConfig, parseConfig } from '../model/load';
import type { Config } from '../config/schema';
import { buildApp } from '../synth/build-app';
import { validConfig } from '../test/support/config-arbitrary';

const GENERATED = Number(process.env.FINGERPRINT_GENERATED ?? 40);

function digest(config: Config): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'ci-fingerprint-'));
  try {
    buildApp(config, dir).synth();
    return readdirSync(dir)
      .sort()
      .map((f) => `${createHash('sha256').update(readFileSync(path.join(dir, f))).digest('hex')}  ${f}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const lines: string[] = [];
for (const env of availableEnvironments()) {
  for (const d of digest(loadConfig({ env }).config)) lines.push(`${env} ${d}`);
}
const samples = fc.sample(validConfig, { seed: 23, numRuns: GENERATED });
samples.forEach((input, i) => {
  for (const d of digest(parseConfig(input, `(generated ${i})`))) lines.push(`generated-${i} ${d}`);
});
process.stdout.write(`${lines.join('\n')}\n`);
