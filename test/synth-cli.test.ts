import { readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { CDK8S_CLI_FLAG, exitCodeFor } from '../synth/run';
import { cdk8sSynth, copyProject, removeProject, ROOT, snapshotTree } from './support/project-copy';

// The real entry point, as users run it: `npx cdk8s synth` (which deletes its output directory
// before running the app). Each case runs in a throw-away copy of the project.
describe('npx cdk8s synth', () => {
  let dir: string;
  beforeEach(() => {
    dir = copyProject();
  });
  afterEach(() => removeProject(dir));

  test('publishes the default environment into dist/, identical to the committed dist/', () => {
    const r = cdk8sSynth(dir);
    expect(r.status).toBe(0);
    // All the app says, on stderr (the CLI swallows the app's stdout): where it wrote, and the one
    // line about the repository the default environment does not name.
    expect(r.stderr).toMatch(/^Synthesized \(embedded default environment\) into dist\/ \(\d+ files\)\nNote: repository\.url is not set, so no Jenkins pipeline job and no GitOps objects were generated [^\n]*\n$/);
    const fresh = snapshotTree(path.join(dir, 'dist'));
    const committed = snapshotTree(path.join(ROOT, 'dist'));
    expect([...fresh.keys()].sort()).toEqual([...committed.keys()].sort());
    for (const [file, bytes] of fresh) expect({ file, text: bytes.toString() }).toEqual({ file, text: committed.get(file)?.toString() });
  });

  // Refused configurations and output folders through the CLI: test/config-bad-input.test.ts.

  test('another environment goes to its own directory and leaves dist/ alone', () => {
    const before = readFileSync(path.join(dir, 'dist', '0001-microservices.k8s.yaml'));
    const r = cdk8sSynth(dir, { CONTAINER_INFRA_ENV: 'prod' });
    expect(r.status).toBe(0);
    const prod = readFileSync(path.join(dir, 'dist-prod', '0001-microservices.k8s.yaml'), 'utf8');
    expect(prod).toContain('maxReplicas: 10');
    expect(readFileSync(path.join(dir, 'dist', '0001-microservices.k8s.yaml')).equals(before)).toBe(true);
  });

  test('a configuration file named like an environment (default.yaml, prod.yml) never changes an output folder', () => {
    expect(cdk8sSynth(dir, { CONTAINER_INFRA_ENV: 'prod' }).status).toBe(0);
    const outputs = () => new Map(['dist', 'dist-prod'].map((d) => [d, snapshotTree(path.join(dir, d))]));
    const before = outputs();
    expect(before.get('dist-prod')?.size).toBeGreaterThan(0);
    for (const name of ['default.yaml', 'prod.yml', 'dist.yaml']) {
      writeFileSync(path.join(dir, name), 'services:\n  - name: news\n');
      const r = cdk8sSynth(dir, { CONTAINER_INFRA_CONFIG: name });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('CONTAINER_INFRA_OUT: required with CONTAINER_INFRA_CONFIG');
    }
    for (const [d, files] of outputs()) {
      expect([...files.keys()]).toEqual([...before.get(d)!.keys()]);
      for (const [file, bytes] of files) expect({ d, file, same: bytes.equals(before.get(d)!.get(file)!) }).toEqual({ d, file, same: true });
    }
  });

  test('a configuration file goes where CONTAINER_INFRA_OUT says, and the user is told', () => {
    writeFileSync(path.join(dir, 'mine.yaml'), 'services:\n  - name: news\n');
    const r = cdk8sSynth(dir, { CONTAINER_INFRA_CONFIG: 'mine.yaml', CONTAINER_INFRA_OUT: 'out/mine' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/Synthesized mine\.yaml into out\/mine\//);
    expect(readFileSync(path.join(dir, 'out', 'mine', '0001-microservices.k8s.yaml'), 'utf8')).toContain('name: news');
  });

  test('-o DIR writes straight into DIR', () => {
    const r = cdk8sSynth(dir, {}, ['-o', 'out']);
    expect(r.status).toBe(0);
    expect([...snapshotTree(path.join(dir, 'out')).keys()].sort()).toEqual([...snapshotTree(path.join(ROOT, 'dist')).keys()].sort());
  });

  test('--stdout: the CLI makes the output directory first, so a refusal keeps exit 2 (and the CLI exits non-zero)', () => {
    writeFileSync(path.join(dir, 'bad.yaml'), 'services:\n  - name: healthz\n');
    const r = cdk8sSynth(dir, { CONTAINER_INFRA_CONFIG: 'bad.yaml', CONTAINER_INFRA_OUT: 'out' }, ['--stdout']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/non-zero exit code 2/);
    expect(r.stdout).not.toMatch(/kind:/);
  });

  test('the app run directly (not by the CLI) exits 2 on a refusal', () => {
    writeFileSync(path.join(dir, 'bad.yaml'), 'services:\n  - name: healthz\n');
    const r = spawnSync(process.execPath, ['synth/launch.cjs'], { cwd: dir, env: { ...process.env, CONTAINER_INFRA_ENV: '', CONTAINER_INFRA_CONFIG: 'bad.yaml', CONTAINER_INFRA_OUT: 'out' }, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('services[0].name');
  });
});

describe('exitCodeFor', () => {
  const refused = { exitCode: 2, files: [] };
  test.each([
    ['under the CLI, output directory absent: 0 (the CLI then fails with one line)', refused, { CDK8S_OUTDIR: '/nonexistent/staging' }, [CDK8S_CLI_FLAG], 0],
    ['under the CLI, output directory present: 2', refused, { CDK8S_OUTDIR: ROOT }, [CDK8S_CLI_FLAG], 2],
    ['without the flag: 2', refused, { CDK8S_OUTDIR: '/nonexistent/staging' }, [], 2],
    ['without CDK8S_OUTDIR: 2', refused, {}, [CDK8S_CLI_FLAG], 2],
    ['success: 0', { exitCode: 0, files: [] }, { CDK8S_OUTDIR: '/nonexistent/staging' }, [CDK8S_CLI_FLAG], 0],
  ])('%s', (_what, result, env, argv, code) => {
    expect(exitCodeFor(result, env, argv)).toBe(code);
  });
});
