/**
 * What a Jenkinsfile calls, read well enough for the subset of Groovy a declarative pipeline uses:
 * comments dropped, string literals reduced to a placeholder (the code inside `${…}` of
 * double-quoted strings is kept: it runs in the sandbox too), then
 * - calls: `name(`, `name {`, and command calls `name 'x'` at the start of a statement;
 * - methods: `.name(` / `?.name(`;
 * - properties: `receiver.name` not followed by `(`;
 * - subscripts: `x[` / `)[` (map or list indexing).
 */
export interface GroovyUses {
  readonly calls: string[];
  readonly methods: string[];
  readonly properties: { receiver: string; name: string }[];
  readonly subscripts: string[];
}

const KEYWORDS = new Set(['def', 'if', 'else', 'for', 'while', 'return', 'switch', 'case', 'try', 'catch', 'finally', 'new', 'in', 'String']);
const STR = '__S__';

/** The code with comments removed and each string literal replaced by `__S__` (GString code kept). */
export function codeOnly(text: string): string {
  let out = '';
  let i = 0;
  const at = (s: string) => text.startsWith(s, i);
  while (i < text.length) {
    if (at('//')) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (at('/*')) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (at("'''") || at('"""')) {
      const q = text.slice(i, i + 3);
      const end = text.indexOf(q, i + 3);
      out += q === '"""' ? ` ${STR} ${interpolations(text.slice(i + 3, end < 0 ? text.length : end))}` : ` ${STR} `;
      i = end < 0 ? text.length : end + 3;
    } else if (text[i] === "'" || text[i] === '"') {
      const q = text[i];
      let j = i + 1;
      while (j < text.length && text[j] !== q) j += text[j] === '\\' ? 2 : 1;
      out += q === '"' ? ` ${STR} ${interpolations(text.slice(i + 1, j))}` : ` ${STR} `;
      i = j + 1;
    } else {
      out += text[i++];
    }
  }
  return out;
}

/** The `${…}` expressions of a GString body, each on its own statement line. */
function interpolations(body: string): string {
  const found: string[] = [];
  for (let i = body.indexOf('${'); i >= 0; i = body.indexOf('${', i + 2)) {
    let depth = 0;
    let j = i + 1;
    for (; j < body.length; j++) {
      if (body[j] === '{') depth++;
      else if (body[j] === '}' && --depth === 0) break;
    }
    found.push(body.slice(i + 2, j));
  }
  return found.map((e) => `\n${codeOnly(e)}\n`).join('');
}

export function groovyUses(text: string): GroovyUses {
  const code = codeOnly(text);
  const calls = new Set<string>();
  const methods = new Set<string>();
  const properties: { receiver: string; name: string }[] = [];
  const subscripts: string[] = [];
  const defined = new Set([...code.matchAll(/\bdef\s+([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1]));

  for (const m of code.matchAll(/(?<![.\w?])([A-Za-z_]\w*)\s*(\(|\{)/g)) {
    if (!KEYWORDS.has(m[1]) && m[1] !== STR) calls.add(m[1]);
  }
  // Command syntax: `sh 'x'`, `label 'x'`, `error msg` at the start of a statement.
  for (const m of code.matchAll(/(^|[{;])\s*([A-Za-z_]\w*)[ \t]+(?=__S__|[A-Za-z_\d])/gm)) {
    if (!KEYWORDS.has(m[2]) && m[2] !== STR) calls.add(m[2]);
  }
  for (const m of code.matchAll(/\??\.\s*([A-Za-z_]\w*)\s*\(/g)) methods.add(m[1]);
  for (const m of code.matchAll(/([A-Za-z_]\w*)\s*\??\.\s*([A-Za-z_]\w*)\b(?!\s*\()/g)) properties.push({ receiver: m[1], name: m[2] });
  for (const m of code.matchAll(/([A-Za-z_]\w*|\))\s*\[/g)) if (!KEYWORDS.has(m[1])) subscripts.push(`${m[1]}[`);

  // A function the file defines is a call like any other (recorded as "this Jenkinsfile").
  for (const d of defined) calls.add(d);
  return { calls: [...calls].sort(), methods: [...methods].sort(), properties, subscripts };
}
