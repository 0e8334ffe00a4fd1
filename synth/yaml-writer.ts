import { stringify } from 'yaml';

/**
 * The YAML text cdk8s writes for one manifest (`Yaml.stringify(doc)`: the yaml package, YAML 1.1
 * schema, no line wrapping), produced about 20× faster.
 *
 * Why: serialization through the yaml package's document model was 60% of synthesis time (4 s of
 * 7 s for 1000 services). Manifests are plain JSON data, so the block structure (maps, lists,
 * indentation) is written here directly; a scalar is written here only when it is certainly a
 * plain scalar, every other scalar (quoted strings, block literals such as nginx.conf) is rendered
 * by the yaml package itself and cached. Anything unexpected (a float, a key that needs quoting, a
 * non-JSON value) makes the whole document go through the yaml package. The output is therefore
 * byte-identical to cdk8s's; test/yaml-writer.test.ts checks that against cdk8s on every
 * environment and on a set of awkward values.
 */
export function manifestYaml(doc: unknown): string {
  if (doc === undefined) return '\n'; // what cdk8s writes for an empty document
  if (isPlainObject(doc) && Object.keys(doc).length > 0) {
    try {
      const out: string[] = [];
      writeMap(doc, 0, out);
      return out.join('');
    } catch (err) {
      if (!(err instanceof Unsupported)) throw err;
    }
  }
  return stringify(doc, LIBRARY_OPTIONS);
}

/** Several manifests as one multi-document file, the way cdk8s joins them. */
export function manifestsYaml(docs: readonly unknown[]): string {
  return docs.map(manifestYaml).join('---\n');
}

/** cdk8s's options (cdk8s/lib/yaml.js). */
const LIBRARY_OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1' } as const;

class Unsupported extends Error {}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/**
 * Strings that YAML 1.1 reads back as the same string when written bare: they start with a letter,
 * "_" or "/" (so they cannot be a number, a timestamp or an indicator), use only characters with
 * no meaning to YAML, do not end with ":" and are not one of 1.1's boolean or null words.
 */
const SAFE_PLAIN = /^[A-Za-z_/][A-Za-z0-9_./@+=:-]*$/;
const RESERVED_WORDS = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;

function isSafePlain(s: string): boolean {
  return SAFE_PLAIN.test(s) && !s.endsWith(':') && !RESERVED_WORDS.test(s);
}

// Rendered by the yaml package, per context; the same strings recur in every manifest.
const mapValueCache = new Map<string, string[]>();
const listItemCache = new Map<string, string[]>();

/** A string scalar's text lines as the yaml package writes it after `key: ` or `- `. */
function libraryScalar(s: string, inList: boolean): string[] {
  const cache = inList ? listItemCache : mapValueCache;
  let lines = cache.get(s);
  if (!lines) {
    const text = inList ? stringify([s], LIBRARY_OPTIONS) : stringify({ k: s }, LIBRARY_OPTIONS);
    const prefix = inList ? '- ' : 'k: ';
    if (!text.startsWith(prefix)) throw new Unsupported();
    // Continuation lines of a block scalar are indented relative to the key or dash (column 0 here).
    lines = text.slice(prefix.length, -1).split('\n');
    cache.set(s, lines);
  }
  return lines;
}

/** Appends ` value\n` (or a block scalar) after a key or dash written at column `indent`. */
function writeScalar(v: unknown, indent: number, inList: boolean, out: string[]): boolean {
  switch (typeof v) {
    case 'string': {
      if (v !== '' && isSafePlain(v)) {
        out.push(' ', v, '\n');
        return true;
      }
      const [first, ...rest] = libraryScalar(v, inList);
      out.push(' ', first, '\n');
      const pad = ' '.repeat(indent);
      for (const line of rest) out.push(line === '' ? '' : pad, line, '\n');
      return true;
    }
    case 'number':
      if (!Number.isSafeInteger(v) || Object.is(v, -0)) throw new Unsupported();
      out.push(' ', String(v), '\n');
      return true;
    case 'boolean':
      out.push(v ? ' true\n' : ' false\n');
      return true;
    default:
      if (v === null) {
        out.push(' null\n');
        return true;
      }
      return false;
  }
}

function writeKey(key: string): string {
  if (!isSafePlain(key)) throw new Unsupported();
  return key;
}

function writeMap(map: Record<string, unknown>, indent: number, out: string[], firstLinePrefix?: string): void {
  const pad = ' '.repeat(indent);
  let first = true;
  for (const key of Object.keys(map)) {
    const v = map[key];
    out.push(first && firstLinePrefix !== undefined ? firstLinePrefix : pad, writeKey(key), ':');
    first = false;
    writeValue(v, indent, false, out);
  }
}

function writeList(list: readonly unknown[], indent: number, out: string[], firstLinePrefix?: string): void {
  const pad = ' '.repeat(indent);
  let first = true;
  for (const item of list) {
    out.push(first && firstLinePrefix !== undefined ? firstLinePrefix : pad, '-');
    first = false;
    writeValue(item, indent, true, out);
  }
}

/**
 * The value after `key:` or `-` (already written at column `indent`): a scalar on the same line,
 * `{}`/`[]` when empty, a nested map or list on the following lines (a list item's first entry
 * shares the dash's line).
 */
function writeValue(v: unknown, indent: number, inList: boolean, out: string[]): void {
  if (writeScalar(v, indent, inList, out)) return;
  if (Array.isArray(v)) {
    if (v.length === 0) out.push(' []\n');
    else if (inList) writeList(v, indent + 2, out, ' ');
    else {
      out.push('\n');
      writeList(v, indent + 2, out);
    }
    return;
  }
  if (isPlainObject(v)) {
    if (Object.keys(v).length === 0) out.push(' {}\n');
    else if (inList) writeMap(v, indent + 2, out, ' ');
    else {
      out.push('\n');
      writeMap(v, indent + 2, out);
    }
    return;
  }
  throw new Unsupported();
}
