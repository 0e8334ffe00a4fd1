import * as fc from 'fast-check';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { ConfigError, parseConfig } from '../config/load';
import type { Config } from '../config/schema';
import { userCreatedSecrets } from '../config/user-secrets';
import { buildApp } from '../synth/build-app';
import { duplicateObjects } from '../synth/unique-objects';
import { formatFinding } from '../validate/findings';
import { defaultOptions, validateDirectory } from '../validate/index';
import { USER_CREATED } from '../validate/user-created';
import { registryMismatches } from './support/claims-check';
import { validConfig } from './support/config-arbitrary';
import { configFrom, K8sObject, readManifestDir } from './support/manifests';

/**
 * Accepted means valid, as properties over generated configurations. A fixed seed and few runs
 * keep `npm test` repeatable and quick; `npm run test:properties` runs many more
 * (PROPERTY_RUNS, PROPERTY_SEED).
 */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 10);
const SEED = Number(process.env.PROPERTY_SEED ?? 20261128);

const identity = (o: K8sObject) => `${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : 'core'}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** Synthesize into a directory and validate it as `npm run validate -- --config FILE DIR` does; returns the objects and the findings. */
function synthAndValidate(config: Config): { objects: K8sObject[]; findings: string[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'property-'));
  try {
    buildApp(config, dir).synth();
    const report = validateDirectory(dir, {
      ...defaultOptions(),
      userCreated: userCreatedSecrets(config),
      dns: { namespace: config.cluster.dns.namespace, labels: config.cluster.dns.podLabels },
    });
    return { objects: [...readManifestDir(dir).values()].flat(), findings: report.findings.map(formatFinding) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('generated valid configurations', () => {
  test('each is accepted and synthesizes into objects with zero validator findings, unique identities, and the registry matching them', () => {
    fc.assert(
      fc.property(validConfig, (input) => {
        const config = parseConfig(input, '(generated)');
        const { objects, findings } = synthAndValidate(config);
        const ids = objects.map(identity);
        expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
        expect(findings).toEqual([]);
        expect(registryMismatches(config, objects)).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }, 900_000);

  test("the validator's built-in list of user-created Secrets is the default environment's", () => {
    const key = (o: { kind: string; namespace: string; name: string }) => `${o.kind}/${o.namespace}/${o.name}`;
    expect(USER_CREATED.map(key).sort()).toEqual(userCreatedSecrets(configFrom()).map(key).sort());
  });

  test('the two valid values once refused are accepted and give valid manifests: 1.5Gi and a dotted StorageClass', () => {
    const config = configFrom({
      services: [{ name: 'news', datastore: { storage: { size: '1.5Gi', storageClassName: 'ebs.csi.aws.com' } } }],
      monitoring: { prometheus: { storage: { size: '2.5Gi', storageClassName: 'ebs.csi.aws.com' } }, grafana: { persistence: { enabled: true, size: '1.5Gi', storageClassName: 'ebs.csi.aws.com' } } },
    });
    const { objects, findings } = synthAndValidate(config);
    const claim = (sts: string) => objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === sts)?.spec.volumeClaimTemplates[0].spec;
    expect(claim('news-redis')).toMatchObject({ storageClassName: 'ebs.csi.aws.com', resources: { requests: { storage: '1.5Gi' } } });
    expect(claim('prometheus')).toMatchObject({ storageClassName: 'ebs.csi.aws.com', resources: { requests: { storage: '2.5Gi' } } });
    expect(objects.find((o) => o.kind === 'PersistentVolumeClaim')?.spec).toMatchObject({ storageClassName: 'ebs.csi.aws.com', resources: { requests: { storage: '1.5Gi' } } });
    expect(findings).toEqual([]);
  });
});

/**
 * Bad or odd input, generated: one value anywhere in a complete configuration replaced by
 * something else. The loader either refuses it with a ConfigError (never another exception, which
 * would end in a stack trace instead of a message) or accepts it, and then synth succeeds with
 * unique objects and the registry matching them.
 */
describe('configurations with one value replaced', () => {
  const base = JSON.parse(JSON.stringify(configFrom())) as Record<string, unknown>;
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, at: (string | number)[]) => {
    if (at.length > 0) paths.push(at);
    if (v && typeof v === 'object') for (const [k, child] of Object.entries(v)) walk(child, [...at, Array.isArray(v) ? Number(k) : k]);
  };
  walk(base, []);
  const odd = fc.oneof(
    fc.constantFrom<unknown>('', '0', '-1', '1.5Gi', '0.5', '1e3', 'a b', 'kube-system', 'default', 'healthz', '/', 'x'.repeat(300), 0, -1, 1.5, 65536, true, null, [], {}),
    fc.jsonValue({ maxDepth: 2 }),
    fc.string({ maxLength: 12 }),
    fc.integer(),
  );

  test('are refused with a ConfigError or accepted and synthesized cleanly', () => {
    fc.assert(
      fc.property(fc.constantFrom(...paths), odd, (at, value) => {
        const input = JSON.parse(JSON.stringify(base));
        let o = input;
        for (const k of at.slice(0, -1)) o = o[k];
        o[at[at.length - 1]] = value;
        let config: Config;
        try {
          config = parseConfig(input, '(mutated)');
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          return;
        }
        const dir = mkdtempSync(path.join(tmpdir(), 'mutated-'));
        try {
          const app = buildApp(config, dir);
          expect(duplicateObjects(app)).toEqual([]);
          app.synth();
          expect(registryMismatches(config, [...readManifestDir(dir).values()].flat())).toEqual([]);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS * 20, seed: SEED, endOnFailure: true },
    );
  }, 900_000);
});
