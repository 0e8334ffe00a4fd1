import { configFrom, find, ofKind, synthFiles } from './support/manifests';

describe('namespaces', () => {
  const files = synthFiles();
  const first = [...files.values()][0];

  test('the first file creates every namespace that any other file uses', () => {
    expect(first.every((o) => o.kind === 'Namespace')).toBe(true);
    const created = new Set(first.map((o) => o.metadata.name));
    for (const objs of [...files.values()].slice(1)) {
      for (const o of objs) if (o.metadata.namespace) expect(created).toContain(o.metadata.namespace);
    }
  });

  test('the microservices namespace enforces Pod Security "restricted" (and warns and audits at it)', () => {
    const ns = find(first, 'Namespace', 'container-infra');
    for (const mode of ['enforce', 'warn', 'audit']) expect(ns.metadata.labels[`pod-security.kubernetes.io/${mode}`]).toBe('restricted');
  });

  test('only the node-exporter namespace is privileged, and it says why', () => {
    const privileged = first.filter((o) => o.metadata.labels['pod-security.kubernetes.io/enforce'] !== 'restricted');
    expect(privileged.map((o) => o.metadata.name)).toEqual(['monitoring-node']);
    expect(privileged[0].metadata.annotations['container-infra/pod-security-reason']).toMatch(/node-exporter/);
  });

  test('names come from the configuration, and disabled components get no namespace', () => {
    const objs = [...synthFiles(configFrom({ namespaces: { apps: 'shop' }, jenkins: { enabled: false }, monitoring: { enabled: false } })).values()].flat();
    expect(ofKind(objs, 'Namespace').map((n) => n.metadata.name)).toEqual(['shop']);
  });
});
