import * as fc from 'fast-check';
import { DependencyGraph } from 'cdk8s';
import { Construct } from 'constructs';
import { dependencyOrder } from '../synth/dependency-order';

/**
 * dependencyOrder must return exactly what cdk8s's DependencyGraph(root).topology() returns, on any
 * tree of constructs with any acyclic dependencies (small graphs: cdk8s's walk is exponential in
 * the number of paths), and refuse a cycle as cdk8s does.
 */
const shape = fc.record({
  // parents[i] < i + 1: construct i + 1 hangs under an earlier one (0 is the root).
  parents: fc.array(fc.nat(), { minLength: 1, maxLength: 24 }),
  // [a, b]: a depends on b when a > b (acyclic by construction); duplicates on purpose.
  edges: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 60 }),
});

function tree(parents: number[]): Construct[] {
  const nodes: Construct[] = [new Construct(undefined as unknown as Construct, '')];
  parents.forEach((p, i) => nodes.push(new Construct(nodes[p % nodes.length], `c${i}`)));
  return nodes;
}

test('the same order as cdk8s DependencyGraph.topology() on generated trees and dependency DAGs', () => {
  fc.assert(
    fc.property(shape, ({ parents, edges }) => {
      const nodes = tree(parents);
      for (const [x, y] of edges) {
        const [a, b] = [x % nodes.length, y % nodes.length];
        if (a > b) nodes[a].node.addDependency(nodes[b]);
      }
      const theirs = new DependencyGraph(nodes[0].node).topology().map((c) => c.node.path);
      expect(dependencyOrder(nodes[0]).map((c) => c.node.path)).toEqual(theirs);
    }),
    { numRuns: 300, seed: 7 },
  );
});

test('a dependency on a construct outside the subtree is ignored, as cdk8s ignores it', () => {
  const [root, a, b] = tree([0, 0]);
  const inner = new Construct(a, 'inner');
  inner.node.addDependency(b);
  expect(dependencyOrder(a).map((c) => c.node.path)).toEqual(new DependencyGraph(a.node).topology().map((c) => c.node.path));
  expect(dependencyOrder(root).length).toBe(4);
});

test('a cycle is refused, naming its members', () => {
  const [root, a, b, c] = tree([0, 0, 0]);
  a.node.addDependency(b);
  b.node.addDependency(c);
  c.node.addDependency(a);
  expect(() => new DependencyGraph(root.node)).toThrow(/Dependency cycle detected/);
  expect(() => dependencyOrder(root)).toThrow(/Dependency cycle detected: (c[0-2] => ){3}c[0-2]/);
});
