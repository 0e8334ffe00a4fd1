import type { Resources } from '../config/schema/common';
import * as k8s from '../imports/k8s';

/** Config resources → container resources. A memory limit is always set; a CPU limit only on request. */
export function containerResources(r: Resources): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString(r.requests.cpu), memory: k8s.Quantity.fromString(r.requests.memory) },
    limits: {
      ...(r.limits.cpu ? { cpu: k8s.Quantity.fromString(r.limits.cpu) } : {}),
      memory: k8s.Quantity.fromString(r.limits.memory),
    },
  };
}
