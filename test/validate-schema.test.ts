import * as path from 'path';
import { checkSchemas } from '../validate/schema';
import { availableVersions, closeObjects, DEFAULT_SCHEMAS_DIR, DEFAULT_VERSIONS } from '../validate/schema-definitions';
import { checkWithModels } from '../validate/schema-models';
import { deployment, manifests, NS } from './support/k8s-fixtures';

function broken(mutate: (d: any) => void) {
  const d = deployment('news');
  mutate(d);
  return manifests(d);
}

describe('schema validation', () => {
  test('both releases ship with the project', () => {
    expect(DEFAULT_VERSIONS).toEqual(['v1.27.0', 'v1.36.0']);
    expect(availableVersions(DEFAULT_SCHEMAS_DIR)).toEqual(DEFAULT_VERSIONS);
  });

  test('a valid Deployment has no findings', () => {
    expect(checkSchemas(manifests(deployment('news'))).findings).toEqual([]);
  });

  test('a wrong type is caught, with the field path', () => {
    const { findings } = checkSchemas(
      broken((d) => {
        d.spec.replicas = '2';
      }),
    );
    expect(findings).toEqual([expect.objectContaining({ path: 'spec.replicas', message: expect.stringContaining('must be of type integer') })]);
    expect(findings[0].object).toEqual({ kind: 'Deployment', namespace: NS, name: 'news' });
  });

  test('a missing required field is caught', () => {
    const { findings } = checkSchemas(
      broken((d) => {
        delete d.spec.template.spec.containers[0].name;
      }),
    );
    expect(findings).toEqual([expect.objectContaining({ path: 'spec.template.spec.containers[0].name', message: expect.stringContaining('missing required field "name"') })]);
  });

  test('an invalid enum value is caught by the kubernetes-models 1.27 schema, with the allowed values', () => {
    const findings = checkWithModels(
      broken((d) => {
        d.spec.template.spec.containers[0].imagePullPolicy = 'Sometimes';
      })[0],
    );
    expect(findings).toEqual([
      expect.objectContaining({ path: 'spec.template.spec.containers[0].imagePullPolicy', message: expect.stringContaining('"Sometimes"'), fix: expect.stringContaining('"IfNotPresent"') }),
    ]);
  });

  test('an invalid quantity is caught', () => {
    const { findings } = checkSchemas(
      broken((d) => {
        d.spec.template.spec.containers[0].resources = { requests: { memory: '64 megs' } };
      }),
    );
    expect(findings).toEqual([expect.objectContaining({ path: 'spec.template.spec.containers[0].resources.requests.memory', message: expect.stringContaining('not a Kubernetes quantity') })]);
  });

  test('an unknown (misspelt) field is caught on both 1.27 and 1.36, with the fields allowed there', () => {
    const { findings } = checkSchemas(
      broken((d) => {
        d.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
      }),
      { requireDefinitions: true },
    );
    expect(findings).toHaveLength(1);
    expect(findings[0].path).toBe('spec.template.spec.containers[0].imagePullPolicyy');
    expect(findings[0].message).toMatch(/unknown field "imagePullPolicyy".*v1\.27\.0.*v1\.36\.0/);
    expect(findings[0].fix).toContain('imagePullPolicy');
  });

  test('an unknown field in metadata is caught, while any label key is accepted (maps stay open)', () => {
    const { findings } = checkSchemas(
      broken((d) => {
        d.metadata.lables = { a: 'b' };
        d.metadata.labels = { 'anything.example.com/key': 'v' };
      }),
    );
    expect(findings.map((f) => f.path)).toEqual(['metadata.lables']);
  });

  test('a field newer than 1.27 is caught on 1.27 only', () => {
    // Container.restartPolicy (sidecar containers) arrived in 1.28.
    const { findings } = checkSchemas(
      broken((d) => {
        d.spec.template.spec.containers[0].restartPolicy = 'Always';
      }),
    );
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.path === 'spec.template.spec.containers[0].restartPolicy')).toBe(true);
    expect(findings.map((f) => f.message).join('\n')).toMatch(/v1\.27\.0/);
    expect(findings.map((f) => f.message).join('\n')).not.toMatch(/v1\.36\.0/);
  });

  test('an API version no release serves is caught', () => {
    const pdb = { apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: { name: 'x', namespace: NS }, spec: { maxUnavailable: 1 } };
    const { findings } = checkSchemas(manifests(pdb));
    expect(findings.length).toBeGreaterThan(0);
    expect(findings[0]).toMatchObject({ path: 'apiVersion' });
  });

  test('missing definitions are a finding by default and a visible note only when a caller opts out', () => {
    const absent = path.join(__dirname, 'no-such-schemas-dir');
    const strict = checkSchemas(manifests(deployment('news')), { schemasDir: absent });
    expect(strict.findings).toEqual([expect.objectContaining({ message: expect.stringContaining('not found') })]);
    const lenient = checkSchemas(manifests(deployment('news')), { schemasDir: absent, requireDefinitions: false });
    expect(lenient.findings).toEqual([]);
    expect(lenient.notes.join('\n')).toMatch(/SKIPPED/);
  });

  test('closeObjects closes property lists but leaves maps and preserve-unknown-fields open', () => {
    const schema: any = {
      properties: {
        spec: { properties: { a: { type: 'string' } } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        raw: { properties: { x: {} }, 'x-kubernetes-preserve-unknown-fields': true },
      },
    };
    closeObjects(schema);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.spec.additionalProperties).toBe(false);
    expect(schema.properties.labels.additionalProperties).toEqual({ type: 'string' });
    expect(schema.properties.raw.additionalProperties).toBeUndefined();
  });
});
