import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { z } from 'zod';
import { configSchema } from './schema';

/**
 * docs/configuration.md: every configuration key with its type, default, what is allowed and its
 * description, generated from the zod schema (types, defaults, limits) and the schema's own doc
 * comments (read with the TypeScript compiler), so the reference cannot drift from the code.
 */
type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  description?: string;
  examples?: unknown[];
};

interface Doc {
  readonly text: string;
  readonly initializer: string;
  /** The property or variable whose object literal holds this key (`namespaces`, `dns`, …). */
  readonly context: string;
}

/** The name of the property or variable an object literal belongs to, looking up through calls. */
function contextOf(node: ts.Node): string {
  for (let p = node.parent?.parent; p; p = p.parent) {
    if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) return p.name.text;
    if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  }
  return '';
}

const SCHEMA_DIR = path.join(__dirname, 'schema');

/** Doc comments of the properties of every object literal in config/schema/*.ts, by key name. */
function docComments(): Map<string, Doc[]> {
  const docs = new Map<string, Doc[]>();
  for (const file of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.ts')).sort()) {
    const source = ts.createSourceFile(file, readFileSync(path.join(SCHEMA_DIR, file), 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAssignment(node) && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name))) {
        const comments = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
        const text = comments
          .map((c) => ts.getTextOfJSDocComment(c.comment) ?? '')
          .join(' ')
          .replace(/\s+/g, ' ')
          .trim();
        if (text) docs.set(node.name.text, [...(docs.get(node.name.text) ?? []), { text, initializer: node.initializer.getText(source), context: contextOf(node) }]);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return docs;
}

/**
 * The doc of `key` under `parent`: the one written in an object of that name; else, among those of
 * unknown place, the one whose code carries this default; else none (no guess).
 */
function describe(docs: Map<string, Doc[]>, key: string, parent: string, schema: JsonSchema): string {
  const all = docs.get(key) ?? [];
  const here = all.filter((d) => d.context === (parent || 'configObject') || (parent === 'services' && d.context === 'microservice'));
  if (here.length >= 1 && new Set(here.map((d) => d.text)).size === 1) return here[0].text;
  if (schema.default === undefined || typeof schema.default === 'object') return '';
  const literal = JSON.stringify(schema.default).replace(/^"(.*)"$/, '$1');
  const hits = all.filter((d) => d.initializer.includes(`'${literal}'`) || d.initializer.includes(`(${literal})`));
  return hits.length === 1 ? hits[0].text : '';
}

function typeOf(s: JsonSchema): string {
  if (s.enum) return 'one of';
  if (s.anyOf) return s.anyOf.map(typeOf).join(' or ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const t = Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'any');
  if (t === 'array' && s.items) return `list of ${typeOf(s.items)}`;
  if (t === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object') return `map of ${typeOf(s.additionalProperties)}`;
  return t;
}

function allowed(s: JsonSchema): string {
  const parts: string[] = [];
  if (s.enum) parts.push(s.enum.map((v) => `\`${String(v)}\``).join(', '));
  if (s.anyOf?.every((a) => a.const !== undefined)) parts.push(s.anyOf.map((a) => `\`${String(a.const)}\``).join(', '));
  if (s.minimum !== undefined && s.minimum > Number.MIN_SAFE_INTEGER) parts.push(`≥ ${s.minimum}`);
  if (s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER) parts.push(`≤ ${s.maximum}`);
  if (s.minLength) parts.push(`at least ${s.minLength} characters`);
  if (s.maxLength) parts.push(`at most ${s.maxLength} characters`);
  if (s.minItems) parts.push(`at least ${s.minItems} entries`);
  if (s.pattern) parts.push(`matches \`${s.pattern.replace(/\|/g, '\\|')}\``);
  if (s.examples?.length) parts.push(`such as ${s.examples.map((e) => `\`${String(e)}\``).join(', ')}`);
  return parts.join('; ');
}

function shown(v: unknown): string {
  if (v === undefined) return '';
  const text = JSON.stringify(v);
  return `\`${text.length > 80 ? `${text.slice(0, 77)}…` : text}\``.replace(/\|/g, '\\|');
}

export function configurationReference(): string {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const docs = docComments();
  const rows: string[] = [];
  const walk = (s: JsonSchema, key: string, parent: string, at: string): void => {
    // The key's own doc comment; else the description of its type (common.ts: quantities, images, ports).
    const description = (describe(docs, key, parent, s) || (s.description ?? '')).replace(/\|/g, '\\|');
    if (at) rows.push(`| \`${at}\` | ${typeOf(s)} | ${shown(s.default)} | ${allowed(s)} | ${description} |`);
    const object = s.properties ? s : s.items?.properties ? s.items : undefined;
    if (object?.properties) {
      for (const [k, child] of Object.entries(object.properties)) walk(child, k, key, at ? `${at}${object === s ? '' : '[]'}.${k}` : k);
    }
  };
  walk(schema, '', '', '');
  return [
    '# Configuration reference',
    '',
    'Every key of an environment file (`config/environments/<env>.yaml`), generated from the schema',
    'in `config/schema/` by `npm run docs:config`; a test keeps it current. Every key is optional: the',
    'defaults make the default environment. `[]` marks the entries of a list. Quantities (`cpu`,',
    '`memory`, `size`) are Kubernetes quantities, read exactly as the API server reads them.',
    '',
    '| key | type | default | allowed | description |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
