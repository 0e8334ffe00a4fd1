import * as path from 'path';
import { formatFinding, Finding } from '../validate/findings';
import { defaultOptions, validateManifests } from '../validate/index';
import { labelKeyProblem, labelValueProblem } from '../validate/labels';
import { K8sObject, loadManifestDir, Manifest, parseManifestText } from '../validate/manifests';
import { compareQuantities, quantityNanos } from '../validate/quantity';
import { clone } from './support/k8s-fixtures';

/**
 * Each rule added for mistakes a cluster or a reviewer would catch, shown on real output: one
 * mistake planted into a copy of the synthesized objects (dist/) must give exactly the finding of
 * that rule, naming object, field, why and how to fix; the untouched objects give none.
 */
const DIST = loadManifestDir(path.join(__dirname, '..', 'dist')).manifests;
const NS = 'container-infra';

function planted(plant: (objects: K8sObject[], add: (o: K8sObject, file?: string) => void) => void): Manifest[] {
  const copy = DIST.map((m) => ({ file: m.file, object: clone(m.object) }));
  const extra: Manifest[] = [];
  plant(
    copy.map((m) => m.object),
    (object, file = 'zz-planted.k8s.yaml') => extra.push({ file, object }),
  );
  return [...copy, ...extra];
}

function get(objects: K8sObject[], kind: string, name: string): K8sObject {
  const hits = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (hits.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${hits.length}`);
  return hits[0];
}

function findingsOf(manifests: Manifest[], options = defaultOptions()): Finding[] {
  return validateManifests(manifests, options).findings;
}

/** The findings of one check, after asserting every finding has where, why and a fix. */
function only(findings: Finding[], check: string): Finding[] {
  for (const f of findings) {
    expect(f.object).toBeDefined();
    expect(f.path).toBeTruthy();
    expect(f.message.length).toBeGreaterThan(20);
    expect(f.fix.length).toBeGreaterThan(10);
  }
  return findings.filter((f) => f.check === check);
}

const app = (objects: K8sObject[], name = 'webtoon') => get(objects, 'Deployment', name).spec.template.spec.containers[0];

describe('rules for mistakes a cluster or a reviewer would catch, planted into dist/', () => {
  test('the untouched dist/ has no findings from any rule', () => {
    expect(findingsOf(DIST).map(formatFinding)).toEqual([]);
  });

  test('an empty list the API server drops (ingress: [], egress: [], command: []) is a finding; a Role with no rules is not', () => {
    const manifests = planted((objects) => {
      get(objects, 'NetworkPolicy', 'news-redis').spec.ingress = [];
      app(objects).command = [];
      app(objects).env = [...(app(objects).env ?? []), { name: 'EMPTY', value: '' }];
      get(objects, 'Role', 'jenkins-agents').rules = [];
    });
    const findings = only(findingsOf(manifests), 'empty-lists');
    expect(findings.map((f) => [f.object?.kind, f.object?.name, f.path])).toEqual([
      ['Deployment', 'webtoon', 'spec.template.spec.containers[0].command'],
      ['Deployment', 'webtoon', `spec.template.spec.containers[0].env[${get(DIST.map((m) => m.object), 'Deployment', 'webtoon').spec.template.spec.containers[0].env.length}].value`],
      ['NetworkPolicy', 'news-redis', 'spec.ingress'],
    ]);
    expect(findings[0].fix).toContain('leave the field out');
  });

  test('a custom resource is checked against the CRD of the same output (scope, schema); without its CRD it is a schema finding', () => {
    const parent = (objects: K8sObject[]) => objects.find((o) => o.kind === 'ApplySet')!;
    const crd = (objects: K8sObject[]) => objects.find((o) => o.kind === 'CustomResourceDefinition')!;
    const namespaced = only(findingsOf(planted((objects) => (parent(objects).metadata.namespace = NS))), 'namespaces');
    expect(namespaced.map((f) => [f.object?.kind, f.path])).toEqual([['ApplySet', 'metadata.namespace']]);
    const badBody = only(
      findingsOf(
        planted((objects) => {
          crd(objects).spec.versions[0].schema.openAPIV3Schema = { type: 'object', properties: { spec: { type: 'object', required: ['x'] } } };
          parent(objects).spec = {};
        }),
      ),
      'schema',
    );
    expect(badBody.map((f) => [f.object?.kind, f.path])).toEqual([['ApplySet', 'spec']]);
    const orphan = only(findingsOf(planted((objects) => (crd(objects).spec.group = 'other.example.com'))), 'schema');
    expect(orphan.map((f) => f.object?.kind)).toContain('ApplySet');
  });

  test('a Secret with literal data or stringData is a finding by default, and accepted with allowLiteralSecrets', () => {
    const manifests = planted((_, add) =>
      add({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: NS }, type: 'Opaque', data: { password: 'c2VjcmV0' }, stringData: { user: 'admin' } }),
    );
    const findings = only(findingsOf(manifests), 'secrets');
    expect(findings.map((f) => [f.file, f.object, f.path])).toEqual([
      ['zz-planted.k8s.yaml', { kind: 'Secret', namespace: NS, name: 'db' }, 'data'],
      ['zz-planted.k8s.yaml', { kind: 'Secret', namespace: NS, name: 'db' }, 'stringData'],
    ]);
    expect(findings[0].message).toContain('password');
    expect(findings[0].fix).toContain(`kubectl create secret generic db -n ${NS}`);
    expect(findings[0].fix).toContain('--allow-literal-secrets');
    expect(only(findingsOf(manifests, { ...defaultOptions(), allowLiteralSecrets: true }), 'secrets')).toEqual([]);
  });

  test('the same kind/namespace/name twice is a finding naming both files', () => {
    const manifests = planted((objects, add) => add(clone(get(objects, 'ConfigMap', get(objects, 'Deployment', 'gateway').spec.template.spec.volumes.find((v: any) => v.configMap).configMap.name))));
    const findings = only(findingsOf(manifests), 'duplicates');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ file: 'zz-planted.k8s.yaml', object: { kind: 'ConfigMap', namespace: NS }, path: 'metadata.name' });
    const gatewayFile = DIST.find((m) => m.file.endsWith('-gateway.k8s.yaml'))?.file;
    expect(gatewayFile).toBeDefined();
    expect(findings[0].message).toContain(`defined twice (also in ${gatewayFile})`);
  });

  test('a Service whose name is not a DNS-1035 label is a finding', () => {
    const manifests = planted((_, add) => add({ apiVersion: 'v1', kind: 'Service', metadata: { name: '1-news', namespace: NS }, spec: { ports: [{ port: 80 }] } }));
    const findings = only(findingsOf(manifests), 'names');
    expect(findings).toEqual([expect.objectContaining({ object: { kind: 'Service', namespace: NS, name: '1-news' }, path: 'metadata.name', message: expect.stringContaining('DNS-1035') })]);
  });

  test('a request above its limit is a finding, compared exactly (64Mi is 67108864, not 64M)', () => {
    const findings = only(
      findingsOf(
        planted((objects) => {
          app(objects).resources = { requests: { cpu: '10m', memory: '67108865' }, limits: { memory: '64Mi' } };
        }),
      ),
      'resources',
    );
    expect(findings).toEqual([
      expect.objectContaining({ object: { kind: 'Deployment', namespace: NS, name: 'webtoon' }, path: 'spec.template.spec.containers[0].resources.requests.memory', message: expect.stringContaining('above its limit 64Mi') }),
    ]);
    // One byte less is equal to the limit: allowed.
    const equal = planted((objects) => {
      app(objects).resources = { requests: { cpu: '10m', memory: '67108864' }, limits: { memory: '64Mi' } };
    });
    expect(only(findingsOf(equal), 'resources')).toEqual([]);
  });

  test('a CPU-utilization HPA whose target requests no CPU is a finding on the HPA', () => {
    const findings = only(
      findingsOf(
        planted((objects) => {
          delete app(objects).resources.requests.cpu;
        }),
      ),
      'resources',
    );
    expect(findings).toEqual([
      expect.objectContaining({ object: { kind: 'HorizontalPodAutoscaler', namespace: NS, name: 'webtoon' }, path: 'spec.metrics[0]', message: expect.stringContaining('requests no CPU') }),
    ]);
  });

  test('two containers of a pod on the same port is a finding', () => {
    const findings = only(
      findingsOf(
        planted((objects) => {
          const spec = get(objects, 'Deployment', 'webtoon').spec.template.spec;
          spec.containers.push({ ...clone(spec.containers[0]), name: 'sidecar' });
        }),
      ),
      'containers',
    );
    expect(findings).toEqual([expect.objectContaining({ path: 'spec.template.spec.containers[1].ports[0].containerPort', message: expect.stringContaining('"app" and "sidecar" both use port 9898/TCP') })]);
  });

  test('the same env name twice in a container is a finding', () => {
    let envCount = -1;
    const findings = only(
      findingsOf(
        planted((objects) => {
          const c = app(objects);
          envCount = c.env.length;
          c.env.push({ name: c.env[0].name, value: 'again' });
        }),
      ),
      'containers',
    );
    expect(findings).toEqual([expect.objectContaining({ path: `spec.template.spec.containers[0].env[${envCount}].name`, message: expect.stringContaining('twice') })]);
  });

  test('bad label keys and values are findings wherever they appear: metadata, pod template, selectors', () => {
    const findings = only(
      findingsOf(
        planted((objects) => {
          get(objects, 'Service', 'webtoon').metadata.labels!['bad key'] = 'x';
          get(objects, 'Deployment', 'news').spec.template.metadata.labels['app.kubernetes.io/note'] = 'not ok!';
          get(objects, 'NetworkPolicy', 'webtoon').spec.podSelector.matchExpressions = [{ key: 'Example.COM/x', operator: 'In', values: ['-bad'] }];
        }),
      ),
      'labels',
    );
    expect(findings.map((f) => `${f.object!.kind} ${f.object!.name} ${f.path}`).sort()).toEqual([
      'Deployment news spec.template.metadata.labels.app.kubernetes.io/note',
      'NetworkPolicy webtoon spec.podSelector.matchExpressions[0].key',
      'NetworkPolicy webtoon spec.podSelector.matchExpressions[0].values[0]',
      'Service webtoon metadata.labels.bad key',
    ]);
  });

  test('objects in kube-system and a Namespace manifest relabelling kube-public are findings', () => {
    const findings = only(
      findingsOf(
        planted((objects, add) => {
          add({ ...clone(get(objects, 'ConfigMap', get(objects, 'Deployment', 'gateway').spec.template.spec.volumes.find((v: any) => v.configMap).configMap.name)), metadata: { name: 'coredns', namespace: 'kube-system' } });
          add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-public', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } });
          add({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'node-1', namespace: 'kube-node-lease' }, spec: {} });
        }),
      ),
      'system-namespaces',
    );
    expect(findings.map((f) => `${f.object!.kind} ${f.object!.namespace ?? ''}/${f.object!.name} ${f.path}`).sort()).toEqual([
      'ConfigMap kube-system/coredns metadata.namespace',
      'Lease kube-node-lease/node-1 metadata.namespace',
      'Namespace /kube-public metadata',
    ]);
  });
});

describe('exact quantities, label syntax, loading', () => {
  test('loading reads YAML 1.2 (no timestamps, no merge keys) and reports a duplicate key in the document that has it', () => {
    const ok = parseManifestText('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  when: 2024-01-01\n  on: yes\n', 'x.yaml');
    expect(ok.findings).toEqual([]);
    expect(ok.manifests[0].object.data).toEqual({ when: '2024-01-01', on: 'yes' });
    const dup = parseManifestText('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  name: c\n', 'x.yaml');
    expect(dup.manifests.map((m) => m.object.metadata.name)).toEqual(['a']);
    expect(dup.findings).toEqual([expect.objectContaining({ check: 'load', file: 'x.yaml', message: expect.stringContaining('document 2 is not valid YAML') })]);
  });


  test('quantities compare as Kubernetes parses them, rounded up to nano units', () => {
    expect(compareQuantities('100m', '0.1')).toBe(0);
    expect(compareQuantities('1Gi', '1G')).toBe(1);
    expect(compareQuantities('1e3', '1k')).toBe(0);
    expect(compareQuantities('1.0000000001', '1')).toBe(1); // 1000000001n after rounding up
    expect(compareQuantities('0.3', '100m')).toBe(1);
    expect(quantityNanos('1.5Gi')).toBe(1610612736n * 10n ** 9n);
    expect(quantityNanos('64 megs')).toBeUndefined();
  });

  test('label keys and values follow the API server rules', () => {
    expect(labelKeyProblem('app.kubernetes.io/name')).toBeUndefined();
    expect(labelKeyProblem('k8s-app')).toBeUndefined();
    expect(labelKeyProblem('a'.repeat(64))).toMatch(/1 to 63/);
    expect(labelKeyProblem('Example.com/x')).toMatch(/DNS subdomain/);
    expect(labelKeyProblem('/x')).toMatch(/DNS subdomain/);
    expect(labelValueProblem('')).toBeUndefined();
    expect(labelValueProblem('6.7.1')).toBeUndefined();
    expect(labelValueProblem('a'.repeat(64))).toMatch(/at most 63/);
    expect(labelValueProblem('x_')).toMatch(/alphanumeric/);
  });
});
