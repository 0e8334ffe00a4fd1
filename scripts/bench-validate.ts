// Benchmark of the validator (a script, never a test): `npm run bench:validate [-- --quick]`.
// Cases: the default environment, 100 and 1000 generated services. Each case runs in its own child
// process (so its peak RSS is its own): synthesize in-process into a temp directory, then load and
// validate that directory as `npm run validate` does (cold: schema compilation included).
// Reports wall times, validate/synth ratio, peak RSS, and the growth ratio 100 → 1000 services.
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { generatedServices } from '../bench/generate';
import { loadConfig, parseConfig } from '../model/load';
import { buildApp } from '../synth/build-app';
import { defaultOptions, lastTimings, validateManifests } from '../validate/index';
import { loadManifestDir } from '../validate/manifests';

const ROOT = path.resolve(__dirname, '..');
/** The issue's goals: reported against, never asserted. */
export const GOALS = { validateOverSynth: 2, growth100To1000: 15, rssMiB: 1024 };

interface ChildResult {
  objects: number;
  findings: number;
  synthMs: number;
  validateMs: number;
  checksMs: Record<string, number>;
  maxRssMiB: number;
}

function child(flag: string, value: string): void {
  const out = mkdtempSync(path.join(tmpdir(), 'bench-validate-'));
  try {
    let t = performance.now();
    const config = flag === '--env' ? loadConfig({ env: value }).config : parseConfig({ services: generatedServices(Number(value)) }, `(${value} generated services)`);
    buildApp(config, out).synth();
    const synthMs = performance.now() - t;
    t = performance.now();
    const { manifests } = loadManifestDir(out);
    const report = validateManifests(manifests, defaultOptions());
    const validateMs = performance.now() - t;
    const result: ChildResult = { objects: report.objects, findings: report.findings.length, synthMs, validateMs, checksMs: lastTimings(), maxRssMiB: process.resourceUsage().maxRSS / 1024 };
    console.log(JSON.stringify(result));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function runCase(flag: string, value: string): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', flag, value], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`case ${flag} ${value} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

function main(): void {
  const cases: Array<[string, string, string]> = [
    ['default environment', '--env', 'default'],
    ['100 generated services', '--services', '100'],
    ['1000 generated services', '--services', '1000'],
  ];
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const results = new Map<string, ChildResult>();
  console.log('| case | objects | findings | synth | validate | validate / synth | peak RSS |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, flag, value] of cases) {
    const r = runCase(flag, value);
    results.set(value, r);
    console.log(`| ${name} | ${r.objects} | ${r.findings} | ${s(r.synthMs)} | ${s(r.validateMs)} | ${(r.validateMs / r.synthMs).toFixed(2)} | ${r.maxRssMiB.toFixed(0)} MiB |`);
  }
  const big = results.get('1000')!;
  const small = results.get('100')!;
  console.log('');
  console.log(`per check, 1000 services (ms): ${Object.entries(big.checksMs).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
  console.log(`growth 100 → 1000 services (validate wall time): ${(big.validateMs / small.validateMs).toFixed(2)}× (goal ≤ ${GOALS.growth100To1000}×)`);
  console.log(`1000 services: validate / synth ${(big.validateMs / big.synthMs).toFixed(2)} (goal ≤ ${GOALS.validateOverSynth}); peak RSS ${big.maxRssMiB.toFixed(0)} MiB (goal < ${GOALS.rssMiB} MiB, synth included)`);
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  child(argv[1], argv[2]);
} else {
  main();
}
