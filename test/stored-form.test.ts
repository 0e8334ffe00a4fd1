import { configFrom, K8sObject, synthObjects } from './support/manifests';

/**
 * Written as the API server stores it (a second apply and another manager's server-side diff show
 * nothing; measured on a real API server by `npm run test:cluster`). Atomic lists and structs are
 * compared whole, so a value the server fills in must be written too.
 */
const objects = synthObjects(configFrom({ events: { enabled: true } } as any));

function walk(value: unknown, visit: (key: string, v: any) => void): void {
  if (Array.isArray(value)) value.forEach((v) => walk(v, visit));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      visit(k, v);
      walk(v, visit);
    }
  }
}

test('StatefulSet claim templates carry apiVersion, kind, volumeMode and status as stored', () => {
  const templates = objects.filter((o) => o.kind === 'StatefulSet').flatMap((o: K8sObject) => o.spec.volumeClaimTemplates ?? []);
  expect(templates.length).toBeGreaterThan(2);
  for (const t of templates) {
    expect(t).toMatchObject({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } });
  }
});

test('downward API references carry the defaults the server fills in (fieldRef.apiVersion, resourceFieldRef.divisor)', () => {
  const refs: { key: string; v: any }[] = [];
  for (const o of objects) walk(o, (key, v) => (key === 'fieldRef' || key === 'resourceFieldRef') && refs.push({ key, v }));
  expect(refs.length).toBeGreaterThan(1);
  for (const r of refs) expect(r.key === 'fieldRef' ? r.v.apiVersion : r.v.divisor).toBeDefined();
});
