import { ApiObject, App } from 'cdk8s';

/**
 * Objects of one API group, kind, namespace and name defined more than once in the app:
 * `kubectl apply` would keep only the last. The configuration's claims (model/claims.ts) should
 * refuse such a configuration first; this is the net under them, checked before anything is written.
 */
export function duplicateObjects(app: App): string[] {
  const seen = new Map<string, string>();
  const clashes: string[] = [];
  for (const chart of app.charts) {
    for (const o of chart.node.findAll()) {
      if (!(o instanceof ApiObject)) continue;
      const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : 'core';
      const namespace = o.metadata.namespace;
      const id = `${o.kind}.${group} ${namespace ? `${namespace}/` : ''}${o.name}`;
      const first = seen.get(id);
      if (first) clashes.push(`${id} in the charts ${first} and ${chart.node.id}`);
      else seen.set(id, chart.node.id);
    }
  }
  return clashes;
}
