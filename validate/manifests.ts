import { readdirSync, readFileSync, statSync } from 'fs';
import * as path from 'path';
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { parseAllDocuments } from 'yaml';
import type { Finding, ObjectRef } from './findings';

/** A Kubernetes object as it appears in a manifest (plain JSON). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: any };
  [key: string]: any;
}

/** An object and where it came from. */
export interface Manifest {
  readonly file: string;
  readonly object: K8sObject;
}

export function refOf(o: K8sObject): ObjectRef {
  return { kind: String(o?.kind ?? '(no kind)'), namespace: o?.metadata?.namespace, name: String(o?.metadata?.name ?? '(no name)') };
}

export interface LoadResult {
  readonly manifests: Manifest[];
  /** Files that do not parse as YAML, or documents that are not Kubernetes objects. */
  readonly findings: Finding[];
}

/** Every `*.yaml`/`*.yml` in `dir` (not recursive: dist/ is flat), in name order. */
export function loadManifestDir(dir: string): LoadResult {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    return { manifests: [], findings: [{ check: 'load', file: dir, message: `${dir} is not a directory`, fix: 'pass the directory cdk8s synthesized into, e.g. dist' }] };
  }
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const manifests: Manifest[] = [];
  const findings: Finding[] = [];
  for (const file of files) {
    const r = parseManifestText(readFileSync(path.join(dir, file), 'utf8'), file);
    manifests.push(...r.manifests);
    findings.push(...r.findings);
  }
  if (files.length === 0) {
    findings.push({ check: 'load', file: dir, message: 'no manifests (*.yaml) in the directory', fix: 'run `npx cdk8s synth` first, or pass the right directory' });
  }
  return { manifests, findings };
}

/**
 * js-yaml (YAML 1.2 core schema, duplicate keys rejected: the same reading as the yaml package's
 * default) is about ten times faster on large output, which dominates validating 1000 services.
 * A file it rejects is read again with the yaml package, whose per-document errors name the document.
 */
function fastDocuments(text: string): unknown[] | undefined {
  try {
    return loadAll(text, undefined, { schema: CORE_SCHEMA });
  } catch {
    return undefined;
  }
}

function carefulDocuments(text: string, file: string, findings: Finding[]): unknown[] {
  return parseAllDocuments(text, { uniqueKeys: true }).map((doc, i) => {
    if (doc.errors.length === 0) return doc.toJS();
    findings.push({ check: 'load', file, message: `document ${i + 1} is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`, fix: 'regenerate the file with `npx cdk8s synth`' });
    return undefined;
  });
}

export function parseManifestText(text: string, file: string): LoadResult {
  const manifests: Manifest[] = [];
  const findings: Finding[] = [];
  (fastDocuments(text) ?? carefulDocuments(text, file, findings)).forEach((object: any, i) => {
    if (object === null || object === undefined) return;
    if (typeof object !== 'object' || Array.isArray(object) || typeof object.kind !== 'string' || typeof object.apiVersion !== 'string' || typeof object.metadata?.name !== 'string') {
      findings.push({ check: 'load', file, message: `document ${i + 1} is not a Kubernetes object (needs apiVersion, kind and metadata.name)`, fix: 'only Kubernetes objects belong in a manifest directory' });
      return;
    }
    manifests.push({ file, object: object as K8sObject });
  });
  return { manifests, findings };
}

/** Wrap in-memory objects (tests, synth in-process) as manifests of one pseudo-file. */
export function asManifests(objects: readonly K8sObject[], file = '(objects)'): Manifest[] {
  return objects.map((object) => ({ file, object }));
}
