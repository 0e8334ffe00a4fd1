import { readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
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
    // The only thing the app says, on stderr (the CLI swallows the app's stdout): where it wrote.
    expect(r.stderr).toMatch(/^Synthesized \(embedded default environment\) into dist\/ \(\d+ files\)\n$/);
    const fresh = snapshotTree(path.join(dir, 'dist'));
    const committed = snapshotTree(path.join(ROOT, 'dist'));
    expect([...fresh.keys()].sort()).toEqual([...committed.keys()].sort());
    for (const [file, bytes] of fresh) expect({ file, text: bytes.toString() }).toEqual({ file, text: committed.get(file)?.toString() });
  });

  test.each([
    ['an unknown key', 'gateway:\n  replica: 2\n', /gateway\.replica: unknown key/],
    ['autoscaling min > max', 'services:\n  - name: webtoon\n    autoscaling: { minReplicas: 4, maxReplicas: 2 }\n', /services\[0\]\.autoscaling\.minReplicas/],
    ['malformed YAML', 'services: [\n', /malformed YAML/],
  ])('bad input (%s) exits non-zero, names the field and leaves dist/ byte-identical', (_t, text, expected) => {
    const before = snapshotTree(path.join(dir, 'dist'));
    expect(before.size).toBeGreaterThan(0);
    writeFileSync(path.join(dir, 'bad.yaml'), text);
    const r = cdk8sSynth(dir, { CONTAINER_INFRA_CONFIG: 'bad.yaml', CONTAINER_INFRA_OUT: 'out' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('Invalid configuration in bad.yaml');
    expect(r.stderr).toMatch(expected);
    const after = snapshotTree(path.join(dir, 'dist'));
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [file, bytes] of after) expect(bytes.equals(before.get(file)!)).toBe(true);
  });

  test('an unknown environment exits non-zero and lists the environments', () => {
    const r = cdk8sSynth(dir, { CONTAINER_INFRA_ENV: 'staging' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/unknown environment "staging"; allowed: "default", "prod"/);
  });

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

  test.each([
    [{ CONTAINER_INFRA_CONFIG: 'mine.yaml', CONTAINER_INFRA_OUT: 'dist' }, /"dist" is the output folder of the environment "default"/],
    [{ CONTAINER_INFRA_ENV: 'prod', CONTAINER_INFRA_OUT: 'dist' }, /"dist" is the output folder of the environment "default"/],
    [{ CONTAINER_INFRA_ENV: 'staging', CONTAINER_INFRA_CONFIG: 'mine.yaml' }, /both set; set one of them/],
  ])('%j is refused and writes nothing', (vars, expected) => {
    writeFileSync(path.join(dir, 'mine.yaml'), 'services:\n  - name: news\n');
    const before = snapshotTree(path.join(dir, 'dist'));
    const r = cdk8sSynth(dir, vars);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(expected);
    const after = snapshotTree(path.join(dir, 'dist'));
    for (const [file, bytes] of after) expect(bytes.equals(before.get(file)!)).toBe(true);
  });

  test('-o DIR writes straight into DIR', () => {
    const r = cdk8sSynth(dir, {}, ['-o', 'out']);
    expect(r.status).toBe(0);
    expect([...snapshotTree(path.join(dir, 'out')).keys()].sort()).toEqual([...snapshotTree(path.join(ROOT, 'dist')).keys()].sort());
  });
});
