import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { existsSync, readdirSync, readFileSync } from 'fs';
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import type { Finding } from './findings';
import { K8sObject, Manifest, refOf } from './manifests';
import { closeObjects } from './schema-definitions';
import { schemaFindings } from './schema-errors';

/**
 * Custom resources (our Argo CD and Flux objects) against the CustomResourceDefinitions of the
 * releases we target, shipped in `validate/crds/` (origin, licence and sha256 in its README). The
 * structural schema of each served version is compiled with ajv; like the API server's pruning,
 * a field the schema does not declare is a finding (unless the schema keeps unknown fields).
 */
export const DEFAULT_CRDS_DIR = path.join(__dirname, 'crds');

/** The folders of `validate/crds/`, one per release: what "the versions we target" means. */
export const CRD_SETS = ['argo-cd-v3.5.1', 'flux-v2.9.0'];

interface ServedVersion {
  readonly release: string;
  readonly file: string;
  readonly schema: Record<string, unknown>;
}

/** Every CustomResourceDefinition of the shipped sets (YAML text, decompressed), with where it came from. */
export function shippedCrdFiles(dir = DEFAULT_CRDS_DIR): { release: string; file: string; text: string }[] {
  const out: { release: string; file: string; text: string }[] = [];
  for (const release of CRD_SETS) {
    const folder = path.join(dir, release);
    if (!existsSync(folder)) continue;
    for (const f of readdirSync(folder).filter((n) => /\.ya?ml(\.gz)?$/.test(n)).sort()) {
      const bytes = readFileSync(path.join(folder, f));
      out.push({ release, file: `${release}/${f}`, text: (f.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8') });
    }
  }
  return out;
}

const cache = new Map<string, { byGvk: Map<string, ServedVersion>; ajv: Ajv; compiled: Map<string, ValidateFunction> }>();

function load(dir: string) {
  const key = path.resolve(dir);
  const hit = cache.get(key);
  if (hit) return hit;
  const byGvk = new Map<string, ServedVersion>();
  for (const { release, file, text } of shippedCrdFiles(dir)) {
    for (const doc of loadAll(text, undefined, { schema: CORE_SCHEMA }) as any[]) {
      if (doc?.kind !== 'CustomResourceDefinition') continue;
      const { group, names, versions } = doc.spec;
      for (const v of versions ?? []) {
        if (!v.served || !v.schema?.openAPIV3Schema) continue;
        const schema = structuredClone(v.schema.openAPIV3Schema);
        closeObjects(schema);
        byGvk.set(`${group}/${v.name}/${names.kind}`, { release, file, schema });
      }
    }
  }
  // strict off: the schemas carry x-kubernetes-* keywords ajv does not know; they change nothing here.
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
  addFormats(ajv);
  const entry = { byGvk, ajv, compiled: new Map<string, ValidateFunction>() };
  cache.set(key, entry);
  return entry;
}

/** `group/version/Kind` of every custom resource the shipped definitions serve. */
export function servedCustomKinds(dir = DEFAULT_CRDS_DIR): string[] {
  return [...load(dir).byGvk.keys()].sort();
}

export function checkWithCrds(manifests: readonly Manifest[], dir = DEFAULT_CRDS_DIR): Finding[] {
  const { byGvk, ajv, compiled } = load(dir);
  const findings: Finding[] = [];
  if (byGvk.size === 0) {
    return [{ check: 'crd-schema', message: `no CustomResourceDefinitions found under ${dir}`, fix: 'restore validate/crds/ from the repository (see validate/crds/README.md)' }];
  }
  for (const m of manifests) {
    const o: K8sObject = m.object;
    const gvk = `${o.apiVersion.includes('/') ? o.apiVersion : `/${o.apiVersion}`}/${o.kind}`;
    const served = byGvk.get(gvk);
    if (!served) {
      findings.push({
        check: 'crd-schema',
        file: m.file,
        object: refOf(o),
        path: 'apiVersion',
        message: `${o.apiVersion} ${o.kind} is not served by the shipped definitions (${CRD_SETS.join(', ')})`,
        fix: `use one of: ${servedCustomKinds(dir).join(', ')}`,
      });
      continue;
    }
    let validate = compiled.get(gvk);
    if (!validate) {
      validate = ajv.compile(served.schema);
      compiled.set(gvk, validate);
    }
    if (!validate(o)) findings.push(...schemaFindings(m, validate.errors ?? [], `${served.release} ${path.basename(served.file)}`).map((f) => ({ ...f, check: 'crd-schema' })));
  }
  return findings;
}
