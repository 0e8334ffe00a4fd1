import { ANNOTATIONS_LIMIT, checkSizes, CONFIG_DATA_LIMIT } from '../validate/size';
import { configMap, manifests } from './support/k8s-fixtures';

describe('object size limits', () => {
  test('a ConfigMap within both limits has no finding', () => {
    expect(checkSizes(manifests(configMap('small', { 'a.conf': 'x'.repeat(10_000) })))).toEqual([]);
  });

  test('an object too large for the last-applied annotation of client-side apply is reported', () => {
    const findings = checkSizes(manifests(configMap('big', { 'a.conf': 'x'.repeat(ANNOTATIONS_LIMIT) })));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check: 'size', object: { kind: 'ConfigMap', name: 'big' }, path: 'metadata.annotations' });
    expect(findings[0].message).toContain('needs server-side apply');
    expect(findings[0].fix).toContain('kubectl apply --server-side');
  });

  test('a ConfigMap over 1 MiB of data is reported twice: it cannot be stored at all', () => {
    const findings = checkSizes(manifests(configMap('huge', { 'a.conf': 'x'.repeat(CONFIG_DATA_LIMIT + 1) })));
    expect(findings.map((f) => f.path).sort()).toEqual(['data', 'metadata.annotations']);
  });
});
