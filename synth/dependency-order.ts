import type { IConstruct } from 'constructs';

/**
 * The constructs under `root` in the order cdk8s's `DependencyGraph(root).topology()` returns them
 * (cdk8s 2.70), computed in linear time. cdk8s builds the same graph but checks every edge for a
 * cycle with a walk that does not remember where it has been, and sorts with another such walk: once
 * every object of the deploy chart depends on every object of the charts before it (their
 * dependencies, made object-level by `Chart.toJson()`), that costs seconds at a thousand services.
 *
 * Same graph: the vertices are `root.node.findAll()`, keyed by path in a plain object as cdk8s keys
 * them (so the same iteration order), the edges each construct's dependencies that are in the
 * graph, in the same order, duplicates once; the roots are the vertices nothing depends on. Same
 * order: a depth-first walk that emits a vertex after its dependencies; skipping a vertex already
 * emitted changes nothing, because everything under it was emitted before it. A cycle throws, as
 * cdk8s does. test/manifest-app.test.ts compares the written files with cdk8s's own `App.synth()`.
 */
export function dependencyOrder(root: IConstruct): IConstruct[] {
  const vertices: Record<string, { construct: IConstruct; children: Set<string>; inbound: number }> = {};
  const all = root.node.findAll();
  for (const c of all) vertices[c.node.path] = { construct: c, children: new Set(), inbound: 0 };
  for (const c of all) {
    for (const dep of c.node.dependencies) {
      const target = vertices[dep.node.path];
      if (!target) continue;
      const source = vertices[c.node.path];
      if (source.children.has(dep.node.path)) continue;
      source.children.add(dep.node.path);
      target.inbound++;
    }
  }

  const order: IConstruct[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (path: string, trail: string[]): void => {
    const seen = state.get(path);
    if (seen === 'done') return;
    if (seen === 'visiting') throw new Error(`Dependency cycle detected: ${[...trail.slice(trail.indexOf(path)), path].join(' => ')}`);
    state.set(path, 'visiting');
    trail.push(path);
    for (const child of vertices[path].children) visit(child, trail);
    trail.pop();
    state.set(path, 'done');
    order.push(vertices[path].construct);
  };
  for (const [path, v] of Object.entries(vertices)) if (v.inbound === 0) visit(path, []);
  // A cycle that nothing outside it depends on leaves every member with inbound edges: never reached above.
  for (const path of Object.keys(vertices)) if (!state.has(path)) visit(path, []);
  return order;
}
