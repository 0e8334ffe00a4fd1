import { LabelSelector, matchesSelector } from './label-selector';

/**
 * Labelled things (pods, …) by namespace and by each `key=value` label, so that "which of them does
 * this selector select" costs the smallest posting list of the selector's matchLabels instead of a
 * scan of every object: what keeps the validator near-linear in the number of objects.
 * Results keep insertion order, so callers see the same order as a plain filter would give.
 */
interface Entry<T> {
  readonly item: T;
  readonly labels: Record<string, string>;
}

interface NamespaceEntries<T> {
  readonly all: Entry<T>[];
  readonly byPair: Map<string, Entry<T>[]>;
}

const pairKey = (k: string, v: string): string => `${k}\u0000${v}`;

export class LabelIndex<T> {
  private readonly byNamespace = new Map<string, NamespaceEntries<T>>();

  add(namespace: string, labels: Record<string, string>, item: T): void {
    let ns = this.byNamespace.get(namespace);
    if (!ns) {
      ns = { all: [], byPair: new Map() };
      this.byNamespace.set(namespace, ns);
    }
    const entry = { item, labels };
    ns.all.push(entry);
    for (const [k, v] of Object.entries(labels)) {
      const key = pairKey(k, v);
      const list = ns.byPair.get(key);
      if (list) list.push(entry);
      else ns.byPair.set(key, [entry]);
    }
  }

  namespaces(): string[] {
    return [...this.byNamespace.keys()];
  }

  inNamespace(namespace: string): T[] {
    return (this.byNamespace.get(namespace)?.all ?? []).map((e) => e.item);
  }

  /** Items of `namespace` that `selector` selects (a missing selector selects nothing, an empty one everything). */
  select(namespace: string, selector: LabelSelector | undefined | null): T[] {
    if (!selector) return [];
    const ns = this.byNamespace.get(namespace);
    if (!ns) return [];
    let candidates = ns.all;
    for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
      const list = ns.byPair.get(pairKey(k, v)) ?? [];
      if (list.length < candidates.length) candidates = list;
    }
    return candidates.filter((e) => matchesSelector(selector, e.labels)).map((e) => e.item);
  }

  /** A Service's selector: a plain map. */
  selectMap(namespace: string, selector: Record<string, string>): T[] {
    return this.select(namespace, { matchLabels: selector });
  }
}
