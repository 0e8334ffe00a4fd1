/*
 * A reader for NATS's configuration format, written for the tests from the format's rules (not from
 * our renderer): `key: value`, `key = value` or `key value`; keys bare or quoted; `#` and `//`
 * comments; maps in braces (the top level without); arrays in brackets, items separated by commas
 * or new lines; strings in double quotes with JSON escapes, or bare words; numbers; booleans;
 * `$NAME` variables (returned as `{ variable: NAME }`, never resolved). Includes, size suffixes and
 * single-quoted strings are not read: nats.conf here uses none, and meeting one is an error.
 */

export type ConfValue = string | number | boolean | { readonly variable: string } | ConfValue[] | ConfMap;
export interface ConfMap {
  [key: string]: ConfValue;
}

export function parseNatsConf(text: string): ConfMap {
  let i = 0;
  const fail = (what: string): never => {
    const line = text.slice(0, i).split('\n').length;
    throw new Error(`nats.conf line ${line}: ${what} (at ${JSON.stringify(text.slice(i, i + 30))})`);
  };
  /** Skip blanks and comments; `newlines` false stops at a new line (it separates array items and entries). */
  const skip = (newlines = true) => {
    for (;;) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\r' || (newlines && c === '\n')) i++;
      else if (c === '#' || (c === '/' && text[i + 1] === '/')) while (i < text.length && text[i] !== '\n') i++;
      else return;
    }
  };
  const quoted = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (text[i] !== '"') fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const word = (stop: RegExp): string => {
    const start = i;
    while (i < text.length && !stop.test(text[i])) i++;
    if (i === start) fail('expected a value');
    return text.slice(start, i).trim();
  };
  const key = (): string => (text[i] === '"' ? quoted() : word(/[\s:=]/));
  const value = (): ConfValue => {
    const c = text[i];
    if (c === '{') {
      i++;
      const m = entries('}');
      i++;
      return m;
    }
    if (c === '[') {
      i++;
      const items: ConfValue[] = [];
      for (;;) {
        skip();
        if (text[i] === ']') return i++, items;
        items.push(value());
        skip(false);
        if (text[i] === ',') i++;
      }
    }
    if (c === '"') return quoted();
    if (c === "'") return fail('single-quoted strings are not read');
    if (c === '$') {
      i++;
      return { variable: word(/[^A-Za-z0-9_]/) };
    }
    const w = word(/[\s,;\]}#]/);
    if (w === 'true' || w === 'false') return w === 'true';
    if (/^-?[0-9]+(\.[0-9]+)?$/.test(w)) return Number(w);
    if (/^-?[0-9]+[A-Za-z]+$/.test(w)) return fail(`size or duration suffixes are not read: ${w}`);
    return w;
  };
  const entries = (close: string | undefined): ConfMap => {
    const m: ConfMap = {};
    for (;;) {
      skip();
      if (i >= text.length) return close ? fail(`missing "${close}"`) : m;
      if (text[i] === close) return m;
      const k = key();
      if (k === 'include') fail('include is not read');
      skip(false);
      if (text[i] === ':' || text[i] === '=') i++;
      skip(false);
      if (k in m) fail(`key "${k}" twice`);
      m[k] = value();
      skip(false);
      if (text[i] === ',' || text[i] === ';') i++;
    }
  };
  return entries(undefined);
}
