import * as path from 'path';
import { ConfigError, DEFAULT_ENVIRONMENT, loadConfig } from '../config/load';
import { buildApp } from './build-app';
import { publish } from './publish';

/**
 * Where `cdk8s synth` writes when no `-o` is given (cdk8s.yaml `output`). The CLI deletes that
 * directory before it runs the app, so it is a staging area: the app validates the configuration
 * first and only then replaces the manifests in the real output directory. Bad input therefore
 * leaves an existing dist/ exactly as it was.
 */
export const STAGING_DIR = '.cdk8s-staging';

export interface RunEnv {
  /** Environment name (config/environments/<name>.yaml, or "default"). */
  readonly CONTAINER_INFRA_ENV?: string;
  /** Path of a configuration file, instead of a named environment. */
  readonly CONTAINER_INFRA_CONFIG?: string;
  /** Set by `cdk8s synth`: the staging directory, or the directory given with `-o`. */
  readonly CDK8S_OUTDIR?: string;
}

/** The published output directory: `dist/` for the default environment, `dist-<env>/` otherwise. */
export function outputDirFor(env: string): string {
  return env === DEFAULT_ENVIRONMENT ? 'dist' : `dist-${env}`;
}

export interface RunResult {
  readonly exitCode: number;
  readonly files: string[];
}

export function run(env: RunEnv, log: (msg: string) => void = console.log, error: (msg: string) => void = console.error): RunResult {
  let loaded;
  try {
    loaded = loadConfig({ env: env.CONTAINER_INFRA_ENV || undefined, file: env.CONTAINER_INFRA_CONFIG || undefined });
  } catch (err) {
    if (err instanceof ConfigError) {
      error(`${err.message}\nNothing was written; the existing output directory is unchanged.`);
      return { exitCode: 2, files: [] };
    }
    throw err;
  }

  const outdir = env.CDK8S_OUTDIR ?? STAGING_DIR;
  buildApp(loaded.config, outdir).synth();

  // An explicit `cdk8s synth -o DIR` writes straight to DIR; the staging area is published.
  if (path.resolve(outdir) !== path.resolve(STAGING_DIR)) {
    return { exitCode: 0, files: [] };
  }
  const target = outputDirFor(loaded.env);
  const files = publish(outdir, target);
  log(`Synthesized ${loaded.source} into ${target}/ (${files.length} files)`);
  return { exitCode: 0, files };
}
