import { CLUSTER_SCOPED_KINDS } from '../lib/api-scope';
import type { Finding } from './findings';
import type { Manifest } from './manifests';
import { refOf } from './manifests';
import { customKindOf, customKinds } from './custom-resources';

/**
 * `kubectl apply -f dist` fails on an object whose namespace does not exist, and a namespace the
 * manifests do not create has no Pod Security level of ours. Every namespaced object must live in
 * a Namespace of the set; cluster-scoped kinds must carry no namespace.
 */
export function checkNamespaces(manifests: readonly Manifest[]): Finding[] {
  const namespaces = new Set(manifests.filter((m) => m.object.kind === 'Namespace').map((m) => m.object.metadata.name));
  const custom = customKinds(manifests);
  const out: Finding[] = [];
  for (const m of manifests) {
    const o = m.object;
    const ns = o.metadata.namespace;
    if (CLUSTER_SCOPED_KINDS.has(o.kind) || customKindOf(custom, o)?.scope === 'Cluster') {
      if (ns !== undefined) out.push({ check: 'namespaces', file: m.file, object: refOf(o), path: 'metadata.namespace', message: `${o.kind} is cluster-scoped but sets a namespace`, fix: 'remove metadata.namespace' });
      continue;
    }
    if (ns === undefined) {
      out.push({ check: 'namespaces', file: m.file, object: refOf(o), path: 'metadata.namespace', message: 'has no namespace: it would land in whatever namespace kubectl\'s context points at', fix: 'create it in a chart with a namespace (Chart props namespace)' });
    } else if (!namespaces.has(ns)) {
      out.push({ check: 'namespaces', file: m.file, object: refOf(o), path: 'metadata.namespace', message: `namespace ${ns} is not created by the manifests: \`kubectl apply -f dist\` fails, and it has no Pod Security labels`, fix: 'add the namespace to charts/namespaces.ts namespaceSpecs()' });
    }
  }
  return out;
}
