import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { availableEnvironments } from '../config/load';
import { loadConfig, parseConfig } from '../model/load';
import type { Config } from '../config/schema';
import { generatedServices } from '../bench/generate';
import { buildApp } from '../synth/build-app';

// ManifestApp.synth() replaces cdk8s's App.synth() for speed; its files must be exactly cdk8s's.
function filesOf(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]),
  );
}

function both(config: Config): { ours: Record<string, string>; cdk8s: Record<string, string> } {
  const root = mkdtempSync(path.join(tmpdir(), 'manifest-app-'));
  try {
    buildApp(config, path.join(root, 'ours')).synth();
    // The same charts, synthesized by cdk8s's own implementation.
    App.prototype.synth.call(buildApp(config, path.join(root, 'cdk8s')));
    return { ours: filesOf(path.join(root, 'ours')), cdk8s: filesOf(path.join(root, 'cdk8s')) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test.each(availableEnvironments())('environment %s: the same files, byte for byte, as cdk8s App.synth()', (env) => {
  const { ours, cdk8s } = both(loadConfig({ env }).config);
  expect(Object.keys(ours).length).toBeGreaterThanOrEqual(3);
  expect(Object.keys(ours)).toEqual(Object.keys(cdk8s));
  for (const f of Object.keys(cdk8s)) expect({ f, text: ours[f] }).toEqual({ f, text: cdk8s[f] });
});

test('40 generated services: the same files as cdk8s App.synth()', () => {
  const { ours, cdk8s } = both(parseConfig({ services: generatedServices(40) }, '(test)'));
  expect(ours).toEqual(cdk8s);
});
