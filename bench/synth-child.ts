// One benchmark case, run in its own process by bench/run.ts so that its peak RSS is its own.
// Usage: node synth/launch.cjs bench/synth-child.ts (--env NAME | --services N) OUTDIR
// Prints one JSON line: the in-process time (configuration + build + synth) and the peak RSS.
import { mkdirSync } from 'fs';
import { loadConfig, parseConfig } from '../model/load';
import type { ConfigInput } from '../config/schema';
import { buildApp } from '../synth/build-app';
import { generatedServices } from './generate';

const [flag, value, outdir] = process.argv.slice(2);
if (!['--env', '--services'].includes(flag) || !value || !outdir) {
  console.error('usage: synth-child.ts (--env NAME | --services N) OUTDIR');
  process.exit(64);
}
mkdirSync(outdir, { recursive: true });

const start = performance.now();
const config =
  flag === '--env'
    ? loadConfig({ env: value }).config
    : parseConfig({ services: generatedServices(Number(value)) } satisfies ConfigInput, `(${value} generated services)`);
const configured = performance.now();
buildApp(config, outdir).synth();
const done = performance.now();

console.log(
  JSON.stringify({
    configMs: configured - start,
    synthMs: done - configured,
    inProcessMs: done - start,
    // Everything since the process started: node itself, loading the bundle, and the work.
    sinceStartMs: done,
    maxRssKiB: process.resourceUsage().maxRSS,
  }),
);
