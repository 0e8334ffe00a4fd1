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
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
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
    const r = cdk8sSynth(dir, { CONTAINER_INFRA_CONFIG: 'bad.yaml' });
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

  test('-o DIR writes straight into DIR', () => {
    const r = cdk8sSynth(dir, {}, ['-o', 'out']);
    expect(r.status).toBe(0);
    expect([...snapshotTree(path.join(dir, 'out')).keys()].sort()).toEqual([...snapshotTree(path.join(ROOT, 'dist')).keys()].sort());
  });
});
