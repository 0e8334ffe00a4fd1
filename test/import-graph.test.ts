import { ImportEdge, importCycles, importGraph } from './support/import-graph';
import { ROOT } from './support/project-copy';

/**
 * The layers import one way: lib (neutral Kubernetes rules) → config → model → constructs /
 * monitoring → charts → synth / report. The validator judges any manifests: it may read lib,
 * config and model (for --env/--config, the GitOps scope), never constructs, charts, synth or
 * reports, and nothing below it reads it. Entry points (main.ts, scripts, bench, test) may import anything. No file imports
 * itself through others (type-only imports count: they still tie the files together).
 */
const RANK: Record<string, number> = { imports: 0, lib: 0, services: 0, config: 1, model: 2, constructs: 3, monitoring: 3, charts: 4, synth: 5, report: 6 };
const VALIDATE_MAY_READ = new Set(['lib', 'config', 'model', 'validate']);
const ENTRY = new Set(['main.ts', 'scripts', 'bench', 'test']);

const layerOf = (file: string) => file.split('/')[0];

function backwards(edges: readonly ImportEdge[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    const from = layerOf(e.from);
    const to = layerOf(e.to);
    if (ENTRY.has(from) || from === to) continue;
    if (from === 'validate') {
      if (!VALIDATE_MAY_READ.has(to)) out.push(`${e.from} → ${e.to} (the validator reads only lib/, config/ and model/)`);
    } else if (to === 'validate' || ENTRY.has(to)) {
      out.push(`${e.from} → ${e.to} (nothing below the entry points imports ${to})`);
    } else if (!(from in RANK) || !(to in RANK)) {
      out.push(`${e.from} → ${e.to} (a folder the layer rule does not know: give it a rank)`);
    } else if (RANK[to] > RANK[from]) {
      out.push(`${e.from} → ${e.to} (${from} is below ${to})`);
    }
  }
  return out;
}

describe('import graph', () => {
  const edges = importGraph(ROOT);

  test('the graph was read (the check can see imports)', () => {
    expect(edges.length).toBeGreaterThan(300);
    expect(edges).toContainEqual({ from: 'synth/build-app.ts', to: 'model/resolve.ts', typeOnly: false });
  });

  test('layers import one way: lib → config → model → constructs/monitoring → charts → synth', () => {
    expect(backwards(edges)).toEqual([]);
  });

  test('no import cycles between files', () => {
    expect(importCycles(edges)).toEqual([]);
  });

  test('the checks find a backwards import and a cycle when there is one', () => {
    const planted: ImportEdge[] = [
      { from: 'config/schema/common.ts', to: 'validate/findings.ts', typeOnly: false },
      { from: 'monitoring/dashboards/nodes.ts', to: 'charts/namespaces.ts', typeOnly: true },
      { from: 'model/resolve.ts', to: 'constructs/labels.ts', typeOnly: false },
      { from: 'validate/index.ts', to: 'charts/gateway.ts', typeOnly: false },
      { from: 'validate/gitops.ts', to: 'constructs/deploy-rbac.ts', typeOnly: true },
    ];
    expect(backwards(planted)).toHaveLength(5);
    expect(importCycles([{ from: 'a.ts', to: 'b.ts', typeOnly: true }, { from: 'b.ts', to: 'c.ts', typeOnly: false }, { from: 'c.ts', to: 'a.ts', typeOnly: false }])).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(importCycles([{ from: 'a.ts', to: 'b.ts', typeOnly: false }])).toEqual([]);
  });
});
