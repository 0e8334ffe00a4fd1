import * as fc from 'fast-check';
import { parseConfig } from '../config/load';
import { userCreatedSecrets } from '../config/user-secrets';
import { USER_CREATED } from '../validate/user-created';
import { defaultOptions, validateManifests } from '../validate/index';
import { validConfig } from './support/config-arbitrary';
import { configFrom, synthFiles } from './support/manifests';

/**
 * Accepted means valid, as a property over generated configurations: every configuration the
 * generator makes is accepted, synthesizes, and gives objects the validator finds nothing wrong
 * with (schemas of 1.27 and 1.36, references, network flows, Pod Security, RBAC, sizes), with no
 * two objects of one kind, namespace and name. A fixed seed keeps `npm test` repeatable;
 * `npm run test:properties` runs many more (PROPERTY_RUNS, PROPERTY_SEED).
 */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 12);
const SEED = Number(process.env.PROPERTY_SEED ?? 20261128);

function identities(files: Map<string, any[]>): string[] {
  return [...files.values()].flat().map((o) => `${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
}

describe('generated valid configurations', () => {
  test('each is accepted and synthesizes into objects with zero validator findings and unique names', () => {
    fc.assert(
      fc.property(validConfig, (input) => {
        const config = parseConfig(input, '(generated)');
        const files = synthFiles(config);
        const ids = identities(files);
        expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
        const manifests = [...files].flatMap(([file, objects]) => objects.map((object) => ({ file, object })));
        // The Secrets the user creates follow the configuration's namespaces and names.
        const findings = validateManifests(manifests, { ...defaultOptions(), userCreated: userCreatedSecrets(config) }).findings.map((f) => `${f.check} ${f.object?.kind}/${f.object?.name} ${f.path}: ${f.message}`);
        expect(findings).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }, 600_000);

  test("the validator's built-in list of user-created Secrets is the default environment's", () => {
    const key = (o: { kind: string; namespace: string; name: string }) => `${o.kind}/${o.namespace}/${o.name}`;
    expect(USER_CREATED.map(key).sort()).toEqual(userCreatedSecrets(configFrom()).map(key).sort());
  });

  test('the two valid values once refused are accepted and give valid manifests: 1.5Gi and a dotted StorageClass', () => {
    const config = configFrom({ services: [{ name: 'news', datastore: { storage: { size: '1.5Gi', storageClassName: 'ebs.csi.aws.com' } } }] });
    const files = synthFiles(config);
    const redis = [...files.values()].flat().find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'news-redis');
    expect(redis?.spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'ebs.csi.aws.com', resources: { requests: { storage: '1.5Gi' } } });
    const manifests = [...files].flatMap(([file, objects]) => objects.map((object) => ({ file, object })));
    expect(validateManifests(manifests, defaultOptions()).findings).toEqual([]);
  });
});
