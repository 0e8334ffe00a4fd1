import type { Resources } from '../config/schema/common';
import * as k8s from '../imports/k8s';
import { canonicalQuantity } from '../validate/quantity';

/** A configured quantity in the form the API server stores (`0.1` → `100m`), so applies settle. */
export function storedQuantity(q: string): k8s.Quantity {
  return k8s.Quantity.fromString(canonicalQuantity(q) ?? q);
}

/** Config resources → container resources. A memory limit is always set; a CPU limit only on request. */
export function containerResources(r: Resources): k8s.ResourceRequirements {
  return {
    requests: { cpu: storedQuantity(r.requests.cpu), memory: storedQuantity(r.requests.memory) },
    limits: {
      ...(r.limits.cpu ? { cpu: storedQuantity(r.limits.cpu) } : {}),
      memory: storedQuantity(r.limits.memory),
    },
  };
}
