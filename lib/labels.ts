/**
 * Kubernetes recommended labels (app.kubernetes.io/*).
 *
 * Selectors use only `name` and `instance`: selectors are immutable, so they must never include the
 * version or anything derived from the construct tree (such as cdk8s-plus's metadata.addr label).
 */
export const MANAGED_BY = 'cdk8s';

export interface Identity {
  /** What the thing is: `news`, `redis`, `nginx`, `prometheus`. */
  readonly name: string;
  /** Which one it is in this environment: `news`, `news-redis`, `gateway`. */
  readonly instance: string;
  /** Its role in the architecture: `microservice`, `datastore`, `api-gateway`, … */
  readonly component: string;
  /** The larger application it belongs to (config `partOf`). */
  readonly partOf: string;
  /** Version of the software it runs (the image tag); omitted on objects that run nothing. */
  readonly version?: string;
}

export type Labels = Record<string, string>;

export function selectorLabels(id: Pick<Identity, 'name' | 'instance'>): Labels {
  return { 'app.kubernetes.io/name': id.name, 'app.kubernetes.io/instance': id.instance };
}

export function recommendedLabels(id: Identity): Labels {
  return {
    ...selectorLabels(id),
    'app.kubernetes.io/component': id.component,
    'app.kubernetes.io/part-of': id.partOf,
    'app.kubernetes.io/managed-by': MANAGED_BY,
    ...(id.version ? { 'app.kubernetes.io/version': id.version } : {}),
  };
}

/** The tag of an image reference, made a valid label value (`redis:7.4.6-alpine` → `7.4.6-alpine`). */
export function imageVersion(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  const tag = colon >= 0 ? lastSegment.slice(colon + 1) : (image.split('@sha256:')[1] ?? '').slice(0, 12);
  return tag.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}
