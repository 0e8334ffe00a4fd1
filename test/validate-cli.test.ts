import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { run } from '../synth/run';

const ROOT = path.join(__dirname, '..');

function runCli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'validate/cli.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 110_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('npm run validate -- DIR', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'validate-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('--config FILE knows where that environment puts the Secrets its users create and what its cluster DNS Service is called', () => {
    const file = path.join(dir, 'renamed.yaml');
    writeFileSync(file, 'namespaces:\n  monitoring: observability\n  ci: delivery\ncluster:\n  dns:\n    service: coredns\n');
    const out = path.join(dir, 'renamed');
    expect(run({ CONTAINER_INFRA_CONFIG: file, CDK8S_OUTDIR: out }, () => undefined, () => undefined).exitCode).toBe(0);
    // Without it, the built-in default names: the renamed namespaces' admin Secrets are unknown.
    const plain = runCli(out);
    expect(plain.status).toBe(1);
    expect(plain.out).toMatch(/Secret observability\/grafana-admin/);
    expect(plain.out).toMatch(/names Service kube-system\/coredns, which is not in the manifests/);
    const told = runCli('--config', file, out);
    expect(told.out).toMatch(/0 findings/);
    expect(told.status).toBe(0);
  });

  test('--programs runs the real programs on the output: a planted nginx defect exits 1, FAILED in nginx\'s words, the rest passed or SKIPPED, never passed unrun', () => {
    const copy = mkdtempSync(path.join(dir, 'programs-'));
    for (const f of readdirSync(path.join(ROOT, 'dist'))) {
      let text = readFileSync(path.join(ROOT, 'dist', f), 'utf8');
      // An unknown directive in the gateway's nginx.conf (inside the ConfigMap's block scalar).
      if (f.endsWith('-gateway.k8s.yaml')) text = text.replace(/^( +)server_tokens off;$/m, '$1server_tokens off;\n$1no_such_directive on;');
      writeFileSync(path.join(copy, f), text);
    }
    const r = runCli('--env', 'default', '--programs', copy);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/\[program\] FAILED  nginx: nginx -t Deployment container-infra\/gateway[^\n]*\n[^\n]*unknown directive "no_such_directive"/);
    const lines = r.out.split('\n').filter((l) => l.startsWith('[program]'));
    for (const program of ['nats-server', 'promtool', 'amtool', 'redis-server']) {
      expect(lines.filter((l) => l.includes(` ${program}: `)).every((l) => /\] (passed |SKIPPED)/.test(l))).toBe(true);
    }
    const m = /programs: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped/.exec(r.out)!;
    expect(Number(m[2])).toBe(1);
    expect(Number(m[1])).toBe(lines.filter((l) => l.startsWith('[program] passed')).length);
    expect(Number(m[3])).toBe(lines.filter((l) => l.startsWith('[program] SKIPPED')).length);
  }, 120_000);

  test('a broken copy of dist/ exits 1 and names file, object, path, problem and fix', () => {
    for (const f of readdirSync(path.join(ROOT, 'dist'))) {
      let text = readFileSync(path.join(ROOT, 'dist', f), 'utf8');
      // Break the gateway Service's targetPort (the only `targetPort: http` in the gateway file).
      if (f.endsWith('-gateway.k8s.yaml')) text = text.replace('targetPort: http', 'targetPort: web');
      writeFileSync(path.join(dir, f), text);
    }
    const { status, out } = runCli(dir);
    expect(status).toBe(1);
    expect(out).toMatch(/\[references\] \S+-gateway\.k8s\.yaml · Service container-infra\/gateway · spec\.ports\[0\]\.targetPort/);
    expect(out).toMatch(/problem: targetPort "web"\/TCP is not a port/);
    expect(out).toMatch(/fix: +point targetPort at a declared containerPort/);
    expect(out).toMatch(/[1-9][0-9]* findings?/);
  });

  test('a file that is not valid YAML is a finding', () => {
    writeFileSync(path.join(dir, 'zz-bad.k8s.yaml'), 'kind: [unclosed\n');
    const { status, out } = runCli(dir);
    expect(status).toBe(1);
    expect(out).toContain('zz-bad.k8s.yaml');
  });

  test('a literal Secret fails by default and passes with --allow-literal-secrets', () => {
    const clean = mkdtempSync(path.join(tmpdir(), 'validate-cli-secret-'));
    try {
      for (const f of readdirSync(path.join(ROOT, 'dist'))) writeFileSync(path.join(clean, f), readFileSync(path.join(ROOT, 'dist', f)));
      writeFileSync(path.join(clean, 'zz-secret.k8s.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: container-infra\nstringData:\n  password: hunter2\n');
      const strict = runCli(clean);
      expect(strict.status).toBe(1);
      expect(strict.out).toMatch(/\[secrets\] zz-secret\.k8s\.yaml · Secret container-infra\/db · stringData/);
      const allowed = runCli('--allow-literal-secrets', clean);
      expect(allowed.out).toMatch(/0 findings/);
      expect(allowed.status).toBe(0);
    } finally {
      rmSync(clean, { recursive: true, force: true });
    }
  });

  test('no directory is a usage error', () => {
    expect(runCli().status).toBe(2);
  });
});
