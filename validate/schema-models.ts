import type { ErrorObject } from 'ajv';
import type { Finding } from './findings';
import type { Manifest } from './manifests';
import { refOf } from './manifests';
import { schemaFindings } from './schema-errors';

/**
 * Validation with the `kubernetes-models` package (pinned at 4.4.2, the release whose API is
 * Kubernetes 1.27: it has Container.resizePolicy (1.27) and not Container.restartPolicy (1.28)).
 * Its validators are ajv code compiled from the 1.27 OpenAPI schema with enums added, so they
 * check types, required fields, formats and enum values. They ship no raw schemas and accept
 * unknown fields; unknown fields are rejected by the official definitions (schema-definitions.ts).
 */
export const MODELS_API_LEVEL = 'Kubernetes 1.27 (kubernetes-models 4.4.2)';

type ModelClass = new (data: unknown) => { validate(): void };

const modelCache = new Map<string, ModelClass | null>();

function modelFor(apiVersion: string, kind: string): ModelClass | null {
  const key = `${apiVersion}/${kind}`;
  if (!modelCache.has(key)) {
    let cls: ModelClass | null = null;
    // Only API group/version strings: never let manifest text pick an arbitrary module path.
    if (/^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(apiVersion) && /^[A-Za-z0-9]+$/.test(kind)) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const mod = require(`kubernetes-models/${apiVersion}`);
        cls = (mod[kind] as ModelClass | undefined) ?? null;
      } catch {
        cls = null;
      }
    }
    modelCache.set(key, cls);
  }
  return modelCache.get(key) ?? null;
}

export function checkWithModels(m: Manifest): Finding[] {
  const o = m.object;
  const Model = modelFor(o.apiVersion, o.kind);
  if (!Model) {
    return [
      {
        check: 'schema',
        file: m.file,
        object: refOf(o),
        path: 'apiVersion',
        message: `${o.apiVersion} ${o.kind} is not a kind of ${MODELS_API_LEVEL}`,
        fix: 'use an API version and kind that Kubernetes 1.27 serves (see `kubectl api-resources`)',
      },
    ];
  }
  try {
    new Model(o).validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: ErrorObject[] }).errors;
    if (!errors) throw err;
    return schemaFindings(m, errors, MODELS_API_LEVEL);
  }
}
