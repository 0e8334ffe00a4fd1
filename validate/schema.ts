import type { Finding } from './findings';
import type { Manifest } from './manifests';
import { availableVersions, checkWithDefinitions, DEFAULT_SCHEMAS_DIR, DEFAULT_VERSIONS } from './schema-definitions';
import { checkWithModels } from './schema-models';
import { checkCustomResource, customKindOf, customKinds } from './custom-resources';

export interface SchemaOptions {
  /** Folder with `<version>/_definitions.json`; default the definitions shipped in `validate/schemas/`. */
  readonly schemasDir?: string;
  readonly versions?: readonly string[];
  /**
   * Missing definitions are a finding (default true: the project ships them, so a missing file is a
   * broken checkout). `false` turns that into a note, for a caller that passes its own partial folder.
   */
  readonly requireDefinitions?: boolean;
}

export interface CheckResult {
  readonly findings: Finding[];
  /** Things the user should know that are not failures (e.g. a skipped part). */
  readonly notes: string[];
}

/**
 * Every object against the Kubernetes 1.27 API of kubernetes-models (types, required fields,
 * enums) and, when the official definitions are present, against each of their releases with
 * unknown fields rejected.
 */
export function checkSchemas(manifests: readonly Manifest[], options: SchemaOptions = {}): CheckResult {
  const dir = options.schemasDir ?? DEFAULT_SCHEMAS_DIR;
  const wanted = [...(options.versions ?? DEFAULT_VERSIONS)];
  const present = availableVersions(dir, wanted);
  const missing = wanted.filter((v) => !present.includes(v));
  const findings: Finding[] = [];
  const notes: string[] = [];
  if (missing.length > 0) {
    const what = `official Kubernetes definitions ${missing.join(', ')} not found under ${dir}`;
    if (options.requireDefinitions ?? true) {
      findings.push({
        check: 'schema',
        message: `${what}: unknown fields and the newest API cannot be checked`,
        fix: `restore validate/schemas/<version>/_definitions.json.gz from the repository (see validate/schemas/README.md), or pass a folder with <version>/_definitions.json`,
      });
    } else {
      notes.push(`SKIPPED: ${what}; only the kubernetes-models 1.27 check ran (unknown fields were NOT checked). `);
    }
  }
  const custom = customKinds(manifests);
  for (const m of manifests) {
    const defined = customKindOf(custom, m.object);
    if (defined) {
      findings.push(...checkCustomResource(m, defined));
      continue;
    }
    findings.push(...checkWithModels(m));
    for (const version of present) findings.push(...checkWithDefinitions(m, dir, version));
  }
  return { findings: mergeLevels(findings), notes };
}

/**
 * The same problem found at several API levels becomes one finding that lists the levels:
 * `invalid value "X" [Kubernetes 1.27 (kubernetes-models 4.4.2); Kubernetes v1.36 (official definitions)]`.
 */
function mergeLevels(findings: Finding[]): Finding[] {
  const merged = new Map<string, { finding: Finding; levels: string[] }>();
  for (const f of findings) {
    const m = /^(.*) \[([^\]]+)\]$/s.exec(f.message);
    const base = m ? m[1] : f.message;
    const key = [f.file, f.object?.kind, f.object?.namespace, f.object?.name, f.path, base].join('\u0000');
    const entry = merged.get(key) ?? { finding: { ...f, message: base }, levels: [] };
    if (m) entry.levels.push(m[2]);
    merged.set(key, entry);
  }
  return [...merged.values()].map(({ finding, levels }) => (levels.length ? { ...finding, message: `${finding.message} (on ${levels.join('; ')})` } : finding));
}
