/**
 * nginx configuration as data. The gateway chart builds a tree of directives; tests inspect the
 * tree, and `renderNginx` writes it once, for the ConfigMap and for `nginx -t`.
 */
export type NginxDirective = NginxSimple | NginxBlock;

export interface NginxSimple {
  readonly name: string;
  readonly args: readonly string[];
}

export interface NginxBlock {
  readonly name: string;
  readonly args: readonly string[];
  readonly children: readonly NginxDirective[];
}

export function d(name: string, ...args: Array<string | number>): NginxSimple {
  return { name, args: args.map(String) };
}

export function block(name: string, args: Array<string | number>, children: NginxDirective[]): NginxBlock {
  return { name, args: args.map(String), children };
}

export function isBlock(x: NginxDirective): x is NginxBlock {
  return 'children' in x;
}

/** Quote an argument when nginx would otherwise split or misread it. */
function arg(a: string): string {
  if (a !== '' && /^[^\s;'"{}#\\]+$/.test(a)) return a;
  return `'${a.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function renderNginx(directives: readonly NginxDirective[], depth = 0): string {
  const pad = '    '.repeat(depth);
  return directives
    .map((x) => {
      const head = [x.name, ...x.args.map(arg)].join(' ');
      if (!isBlock(x)) return `${pad}${head};\n`;
      return `${pad}${head} {\n${renderNginx(x.children, depth + 1)}${pad}}\n`;
    })
    .join('');
}

/** Every directive named `name`, at any depth. */
export function findDirectives(directives: readonly NginxDirective[], name: string): NginxDirective[] {
  return directives.flatMap((x) => [...(x.name === name ? [x] : []), ...(isBlock(x) ? findDirectives(x.children, name) : [])]);
}
