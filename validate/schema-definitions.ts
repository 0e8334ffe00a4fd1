import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { existsSync, readFileSync } from 'fs';
import { gunzipSync } from 'zlib';
import * as path from 'path';
import type { Finding } from './findings';
import type { Manifest } from './manifests';
import { refOf } from './manifests';
import { QUANTITY_FORMAT, schemaFindings } from './schema-errors';

/**
 * Validation against the official Kubernetes OpenAPI v2 definitions (`_definitions.json`, as the
 * cdk8s project publishes them) of several releases, so the output is known to apply from the
 * oldest to the newest Kubernetes. The definitions never close objects, so every object schema
 * with `properties` and without `additionalProperties`/`x-kubernetes-preserve-unknown-fields` is
 * closed here: an unknown (misspelt, or newer-than-the-cluster) field is a finding.
 */
export const DEFAULT_VERSIONS = ['v1.27.0', 'v1.36.0'];

/** The definitions shipped with the project (`validate/schemas/`, origin and licence in its README). */
export const DEFAULT_SCHEMAS_DIR = path.join(__dirname, 'schemas');

/** `<dir>/<version>/_definitions.json.gz` (as shipped) or `_definitions.json` (a folder the user points at). */
export function definitionsFile(dir: string, version: string): string | undefined {
  const base = path.join(dir, version, '_definitions.json');
  return [`${base}.gz`, base].find((f) => existsSync(f));
}

export function readDefinitions(file: string): { definitions: Record<string, any> } {
  const bytes = readFileSync(file);
  return JSON.parse((file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'));
}

/**
 * Kubernetes' quantity grammar (resource.Quantity): a signed decimal number with an optional
 * binary (Ki…Ei) or decimal (n, u, m, k, M…E) suffix or exponent.
 */
export const QUANTITY_PATTERN = '^[+-]?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

interface Gvk {
  group: string;
  version: string;
  kind: string;
}

interface LoadedVersion {
  readonly version: string;
  readonly ajv: Ajv;
  /** `group/version/kind` → definition name */
  readonly byGvk: Map<string, string>;
  readonly compiled: Map<string, ValidateFunction>;
}

/** Close every object schema node that lists properties and does not ask to stay open. */
export function closeObjects(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(closeObjects);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  if (n.properties && typeof n.properties === 'object' && n.additionalProperties === undefined && n['x-kubernetes-preserve-unknown-fields'] !== true) {
    n.additionalProperties = false;
  }
  for (const [k, v] of Object.entries(n)) {
    // `properties` maps field names to schemas: recurse into the schemas, never treat the map itself as one.
    if (k === 'properties' && v && typeof v === 'object') Object.values(v).forEach(closeObjects);
    else if (k !== 'enum' && k !== 'default' && k !== 'example') closeObjects(v);
  }
}

function gvkKey(g: Gvk): string {
  return `${g.group}/${g.version}/${g.kind}`;
}

export function gvkOf(apiVersion: string, kind: string): Gvk {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion, kind } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind };
}

const loaded = new Map<string, LoadedVersion>();

function loadVersion(dir: string, version: string): LoadedVersion {
  const file = definitionsFile(dir, version);
  if (!file) throw new Error(`no Kubernetes ${version} definitions under ${dir}`);
  const cacheKey = path.resolve(file);
  const cached = loaded.get(cacheKey);
  if (cached) return cached;
  const defs = readDefinitions(file).definitions;
  closeObjects(defs);
  // One JSON type each, so an error reads "must be integer,string" instead of two oneOf branches.
  if (defs[INT_OR_STRING]) defs[INT_OR_STRING] = { type: ['integer', 'string'] };
  if (defs[QUANTITY]) defs[QUANTITY] = { type: ['string', 'number'], format: QUANTITY_FORMAT };
  const byGvk = new Map<string, string>();
  for (const [name, def] of Object.entries(defs)) {
    for (const g of (def['x-kubernetes-group-version-kind'] ?? []) as Gvk[]) byGvk.set(gvkKey(g), name);
  }
  // strict off: the definitions carry x-kubernetes-* annotations ajv does not know; they change nothing.
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, inlineRefs: false });
  addFormats(ajv);
  ajv.addFormat(QUANTITY_FORMAT, { type: 'string', validate: new RegExp(QUANTITY_PATTERN) });
  ajv.addSchema({ $id: 'k8s', definitions: defs });
  const v = { version, ajv, byGvk, compiled: new Map<string, ValidateFunction>() };
  loaded.set(cacheKey, v);
  return v;
}

export function availableVersions(dir: string, versions = DEFAULT_VERSIONS): string[] {
  return versions.filter((v) => definitionsFile(dir, v) !== undefined);
}

export function checkWithDefinitions(m: Manifest, dir: string, version: string): Finding[] {
  const v = loadVersion(dir, version);
  const o = m.object;
  const gvk = gvkOf(o.apiVersion, o.kind);
  const name = v.byGvk.get(gvkKey(gvk));
  const against = `official Kubernetes ${version} definitions`;
  if (!name) {
    return [
      {
        check: 'schema',
        file: m.file,
        object: refOf(o),
        path: 'apiVersion',
        message: `${o.apiVersion} ${o.kind} is not served by ${against}`,
        fix: 'use an API version served from Kubernetes 1.27 through the newest release (e.g. autoscaling/v2, policy/v1)',
      },
    ];
  }
  let validate = v.compiled.get(name);
  if (!validate) {
    validate = v.ajv.compile({ $ref: `k8s#/definitions/${name}` });
    v.compiled.set(name, validate);
  }
  if (validate(o)) return [];
  return schemaFindings(m, validate.errors ?? [], against);
}
