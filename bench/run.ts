// `npm run bench`: how fast synthesis is and how it scales. A script, never a test: timings depend
// on the machine and its load, so they are reported (table + bench/results.json), not asserted.
//
// Each case runs in a child process, once to warm up (bundle, V8 code cache, file cache) and then
// RUNS times; the median is reported. Peak RSS is the child's own: process.resourceUsage().maxRSS
// inside the child, or GNU time's %M for `npx cdk8s synth` (the largest process of that tree).
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { cpus, loadavg, tmpdir } from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(ROOT, 'bench', 'results.json');
const GNU_TIME = '/usr/bin/time';
/** Files whose marked block shows the latest table: the benchmark doc and the README. */
const DOCS = [path.join(ROOT, 'docs', 'benchmark.md'), path.join(ROOT, 'README.md')];
const DOC_START = '<!-- bench:start';
const DOC_END = '<!-- bench:end -->';
const SERVICE_COUNTS = [10, 100, 1000];

/** Issue 6 and the "Speed" section of issue 2. */
export const TARGETS = {
  defaultInProcessMs: 400,
  cdk8sSynthMs: 1600,
  services1000Ms: 10_000,
  services1000RssMiB: 1024,
  growthRatio: 12,
};

interface Sample {
  wallMs: number;
  /** User + system CPU time of the process tree: less sensitive than wall time to a busy machine. */
  cpuMs: number | null;
  rssMiB: number | null;
  inProcessMs?: number;
}

