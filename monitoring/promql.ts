/**
 * Metric names a PromQL expression reads, found by a small lexer instead of a regular expression
 * over the whole text: label names (inside `{}` and after by/without/on/ignoring/group_*),
 * function and aggregation names, keywords, durations, numbers, strings and Grafana variables
 * look like identifiers but are not metrics. Used to prove every dashboard query reads a metric
 * the scrape configuration collects (see monitoring/metric-catalog.ts).
 */

type Token =
  | { kind: 'ident'; text: string; pos: number }
  | { kind: 'string'; text: string; pos: number }
  | { kind: 'number'; text: string; pos: number }
  | { kind: 'variable'; text: string; pos: number }
  | { kind: 'punct'; text: string; pos: number };

/** Aggregation operators: they may be followed by a grouping clause before their parenthesis. */
const AGGREGATIONS = new Set([
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile',
  'limitk', 'limit_ratio',
]);
/** Clauses followed by a parenthesised list of label names. */
const LABEL_LIST_CLAUSES = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
/** Words that are never metric names where they stand. */
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan']);

export class PromqlSyntaxError extends Error {
  constructor(expr: string, pos: number, what: string) {
    super(`${what} at offset ${pos} in PromQL: ${expr}`);
    this.name = 'PromqlSyntaxError';
  }
}

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < expr.length && expr[i] !== '\n') i++;
    } else if (c === '"' || c === "'" || c === '`') {
      const start = i++;
      while (i < expr.length && expr[i] !== c) i += c !== '`' && expr[i] === '\\' ? 2 : 1;
      if (i >= expr.length) throw new PromqlSyntaxError(expr, start, 'unterminated string');
      i++;
      tokens.push({ kind: 'string', text: expr.slice(start, i), pos: start });
    } else if (c === '$') {
      // Grafana template variables: $var, ${var}, ${var:format}, $__rate_interval.
      const m = /^\$(\{[A-Za-z0-9_:.]+\}|[A-Za-z0-9_]+)/.exec(expr.slice(i));
      if (!m) throw new PromqlSyntaxError(expr, i, 'malformed Grafana variable');
      tokens.push({ kind: 'variable', text: m[0], pos: i });
      i += m[0].length;
    } else if (/[0-9.]/.test(c) && /^\.?[0-9]/.test(expr.slice(i, i + 2))) {
      // Numbers, hex, exponents and durations (5m, 1h30m, 250ms) are one token.
      const m = /^(0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?([a-zA-Z]+[0-9]*)*)/.exec(expr.slice(i))!;
      tokens.push({ kind: 'number', text: m[0], pos: i });
      i += m[0].length;
    } else if (/[A-Za-z_:]/.test(c)) {
      const m = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(expr.slice(i))!;
      tokens.push({ kind: 'ident', text: m[0], pos: i });
      i += m[0].length;
    } else {
      const two = expr.slice(i, i + 2);
      const op = ['==', '!=', '>=', '<=', '=~', '!~'].includes(two) ? two : c;
      if (!'(){}[],+-*/%^=<>!@:'.includes(op[0])) throw new PromqlSyntaxError(expr, i, `unexpected character "${c}"`);
      tokens.push({ kind: 'punct', text: op, pos: i });
      i += op.length;
    }
  }
  return tokens;
}

/** The index of the token that closes the bracket opened at `open`. */
function closing(tokens: Token[], open: number, expr: string): number {
  const pairs: Record<string, string> = { '(': ')', '{': '}', '[': ']' };
  const stack: string[] = [];
  for (let j = open; j < tokens.length; j++) {
    const t = tokens[j];
    if (t.kind !== 'punct') continue;
    if (pairs[t.text]) stack.push(pairs[t.text]);
    else if (t.text === ')' || t.text === '}' || t.text === ']') {
      if (stack.pop() !== t.text) throw new PromqlSyntaxError(expr, t.pos, `unbalanced "${t.text}"`);
      if (stack.length === 0) return j;
    }
  }
  throw new PromqlSyntaxError(expr, tokens[open].pos, `unclosed "${tokens[open].text}"`);
}

function checkBalanced(tokens: Token[], expr: string): void {
  const pairs: Record<string, string> = { '(': ')', '{': '}', '[': ']' };
  const stack: Token[] = [];
  for (const t of tokens) {
    if (t.kind !== 'punct') continue;
    if (pairs[t.text]) stack.push(t);
    else if (t.text === ')' || t.text === '}' || t.text === ']') {
      const open = stack.pop();
      if (!open || pairs[open.text] !== t.text) throw new PromqlSyntaxError(expr, t.pos, `unbalanced "${t.text}"`);
    }
  }
  if (stack.length > 0) throw new PromqlSyntaxError(expr, stack[stack.length - 1].pos, `unclosed "${stack[stack.length - 1].text}"`);
}

/** Every metric name the expression selects, sorted and without duplicates. */
export function metricNames(expr: string): string[] {
  const tokens = tokenize(expr);
  checkBalanced(tokens, expr);
  const names = new Set<string>();
  const next = (j: number) => tokens[j + 1];
  for (let j = 0; j < tokens.length; j++) {
    const t = tokens[j];
    if (t.kind === 'punct' && t.text === '{') {
      // Label matchers: only `__name__="metric"` names a metric.
      const end = closing(tokens, j, expr);
      for (let k = j + 1; k < end; k++) {
        const [label, op, value] = [tokens[k], tokens[k + 1], tokens[k + 2]];
        if (label.kind === 'ident' && label.text === '__name__' && op?.text === '=' && value?.kind === 'string') {
          names.add(value.text.slice(1, -1));
        }
      }
      j = end;
    } else if (t.kind === 'punct' && t.text === '[') {
      j = closing(tokens, j, expr); // range or subquery: durations and variables only
    } else if (t.kind === 'ident') {
      const word = t.text.toLowerCase();
      const after = next(j);
      if (LABEL_LIST_CLAUSES.has(word)) {
        if (after?.kind === 'punct' && after.text === '(') j = closing(tokens, j + 1, expr);
      } else if (AGGREGATIONS.has(word) || KEYWORDS.has(word)) {
        // not a metric
      } else if (after?.kind === 'punct' && after.text === '(') {
        // a function call such as rate( or histogram_quantile(
      } else if (tokens[j - 1]?.kind === 'punct' && tokens[j - 1].text === '@') {
        // `@ start()` / `@ end()` modifiers are caught above; anything else after @ is invalid
        throw new PromqlSyntaxError(expr, t.pos, `unexpected "${t.text}" after @`);
      } else {
        names.add(t.text);
      }
    }
  }
  return [...names].sort();
}
