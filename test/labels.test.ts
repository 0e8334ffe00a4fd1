import { K8sObject, podSpecOf, synthObjects, workloads } from './support/manifests';

const RECOMMENDED = ['name', 'instance', 'component', 'part-of', 'managed-by'].map((l) => `app.kubernetes.io/${l}`);
const objects = synthObjects();

/** Every label selector in an object (workload selectors, Service selectors, PDB/NetworkPolicy selectors). */
function selectors(o: K8sObject): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  if (o.spec?.selector?.matchLabels) out.push(o.spec.selector.matchLabels);
  if (o.kind === 'Service' && o.spec?.selector) out.push(o.spec.selector);
  if (o.spec?.podSelector?.matchLabels) out.push(o.spec.podSelector.matchLabels);
  return out;
}

describe('labels', () => {
  test.each(objects.map((o) => [`${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`, o] as const))(
    '%s carries the recommended labels',
    (_n, o) => {
      for (const l of RECOMMENDED) expect(o.metadata.labels?.[l]).toEqual(expect.any(String));
      expect(o.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('cdk8s');
    },
  );

  test.each(workloads(objects).map((w) => [`${w.kind} ${w.metadata.name}`, w] as const))('%s pods carry the labels and their version', (_n, w) => {
    const labels = w.spec.template.metadata.labels;
    for (const l of [...RECOMMENDED, 'app.kubernetes.io/version']) expect(labels[l]).toEqual(expect.any(String));
    const image = podSpecOf(w).containers[0].image as string;
    expect(image.endsWith(`:${labels['app.kubernetes.io/version']}`)).toBe(true);
  });

  test('selectors use only stable labels: never the version, never generated construct addresses', () => {
    const all = objects.flatMap(selectors);
    expect(all.length).toBeGreaterThan(10);
    for (const s of all) {
      for (const key of Object.keys(s)) {
        expect(key).not.toBe('app.kubernetes.io/version');
        expect(key).not.toMatch(/^cdk8s\.io\//);
      }
    }
  });
});