interface CaseResult {
  name: string;
  runs: number;
  wallMs: number;
  cpuMs: number | null;
  inProcessMs: number | null;
  rssMiB: number | null;
  samplesWallMs: number[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const round = (x: number, digits = 0): number => Number(x.toFixed(digits));

const hasGnuTime = existsSync(GNU_TIME);

/** Run a command, return its wall time and (when GNU time is present) its peak RSS. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): { wallMs: number; cpuMs: number | null; rssMiB: number | null; stdout: string } {
  const rssFile = path.join(tmpdir(), `bench-rss-${process.pid}`);
  const [file, argv] = hasGnuTime ? [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, cmd, ...args]] : [cmd, args];
  const start = process.hrtime.bigint();
  const r = spawnSync(file, argv, { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}:\n${r.stderr}`);
  }
  let rssMiB: number | null = null;
  let cpuMs: number | null = null;
  if (hasGnuTime) {
    const [kib, user, sys] = (readFileSync(rssFile, 'utf8').trim().split('\n').pop() as string).split(' ').map(Number);
    rssMiB = kib / 1024;
    cpuMs = (user + sys) * 1000;
    rmSync(rssFile, { force: true });
  }
  return { wallMs, cpuMs, rssMiB, stdout: r.stdout };
}

function measure(name: string, runs: number, once: (outdir: string) => Sample): CaseResult {
  const samples: Sample[] = [];
  for (let i = 0; i <= runs; i++) {
    const outdir = mkdtempSync(path.join(tmpdir(), 'bench-out-'));
    try {
      const s = once(path.join(outdir, 'out'));
      if (i > 0) samples.push(s); // run 0 is the warm-up
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
    process.stderr.write('.');
  }
  const inProcess = samples.map((s) => s.inProcessMs).filter((x): x is number => x !== undefined);
  const rss = samples.map((s) => s.rssMiB).filter((x): x is number => x !== null);
  const cpu = samples.map((s) => s.cpuMs).filter((x): x is number => x !== null);
  const result: CaseResult = {
    name,
    runs,
    wallMs: round(median(samples.map((s) => s.wallMs))),
    cpuMs: cpu.length ? round(median(cpu)) : null,
    inProcessMs: inProcess.length ? round(median(inProcess)) : null,
    rssMiB: rss.length ? round(Math.max(...rss), 1) : null,
    samplesWallMs: samples.map((s) => round(s.wallMs)),
  };
  process.stderr.write(` ${name}: ${result.wallMs} ms\n`);
  return result;
}

/** The app as cdk8s runs it (node synth/launch.cjs main.ts), but timed from inside the process. */
function childCase(args: string[]) {
  return (outdir: string): Sample => {
    const r = timed(process.execPath, [path.join(ROOT, 'synth', 'launch.cjs'), 'bench/synth-child.ts', ...args, outdir]);
    const child = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { inProcessMs: number; maxRssKiB: number };
    return { wallMs: r.wallMs, cpuMs: r.cpuMs, inProcessMs: child.inProcessMs, rssMiB: child.maxRssKiB / 1024 };
  };
}

function cdk8sCase(extra: string[]) {
  return (outdir: string): Sample => {
    const r = timed('npx', ['cdk8s', 'synth', ...extra, '-o', outdir]);
    return { wallMs: r.wallMs, cpuMs: r.cpuMs, rssMiB: r.rssMiB };
  };
}

/** The floor no app can go below: npx and the cdk8s CLI with an app that only creates the directory. */
const NOOP_APP = 'mkdir -p "$CDK8S_OUTDIR"';

function machine() {
  const cpu = cpus();
  const npm = spawnSync('npm', ['--version'], { encoding: 'utf8' }).stdout.trim();
  return {
    nproc: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    node: process.version,
    npm,
    loadAverage1m: round(loadavg()[0], 2),
  };
}

function targetsTable(byName: (prefix: string) => CaseResult, ratio: number, checks: Record<string, boolean>): string {
  const fmt = (ms: number | null) => (ms === null ? '–' : `${(ms / 1000).toFixed(2)} s`);
  const ok = (met: boolean) => (met ? 'met' : '**missed**');
  const app = byName('app, default');
  const cli = byName('npx cdk8s synth --no');
  const floor = byName('npx cdk8s synth --no-check-upgrade, no-op');
  const s1000 = byName('app, 1000 ');
  return [
    '| target (issue 6; issue 2 "Speed") | result |',
    '| --- | --- |',
    `| app, default environment, in-process ≤ 0.4 s | ${fmt(app.inProcessMs)} in-process, ${fmt(app.wallMs)} for the whole process: ${ok(checks.defaultInProcess)} |`,
    `| \`npx cdk8s synth\` ≤ 1.6 s | ${fmt(cli.wallMs)}: ${ok(checks.cdk8sSynth)}; npx and the CLI alone (no-op app) took ${fmt(floor.wallMs)} |`,
    `| 1000 services ≤ 10 s and ≤ 1 GiB RSS | ${fmt(s1000.wallMs)}, ${s1000.rssMiB} MiB: ${ok(checks.services1000Time && checks.services1000Rss)} |`,
    `| time(1000) / time(100) ≤ 12 | ${ratio.toFixed(2)}: ${ok(checks.growthRatio)} |`,
  ].join('\n');
}

function table(results: CaseResult[], ratio: number, m: ReturnType<typeof machine>, loadAfter: number): string {
  const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  const fmt = (ms: number | null) => (ms === null ? '–' : `${(ms / 1000).toFixed(2)} s`);
  const lines = [
    `Machine: ${m.nproc} vCPU (${m.cpuModel}), node ${m.node}, npm ${m.npm}.`,
    '',
    row(['case', 'runs', 'wall (median)', 'CPU user+sys (median)', 'in-process (median)', 'peak RSS']),
    row(['---', '---:', '---:', '---:', '---:', '---:']),
    ...results.map((r) => row([r.name, r.runs, fmt(r.wallMs), fmt(r.cpuMs), fmt(r.inProcessMs), r.rssMiB === null ? '–' : `${r.rssMiB} MiB`])),
  ];
  lines.push('', `Growth ratio time(1000) / time(100): ${ratio.toFixed(2)} (in-process; 10× the services).`, '');
  lines.push(`Load average (1 min): ${m.loadAverage1m.toFixed(2)} before, ${loadAfter.toFixed(2)} after the run (on a busy machine, wall times grow; CPU times much less).`);
  return lines.join('\n');
}

function main(): void {
  const quick = process.argv.includes('--quick');
  const runs = quick ? 2 : 5;
  const before = machine();
  process.stderr.write(`Benchmarking on ${before.nproc} × ${before.cpuModel}, node ${before.node}, load ${before.loadAverage1m}\n`);
  if (!hasGnuTime) process.stderr.write(`${GNU_TIME} not found: peak RSS of \`npx cdk8s synth\` is not measured.\n`);

  const results: CaseResult[] = [];
  results.push(measure('app, default environment', runs + 2, childCase(['--env', 'default'])));
  results.push(measure('npx cdk8s synth --no-check-upgrade', runs, cdk8sCase(['--no-check-upgrade'])));
  // The plain command also asks the registry for a newer cdk8s-cli (offline: a failed request).
  results.push(measure('npx cdk8s synth (with upgrade check)', quick ? 1 : 3, cdk8sCase([])));
  results.push(measure('npx cdk8s synth --no-check-upgrade, no-op app (floor)', runs, cdk8sCase(['--no-check-upgrade', '-a', NOOP_APP])));
  for (const n of SERVICE_COUNTS) {
    results.push(measure(`app, ${n} generated services`, n >= 1000 ? Math.max(2, runs - 2) : runs, childCase(['--services', String(n)])));
  }

  const byName = (prefix: string) => results.find((r) => r.name.startsWith(prefix)) as CaseResult;
  const s100 = byName('app, 100 ');
  const s1000 = byName('app, 1000 ');
  const ratio = (s1000.inProcessMs as number) / (s100.inProcessMs as number);
  const after = round(loadavg()[0], 2);

  const checks = {
    defaultInProcess: (byName('app, default').inProcessMs as number) <= TARGETS.defaultInProcessMs,
    defaultAppProcess: byName('app, default').wallMs <= TARGETS.defaultInProcessMs,
    cdk8sSynth: byName('npx cdk8s synth --no').wallMs <= TARGETS.cdk8sSynthMs,
    services1000Time: s1000.wallMs <= TARGETS.services1000Ms,
    services1000Rss: (s1000.rssMiB as number) <= TARGETS.services1000RssMiB,
    growthRatio: ratio <= TARGETS.growthRatio,
  };
  writeFileSync(
    RESULTS,
    `${JSON.stringify({ measuredAt: new Date().toISOString(), machine: { ...before, loadAverage1mAfter: after }, targets: TARGETS, results, growthRatio: round(ratio, 2), targetsMet: checks }, null, 2)}\n`,
  );
  const text = `${table(results, ratio, before, after)}\n\n${targetsTable(byName, ratio, checks)}`;
  console.log(text);
  if (process.argv.includes('--update-docs')) {
    for (const file of DOCS) {
      const doc = readFileSync(file, 'utf8');
      const start = doc.indexOf(DOC_START);
      const end = doc.indexOf(DOC_END);
      if (start < 0 || end < start) throw new Error(`${file} has no ${DOC_START} … ${DOC_END} markers`);
      const from = doc.indexOf('\n', start) + 1;
      writeFileSync(file, `${doc.slice(0, from)}${text}\n${doc.slice(end)}`);
      console.log(`Table written to ${path.relative(process.cwd(), file)}`);
    }
  }
  console.log('\nTargets:', Object.entries(checks).map(([k, ok]) => `${k} ${ok ? 'met' : 'MISSED'}`).join(', '));
  console.log(`Figures written to ${path.relative(process.cwd(), RESULTS)}`);

  // Last case: what the auth check costs (its own script: it runs nginx and the auth bundle).
  console.log('\nAuth service:');
  const auth = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'bench-auth.ts')], { cwd: ROOT, stdio: 'inherit' });
  if (auth.status !== 0) process.exitCode = 1;
}

main();
