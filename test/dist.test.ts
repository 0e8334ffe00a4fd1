import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { loadConfig } from '../model/load';
import { buildApp } from '../synth/build-app';
import { ROOT, snapshotTree } from './support/project-copy';

function synthTree(env?: string): Map<string, Buffer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ci-dist-'));
  try {
    buildApp(loadConfig({ env }).config, dir).synth();
    return snapshotTree(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('dist/', () => {
  test('the committed dist/ is what a fresh synth of the default environment produces (run `npx cdk8s synth` and commit)', () => {
    const fresh = synthTree();
    const committed = snapshotTree(path.join(ROOT, 'dist'));
    expect([...committed.keys()].sort()).toEqual([...fresh.keys()].sort());
    for (const [file, bytes] of fresh) {
      expect({ file, text: committed.get(file)?.toString() }).toEqual({ file, text: bytes.toString() });
    }
  });

  test.each(['default', 'prod'])('synthesis of %s is deterministic (byte-identical twice)', (env) => {
    const a = synthTree(env);
    const b = synthTree(env);
    expect(a.size).toBeGreaterThan(0);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [file, bytes] of a) expect(bytes.equals(b.get(file)!)).toBe(true);
  });

  test('one file per chart, numbered in apply order with namespaces first', () => {
    const files = [...synthTree().keys()].sort();
    expect(files[0]).toBe('0000-namespaces.k8s.yaml');
    files.forEach((f, i) => expect(f).toMatch(new RegExp(`^${String(i).padStart(4, '0')}-[a-z-]+\\.k8s\\.yaml$`)));
  });
});
