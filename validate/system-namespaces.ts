import type { Finding } from './findings';
import type { Manifest } from './manifests';
import { refOf } from './manifests';

/**
 * The namespaces Kubernetes itself runs in belong to the cluster, not to this project: an object
 * applied into one of them can replace or shadow a cluster component (CoreDNS, kube-proxy, node
 * leases), and a Namespace manifest for one of them relabels it on every apply (its Pod Security
 * level, the labels NetworkPolicies select it by).
 */
export const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];

export function checkSystemNamespaces(manifests: readonly Manifest[]): Finding[] {
  const out: Finding[] = [];
  for (const m of manifests) {
    const o = m.object;
    if (o.kind === 'Namespace' && SYSTEM_NAMESPACES.includes(o.metadata.name)) {
      out.push({
        check: 'system-namespaces',
        file: m.file,
        object: refOf(o),
        path: 'metadata',
        message: `manages the cluster's own namespace ${o.metadata.name}: every apply rewrites its labels and annotations (Pod Security level, the labels policies select it by), and pruning would delete it`,
        fix: `remove the Namespace ${o.metadata.name} from the manifests; select it in policies by its automatic label kubernetes.io/metadata.name`,
      });
    } else if (o.metadata.namespace !== undefined && SYSTEM_NAMESPACES.includes(o.metadata.namespace)) {
      out.push({
        check: 'system-namespaces',
        file: m.file,
        object: refOf(o),
        path: 'metadata.namespace',
        message: `is placed in ${o.metadata.namespace}, a namespace of the cluster's own components: it may replace or shadow one of them, and it escapes this project's namespaces, policies and Pod Security levels`,
        fix: 'put it in one of the project\'s namespaces (config namespaces.*)',
      });
    }
  }
  return out;
}
