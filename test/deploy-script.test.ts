import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { APPLYSET_CHART_ID, DEPLOY_CHART_ID } from '../charts/deploy';
import { APPLYSET_CRD_NAME, APPLYSET_LABELS, APPLYSET_TYPE } from '../constructs/applyset';

const SCRIPT = path.join(__dirname, '..', 'scripts', 'deploy.sh');
const script = readFileSync(SCRIPT, 'utf8');

test("deploy.sh names the ApplySet type, labels and files exactly as the TypeScript side does", () => {
  expect(script).toContain(`CRD=${APPLYSET_CRD_NAME}\n`);
  expect(script).toContain(`RESOURCE=${APPLYSET_TYPE.plural}.${APPLYSET_TYPE.group}\n`);
  expect(script).toContain(`PARENT_ID_LABEL=${APPLYSET_LABELS.id}\n`);
  expect(script).toContain(`PARENT_TYPE_LABEL=${APPLYSET_LABELS.isParentType}\n`);
  expect(script).toContain(`DEPLOY_FILE=$(only ${DEPLOY_CHART_ID})`);
  expect(script).toContain(`PARENT_FILE=$(only ${APPLYSET_CHART_ID})`);
});

/** Runs the script with a fake kubectl that records its arguments (no cluster needed). */
function dryRunWithFakeKubectl(dir: string, fakeState: { crd: boolean; parent: boolean }) {
  const bin = mkdtempSync(path.join(tmpdir(), 'fake-kubectl-'));
  const log = path.join(bin, 'calls');
  const fake = path.join(bin, 'kubectl');
  writeFileSync(
    fake,
    `#!/bin/sh\necho "$@" >> ${log}\ncase "$1 $2" in\n  "get customresourcedefinition") exit ${fakeState.crd ? 0 : 1} ;;\n  "get ${APPLYSET_TYPE.plural}.${APPLYSET_TYPE.group}") exit ${fakeState.parent ? 0 : 1} ;;\nesac\nexit 0\n`,
    { mode: 0o755 },
  );
  const r = spawnSync('sh', [SCRIPT, dir, '--dry-run'], { encoding: 'utf8', env: { ...process.env, KUBECTL: fake } });
  return { status: r.status, stderr: r.stderr, calls: readFileSync(log, 'utf8').trim().split('\n') };
}

const DIST = path.join(__dirname, '..', 'dist');

test('an existing set: CRD, ApplySet apply with prune, then the identity; all dry runs, one field manager', () => {
  const { status, calls } = dryRunWithFakeKubectl(DIST, { crd: true, parent: true });
  expect(status).toBe(0);
  const applies = calls.filter((c) => c.startsWith('apply'));
  expect(applies).toHaveLength(3);
  for (const a of applies) expect(a).toContain('--server-side --field-manager=container-infra-default --dry-run=server');
  expect(applies[0]).toMatch(/-deploy\.k8s\.yaml -l applyset.kubernetes.io\/is-parent-type=true$/);
  expect(applies[1]).toContain(`--prune --applyset=${APPLYSET_TYPE.plural}.${APPLYSET_TYPE.group}/container-infra-default`);
  expect(applies[1]).not.toMatch(/-(deploy|applyset)\.k8s\.yaml/);
  expect(applies[1]).toContain('0000-namespaces.k8s.yaml');
  expect(applies[2]).toMatch(/-deploy\.k8s\.yaml -l !applyset.kubernetes.io\/is-parent-type$/);
});

test('before the first deploy a dry run checks the members without a prune and creates nothing', () => {
  const { status, calls, stderr } = dryRunWithFakeKubectl(DIST, { crd: false, parent: false });
  expect(status).toBe(0);
  expect(stderr).toContain('first deploy of container-infra-default');
  expect(calls.filter((c) => c.includes('--prune'))).toEqual([]);
  expect(calls.filter((c) => c.startsWith('wait'))).toEqual([]);
  expect(calls.filter((c) => c.startsWith('apply')).every((c) => c.includes('--dry-run=server'))).toBe(true);
});

test('bad input: not a folder, or a folder without the deploy files, exits non-zero naming it', () => {
  const missing = spawnSync('sh', [SCRIPT, '/nonexistent-dir'], { encoding: 'utf8' });
  expect(missing.status).not.toBe(0);
  expect(missing.stderr).toContain('/nonexistent-dir is not a directory');
  const empty = mkdtempSync(path.join(tmpdir(), 'empty-out-'));
  const r = spawnSync('sh', [SCRIPT, empty], { encoding: 'utf8' });
  expect(r.status).not.toBe(0);
  expect(r.stderr).toContain('*-deploy.k8s.yaml');
  expect(spawnSync('sh', [SCRIPT], { encoding: 'utf8' }).status).toBe(2);
});
