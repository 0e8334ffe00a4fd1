import { ApiObject } from 'cdk8s';
import type { Storage } from '../config/schema/common';
import * as k8s from '../imports/k8s';
import { Labels } from './labels';
import { storedQuantity } from './resources';

/**
 * A StatefulSet volume claim template written the way the API server stores it. The list is atomic:
 * the server fills in `apiVersion`, `kind`, `spec.volumeMode` and `status.phase`, and a template that
 * leaves them out differs from the stored one, so another field manager's server-side diff (a GitOps
 * controller's) reports a conflict forever. Writing the stored values changes nothing on the server.
 */
export function claimTemplate(name: string, labels: Labels, storage: Storage): k8s.KubePersistentVolumeClaimProps {
  return {
    metadata: { name, labels },
    spec: {
      accessModes: ['ReadWriteOnce'],
      ...(storage.storageClassName ? { storageClassName: storage.storageClassName } : {}),
      resources: { requests: { storage: storedQuantity(storage.size) } },
      volumeMode: 'Filesystem',
    },
  };
}

/**
 * The fields the generated types leave out (apiVersion, kind, status), added to the rendered
 * object: a JSON patch would not do, the generated `toJson` of Kube* classes keeps only known fields
 * after patches are applied.
 */
export function asStoredClaimTemplates(statefulSet: ApiObject): void {
  const render = statefulSet.toJson.bind(statefulSet);
  statefulSet.toJson = () => {
    const json = render();
    json.spec.volumeClaimTemplates = json.spec.volumeClaimTemplates.map((t: Record<string, unknown>) => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      ...t,
      status: { phase: 'Pending' },
    }));
    return json;
  };
}
