import Ajv from 'ajv';
import type { Finding } from './findings';
import type { K8sObject, Manifest } from './manifests';
import { refOf } from './manifests';

/**
 * Kinds defined by a CustomResourceDefinition in the same set of manifests: the Kubernetes
 * definitions do not know them, the CRD does (its scope and each served version's schema). A
 * custom resource of a kind no CRD in the set defines is still a schema finding.
 */
export interface CustomKind {
  readonly scope: 'Namespaced' | 'Cluster';
  readonly schema?: object;
}

function key(apiVersion: string, kind: string): string {
  return `${apiVersion}|${kind}`;
}

export function customKinds(manifests: readonly Manifest[]): Map<string, CustomKind> {
  const out = new Map<string, CustomKind>();
  for (const { object: o } of manifests) {
    if (o.kind !== 'CustomResourceDefinition' || !o.spec?.group || !o.spec?.names?.kind) continue;
    for (const v of o.spec.versions ?? []) {
      if (v.served === false) continue;
      out.set(key(`${o.spec.group}/${v.name}`, o.spec.names.kind), { scope: o.spec.scope === 'Cluster' ? 'Cluster' : 'Namespaced', schema: v.schema?.openAPIV3Schema });
    }
  }
  return out;
}

export function customKindOf(kinds: Map<string, CustomKind>, o: K8sObject): CustomKind | undefined {
  return kinds.get(key(o.apiVersion, o.kind));
}

const ajv = new Ajv({ strict: false, allErrors: true });

/** A custom resource against its CRD's OpenAPI schema (the metadata is the API server's to check). */
export function checkCustomResource(m: Manifest, kind: CustomKind): Finding[] {
  if (!kind.schema) return [];
  const validate = ajv.compile(kind.schema);
  const { apiVersion: _a, kind: _k, metadata: _m, ...body } = m.object;
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => ({
    check: 'schema',
    file: m.file,
    object: refOf(m.object),
    path: e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(object)',
    message: `${e.message ?? 'invalid'} (the schema of its CustomResourceDefinition)`,
    fix: 'write the object as its CRD (in the same output) defines it',
  }));
}
