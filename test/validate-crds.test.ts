import { createHash } from 'crypto';
import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { CRD_SETS, DEFAULT_CRDS_DIR, servedCustomKinds, shippedCrdFiles } from '../validate/crd-schema';

// The vendored CRDs are the upstream files at the release tags, byte for byte (validate/crds/README.md).
const SHA256: Record<string, string> = {
  'argo-cd-v3.5.1/application-crd.yaml.gz': '5dde0e229249b6b707beb98674c1deae3949d5c319a6c45b9f5a80c99618e40c',
  'argo-cd-v3.5.1/appproject-crd.yaml.gz': 'ab225266944322750136f1198d93786e4a79a0e43c8d149abfba44da30a3eac8',
  'flux-v2.9.0/source.toolkit.fluxcd.io_gitrepositories.yaml.gz': '39a5a46c81539c992abc53f9be3e5434cd70d50a10d169b1e8a450e0df1c9d09',
  'flux-v2.9.0/kustomize.toolkit.fluxcd.io_kustomizations.yaml.gz': 'a23fa3f499ec6b4b6f3c8e37763e4ad0e5f2b72c770de8dae3685092f00b2ad4',
};
const readme = readFileSync(path.join(DEFAULT_CRDS_DIR, 'README.md'), 'utf8');

describe('vendored Argo CD and Flux CRDs', () => {
  test('exactly the recorded files ship, each matching the sha256 in the test and in the README', () => {
    const files = shippedCrdFiles();
    expect(files.map((f) => f.file).sort()).toEqual(Object.keys(SHA256).sort());
    for (const f of files) {
      const sha = createHash('sha256').update(f.text).digest('hex');
      expect({ file: f.file, sha }).toEqual({ file: f.file, sha: SHA256[f.file] });
      expect(readme).toContain(sha);
    }
    expect(readdirSync(DEFAULT_CRDS_DIR).filter((n) => n !== 'README.md').sort()).toEqual([...CRD_SETS].sort());
  });

  test('they serve the API versions the GitOps chart writes', () => {
    expect(servedCustomKinds()).toEqual(
      expect.arrayContaining(['argoproj.io/v1alpha1/Application', 'argoproj.io/v1alpha1/AppProject', 'source.toolkit.fluxcd.io/v1/GitRepository', 'kustomize.toolkit.fluxcd.io/v1/Kustomization']),
    );
  });

  test('the README states origin, release tags and licence', () => {
    expect(readme).toMatch(/argoproj\/argo-cd/);
    expect(readme).toMatch(/fluxcd\/source-controller/);
    expect(readme).toMatch(/fluxcd\/kustomize-controller/);
    expect(readme).toMatch(/Apache License 2\.0/);
  });
});
