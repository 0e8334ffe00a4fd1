import { existsSync, readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { Config, configSchema } from './schema';

/** The environment built into the code: every value comes from the schema defaults. */
export const DEFAULT_ENVIRONMENT = 'default';

/** Where an environment's manifests are published: `dist/` for the default, `dist-<env>/` otherwise. */
export function outputDirFor(env: string): string {
  return env === DEFAULT_ENVIRONMENT ? 'dist' : `dist-${env}`;
}

// Resolved from the project root, not `__dirname` alone: the app also runs as one bundle in build/
// (synth/launch.cjs), where `__dirname` is build/ and config/../config = build/../config.
export const ENVIRONMENTS_DIR = path.resolve(__dirname, '..', 'config', 'environments');

/** Bad configuration: the message names the file, each field path and what is allowed. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Invalid configuration in ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function availableEnvironments(dir = ENVIRONMENTS_DIR): string[] {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml')) : [];
  return [DEFAULT_ENVIRONMENT, ...files.map((f) => f.slice(0, -'.yaml'.length)).filter((e) => e !== DEFAULT_ENVIRONMENT).sort()];
}

/** Where an environment's file lives, relative to the working directory for readable messages. */
export function environmentFile(env: string, dir = ENVIRONMENTS_DIR): string {
  return path.relative(process.cwd(), path.join(dir, `${env}.yaml`)) || `${env}.yaml`;
}

export interface LoadOptions {
  /** Environment name: "default" (embedded) or a file in config/environments/. */
  readonly env?: string;
  /** Path of a configuration file; wins over `env`. */
  readonly file?: string;
  readonly environmentsDir?: string;
}

export interface LoadedConfig {
  readonly config: Config;
  /** What the configuration came from, for messages. */
  readonly source: string;
  /** The named environment; undefined for a configuration file (whatever the file is called). */
  readonly env?: string;
}

export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const dir = options.environmentsDir ?? ENVIRONMENTS_DIR;
  if (options.file) {
    // No environment name from the file's name: a file called prod.yml is not the prod environment.
    return { config: parseConfigFile(options.file), source: options.file };
  }
  const env = options.env ?? DEFAULT_ENVIRONMENT;
  if (env === DEFAULT_ENVIRONMENT) {
    return { config: parseConfig({}, '(embedded default environment)'), source: '(embedded default environment)', env };
  }
  const known = availableEnvironments(dir);
  if (!known.includes(env)) {
    throw new ConfigError(`environment "${env}"`, [
      `unknown environment "${env}"; allowed: ${known.map((e) => `"${e}"`).join(', ')} (files in ${path.relative(process.cwd(), dir) || dir}/)`,
    ]);
  }
  const file = environmentFile(env, dir);
  return { config: parseConfigFile(file), source: file, env };
}

export function parseConfigFile(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not a file' : code ?? (err as Error).message;
    throw new ConfigError(file, [`cannot read the file (${why}); looked for ${path.resolve(file)}`]);
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => `malformed YAML: ${e.message.split('\n')[0]}`),
    );
  }
  const data = doc.toJS() ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(file, [`(root): must be a mapping of configuration keys, got ${Array.isArray(data) ? 'a list' : typeof data}`]);
  }
  return parseConfig(data, file);
}

export function parseConfig(data: unknown, source: string): Config {
  const result = configSchema.safeParse(data);
  if (!result.success) {
    throw new ConfigError(source, result.error.issues.map((issue) => describeIssue(issue, data)));
  }
  return result.data;
}

/** `services[1].autoscaling.minReplicas` */
export function formatPath(p: ReadonlyArray<PropertyKey>): string {
  if (p.length === 0) return '(root)';
  return p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}

/** Keys that moved to another place: the message says where, not only that the key is unknown. */
const MOVED_KEYS: Record<string, string> = {
  'jenkins.job.repositoryUrl': 'repository.url (shared by the Jenkins job and the GitOps objects)',
  'jenkins.job.branch': 'repository.revision (shared by the Jenkins job and the GitOps objects)',
};

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeys(issue.path);
    return issue.keys
      .map((k) => formatPath([...issue.path, k]))
      .map((p) => `${p}: unknown key${MOVED_KEYS[p] ? `; it moved to ${MOVED_KEYS[p]}` : ''}${allowed ? `; allowed keys here: ${allowed.join(', ')}` : ''}`)
      .join('\n  - ');
  }
  if (issue.code === 'invalid_key') {
    // The key itself is wrong: say what keys may be (the key schema's messages), not "Invalid key in record".
    const key = issue.path[issue.path.length - 1];
    return `${formatPath(issue.path)}: the key ${JSON.stringify(String(key))} ${issue.issues.map((i) => i.message).join('; ')}`;
  }
  const got = valueAt(input, issue.path);
  const shown = got === undefined ? '' : ` (got ${JSON.stringify(got)})`;
  const message = issue.message.replace('expected int,', 'expected a whole number (integer),');
  return `${formatPath(issue.path)}: ${message}${shown}`;
}

function valueAt(input: unknown, p: ReadonlyArray<PropertyKey>): unknown {
  let v: unknown = input;
  for (const k of p) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return typeof v === 'object' ? undefined : v;
}

/** The keys the schema accepts at a path, so an unknown key's message can list them. */
function allowedKeys(p: ReadonlyArray<PropertyKey>): string[] | undefined {
  let s: z.core.$ZodType | undefined = configSchema;
  for (const k of [...p, null]) {
    // Look through default/optional/pipe wrappers to the object or array they hold.
    for (let guard = 0; s && guard < 10; guard++) {
      const def = s._zod.def as unknown as Record<string, unknown>;
      const inner = (def.innerType ?? def.in) as z.core.$ZodType | undefined;
      if (!inner) break;
      s = inner;
    }
    if (!s || k === null) break;
    const def = s._zod.def as unknown as Record<string, unknown>;
    if (typeof k === 'number') s = def.element as z.core.$ZodType | undefined;
    else s = (def.shape as Record<string, z.core.$ZodType> | undefined)?.[String(k)];
  }
  const shape = s ? ((s._zod.def as unknown as Record<string, unknown>).shape as Record<string, unknown> | undefined) : undefined;
  return shape ? Object.keys(shape) : undefined;
}
