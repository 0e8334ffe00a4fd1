import { checkSchema, ConfigError, describeProblem, LoadOptions, readConfigFile, readConfigSource } from '../config/load';
import type { Config } from '../config/schema';
import { modelProblems } from './check';
import type { EnvironmentModel } from './environment';
import { resolve } from './resolve';

/** A configuration accepted by every check, and the environment it resolves to. */
export interface LoadedConfig {
  readonly config: Config;
  readonly model: EnvironmentModel;
  /** What the configuration came from, for messages. */
  readonly source: string;
  /** The named environment; undefined for a configuration file (whatever the file is called). */
  readonly env?: string;
}

/** Loads an environment (by name) or a configuration file, checks it and resolves its model. */
export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const { data, source, env } = readConfigSource(options);
  const model = parseModel(data, source);
  return { config: model.config, model, source, ...(env !== undefined ? { env } : {}) };
}

export function parseConfigFile(file: string): Config {
  return parseConfig(readConfigFile(file), file);
}

/** Configuration data checked by the schema and on its resolved model; a ConfigError lists every problem. */
export function parseConfig(data: unknown, source: string): Config {
  return parseModel(data, source).config;
}

export function parseModel(data: unknown, source: string): EnvironmentModel {
  const model = resolve(checkSchema(data, source));
  const problems = modelProblems(model);
  if (problems.length > 0) throw new ConfigError(source, problems.map((p) => describeProblem(p.path, p.message, data)));
  return model;
}
