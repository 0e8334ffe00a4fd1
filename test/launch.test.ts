import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { copyProject, removeProject } from './support/project-copy';

// The app command (cdk8s.yaml → synth/launch.cjs) runs a cached bundle: it must never run a bundle
// older than the sources. Checked on a copy of the project, so the real build/ is left alone.
let project: string;

beforeAll(() => {
  project = copyProject();
});

afterAll(() => removeProject(project));

function synth(): { status: number | null; stderr: string; manifests: string } {
  const out = mkdtempSync(path.join(tmpdir(), 'launch-out-'));
  rmSync(out, { recursive: true });
  try {
    const r = spawnSync(process.execPath, ['synth/launch.cjs'], { cwd: project, env: { ...process.env, CDK8S_OUTDIR: out }, encoding: 'utf8', timeout: 60_000 });
    const manifests = existsSync(out)
      ? readdirSync(out)
          .sort()
          .map((f) => readFileSync(path.join(out, f), 'utf8'))
          .join('')
      : '';
    return { status: r.status, stderr: r.stderr, manifests };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const schemaFile = () => path.join(project, 'config', 'schema', 'object.ts');

test('the first run builds the bundle; a second run reuses it and writes the same manifests', () => {
  const first = synth();
  expect(first.status).toBe(0);
  expect(existsSync(path.join(project, 'build', 'main.js'))).toBe(true);
  const built = readFileSync(path.join(project, 'build', 'main.js'));

  const second = synth();
  expect(second.status).toBe(0);
  expect(second.manifests).toBe(first.manifests);
  expect(readFileSync(path.join(project, 'build', 'main.js')).equals(built)).toBe(true);
});

test('after a source edit, the next run uses the edited code (no rebuild command needed)', () => {
  const original = readFileSync(schemaFile(), 'utf8');
  expect(original).toContain("partOf: dnsLabel.default('container-infra')");
  try {
    // Act: change a default in the schema, as a developer would
    writeFileSync(schemaFile(), original.replace("partOf: dnsLabel.default('container-infra')", "partOf: dnsLabel.default('edited-infra')"));
    const r = synth();

    // Assert
    expect(r.status).toBe(0);
    expect(r.manifests).toContain('app.kubernetes.io/part-of: edited-infra');
    expect(r.manifests).not.toContain('app.kubernetes.io/part-of: container-infra');
  } finally {
    writeFileSync(schemaFile(), original);
  }
  expect(synth().manifests).toContain('app.kubernetes.io/part-of: container-infra');
});

test('an edit that keeps every file the same length is picked up too (the V8 code cache is keyed by content)', () => {
  const original = readFileSync(schemaFile(), 'utf8');
  synth(); // bundle and code cache of the original
  try {
    writeFileSync(schemaFile(), original.replace("partOf: dnsLabel.default('container-infra')", "partOf: dnsLabel.default('container-infrb')"));
    const r = synth();
    expect(r.status).toBe(0);
    expect(r.manifests).toContain('app.kubernetes.io/part-of: container-infrb');
  } finally {
    writeFileSync(schemaFile(), original);
  }
});

test('a source that does not compile stops the run: nothing is written and the old bundle is not used', () => {
  const original = readFileSync(schemaFile(), 'utf8');
  try {
    writeFileSync(schemaFile(), `${original}\nexport const broken = ;\n`);
    const r = synth();
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Cannot build main\.ts:[\s\S]*config\/schema\/object\.ts:\d+:\d+/);
    expect(r.manifests).toBe('');
  } finally {
    writeFileSync(schemaFile(), original);
  }
});
