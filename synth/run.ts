import * as path from 'path';
import { availableEnvironments, ConfigError, DEFAULT_ENVIRONMENT, loadConfig } from '../config/load';
import { buildApp } from './build-app';
import { publish } from './publish';
import { duplicateObjects } from './unique-objects';

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
  /** Path of a configuration file, instead of a named environment (needs CONTAINER_INFRA_OUT). */
  readonly CONTAINER_INFRA_CONFIG?: string;
  /** Where to publish the manifests; default `dist/` or `dist-<env>/` for a named environment. */
  readonly CONTAINER_INFRA_OUT?: string;
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

/** Messages for the user go to stderr: the cdk8s CLI captures the app's stdout and shows none of it. */
const toStderr = (msg: string) => process.stderr.write(`${msg}\n`);

export function run(env: RunEnv, log: (msg: string) => void = toStderr, error: (msg: string) => void = toStderr): RunResult {
  const refuse = (err: ConfigError): RunResult => {
    error(`${err.message}\nNothing was written; the existing output directory is unchanged.`);
    return { exitCode: 2, files: [] };
  };
  const envName = env.CONTAINER_INFRA_ENV || undefined;
  const file = env.CONTAINER_INFRA_CONFIG || undefined;
  if (envName && file) {
    return refuse(new ConfigError('the environment', [`CONTAINER_INFRA_ENV="${envName}" and CONTAINER_INFRA_CONFIG="${file}" are both set; set one of them (a named environment, or a configuration file)`]));
  }
  let loaded;
  try {
    loaded = loadConfig({ env: envName, file });
  } catch (err) {
    if (err instanceof ConfigError) return refuse(err);
    throw err;
  }

  const outdir = env.CDK8S_OUTDIR ?? STAGING_DIR;
  const staged = path.resolve(outdir) === path.resolve(STAGING_DIR);
  let target = '';
  if (staged) {
    try {
      target = publishTarget(file, loaded.env, env.CONTAINER_INFRA_OUT || undefined);
    } catch (err) {
      if (err instanceof ConfigError) return refuse(err);
      throw err;
    }
  }
  const app = buildApp(loaded.config, outdir);
  // Two objects with one identity would leave only the last after `kubectl apply`: never write that.
  const clash = duplicateObjects(app);
  if (clash.length > 0) {
    error(`Refused: the synthesized objects are not unique (a component that did not claim its names in config/claims.ts):\n${clash.map((c) => `  - ${c}`).join('\n')}\nNothing was written.`);
    return { exitCode: 3, files: [] };
  }
  app.synth();

  // An explicit `cdk8s synth -o DIR` writes straight to DIR; the staging area is published.
  if (!staged) {
    log(`Synthesized ${loaded.source} into ${outdir}/ (cdk8s synth -o)`);
    return { exitCode: 0, files: [] };
  }
  const files = publish(outdir, target);
  log(`Synthesized ${loaded.source} into ${target}/ (${files.length} files)`);
  return { exitCode: 0, files };
}

/**
 * Where the manifests go. A named environment: `dist/` or `dist-<env>/`, or CONTAINER_INFRA_OUT.
 * A configuration file: only where CONTAINER_INFRA_OUT says, never a folder derived from the file's
 * name. No run writes into another named environment's folder.
 */
export function publishTarget(file: string | undefined, env: string, out: string | undefined): string {
  if (file && !out) {
    throw new ConfigError(file, [
      'CONTAINER_INFRA_OUT: required with CONTAINER_INFRA_CONFIG; name the folder to write, e.g. CONTAINER_INFRA_OUT=out/my-env (dist/ and dist-<env>/ belong to the named environments)',
    ]);
  }
  const target = out ?? outputDirFor(env);
  for (const other of availableEnvironments()) {
    if ((file || other !== env) && path.resolve(target) === path.resolve(outputDirFor(other))) {
      throw new ConfigError(file ?? `environment "${env}"`, [
        `CONTAINER_INFRA_OUT: "${out}" is the output folder of the environment "${other}"; choose another folder (allowed: anything but ${availableEnvironments().map((e) => `${outputDirFor(e)}/`).join(', ')}${file ? '' : `, except ${outputDirFor(env)}/`})`,
      ]);
    }
  }
  return target;
}
