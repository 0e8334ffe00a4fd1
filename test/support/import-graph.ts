import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/** One import between two project files (relative imports only; packages are not part of the graph). */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
  /** `import type` / `export type`: erased at run time, but still a dependency between layers. */
  readonly typeOnly: boolean;
}

const SKIP = new Set(['node_modules', 'dist', 'build', '.cdk8s-staging', '.tools', '.git', 'coverage']);

/** Every .ts file below `root` (relative paths with '/'), outside generated and installed folders. */
export function sourceFiles(root: string, dir = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(root, dir)).sort()) {
    const rel = dir ? `${dir}/${name}` : name;
    if (SKIP.has(name) || name.startsWith('dist-')) continue;
    if (statSync(path.join(root, rel)).isDirectory()) out.push(...sourceFiles(root, rel));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

function resolveImport(root: string, from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  for (const candidate of [`${base}.ts`, `${base}/index.ts`, base]) {
    if (candidate.endsWith('.ts') && existsSync(path.join(root, candidate))) return candidate;
  }
  return undefined;
}

/** The imports and re-exports of every file, read with the TypeScript parser (no type check). */
export function importGraph(root: string, files = sourceFiles(root)): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.Latest, false);
    for (const statement of source.statements) {
      let spec: ts.Expression | undefined;
      let typeOnly = false;
      if (ts.isImportDeclaration(statement)) {
        spec = statement.moduleSpecifier;
        typeOnly = statement.importClause?.isTypeOnly ?? false;
      } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier) {
        spec = statement.moduleSpecifier;
        typeOnly = statement.isTypeOnly;
      }
      if (!spec || !ts.isStringLiteral(spec)) continue;
      const to = resolveImport(root, file, spec.text);
      if (to) edges.push({ from: file, to, typeOnly });
    }
    // require('./x') and import('./x') in code (the launcher, lazy loads) count too.
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
        const callee = node.expression;
        if ((ts.isIdentifier(callee) && callee.text === 'require') || callee.kind === ts.SyntaxKind.ImportKeyword) {
          const to = resolveImport(root, file, node.arguments[0].text);
          if (to) edges.push({ from: file, to, typeOnly: false });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return edges;
}

/** Cycles among files (strongly connected components of more than one file, or a file importing itself). */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let counter = 0;
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (next.get(v) ?? []).includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort()) if (!index.has(v)) connect(v);
  return cycles;
}
