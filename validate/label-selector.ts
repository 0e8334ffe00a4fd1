/**
 * Kubernetes label selectors (matchLabels + matchExpressions), as Services (plain map), workloads,
 * PDBs and NetworkPolicies use them.
 */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export function matchesSelector(selector: LabelSelector | undefined | null, labels: Record<string, string>): boolean {
  // A missing selector selects nothing in most places; callers decide. An empty one selects everything.
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[e.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[e.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A Service's selector is a plain map: it matches pods carrying every pair. */
export function matchesMap(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return matchesSelector({ matchLabels: selector }, labels);
}
