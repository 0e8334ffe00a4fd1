import { existsSync } from 'fs';
import * as path from 'path';
import { availableEnvironments, ConfigError, outputDirFor } from '../config/load';
import { loadConfig } from '../model/load';

export { outputDirFor };
import { GITOPS_DIR } from '../charts/gitops';
import { buildApp, buildGitOpsApp } from './build-app';
import { publish, publishOptional } from './publish';
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


export interface RunResult {
  readonly exitCode: number;
  readonly files: string[];
}

/** cdk8s.yaml runs the app with this flag: the app is then a child of the cdk8s CLI (see exitCodeFor). */
export const CDK8S_CLI_FLAG = '--cdk8s-cli';

/**
 * The app's process exit code. Under the cdk8s CLI a refusal exits 0 *without creating the output
 * directory* (which the CLI deleted before starting the app): the CLI then prints one line,
 * `ERROR: synthesis failed, app expected to create "…"`, and exits 1. A non-zero exit instead
 * makes the CLI print a Node stack trace under our message. Where the directory exists anyway
 * (`cdk8s synth --stdout` makes a temporary one first), the CLI would take the empty directory for
 * success, so there the refusal keeps its non-zero code and the CLI's trace.
 */
export function exitCodeFor(result: RunResult, env: RunEnv, argv: readonly string[]): number {
  const underCli = argv.includes(CDK8S_CLI_FLAG) && env.CDK8S_OUTDIR !== undefined;
  if (result.exitCode !== 0 && underCli && !existsSync(env.CDK8S_OUTDIR!)) return 0;
  return result.exitCode;
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
    return refuse(new ConfigError('the environment variables', [`CONTAINER_INFRA_ENV="${envName}" and CONTAINER_INFRA_CONFIG="${file}" are both set; set one of them (a named environment, or a configuration file)`]));
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
  const app = buildApp(loaded.config, outdir, loaded.model);
  // Two objects with one identity would leave only the last after `kubectl apply`: never write that.
  const clash = duplicateObjects(app);
  if (clash.length > 0) {
    error(`Refused: the synthesized objects are not unique (a component that did not claim its names in model/claims.ts):\n${clash.map((c) => `  - ${c}`).join('\n')}\nNothing was written.`);
    return { exitCode: 3, files: [] };
  }
  app.synth();
  const gitops = buildGitOpsApp(outdir, app);
  gitops?.synth();
  // The one thing a default install lacks to be complete: say it once, on stderr.
  const note = loaded.config.repository.url === undefined ? [NO_REPOSITORY_NOTE] : [];

  // An explicit `cdk8s synth -o DIR` writes straight to DIR; the staging area is published.
  if (!staged) {
    log(`Synthesized ${loaded.source} into ${outdir}/ (cdk8s synth -o)`);
    note.forEach((n) => log(n));
    return { exitCode: 0, files: [] };
  }
  const files = publish(outdir, target);
  const gitopsFiles = publishOptional(path.join(outdir, GITOPS_DIR), path.join(target, GITOPS_DIR));
  log(`Synthesized ${loaded.source} into ${target}/ (${files.length} files${gitopsFiles.length ? `, and ${gitopsFiles.length} in ${target}/${GITOPS_DIR}/ for ${loaded.model.gitops.tool}` : ''})`);
  note.forEach((n) => log(n));
  return { exitCode: 0, files: [...files, ...gitopsFiles] };
}

/** Printed when the configuration names no repository: what is missing because of it, and where to read on. */
export const NO_REPOSITORY_NOTE = 'Note: repository.url is not set, so no Jenkins pipeline job and no GitOps objects were generated (set it to your copy of this repository; docs/gitops.md).';

/** `dist/` and `dist-<name>/` in the project: the folders of named environments, present or to come. */
const ENVIRONMENT_FOLDER = /^dist(-.+)?$/;

/**
 * Where the manifests go. A named environment: `dist/` or `dist-<env>/`, or CONTAINER_INFRA_OUT.
 * A configuration file: only where CONTAINER_INFRA_OUT says, never a folder derived from the
 * file's name. CONTAINER_INFRA_OUT may not be, or be inside, `dist/` or a `dist-<name>/` folder
 * (except the named environment's own), nor the staging directory the CLI deletes on every run.
 */
export function publishTarget(file: string | undefined, env: string | undefined, out: string | undefined, cwd = process.cwd()): string {
  const source = file ?? `environment "${env}"`;
  if (file && !out) {
    throw new ConfigError(file, [
      'CONTAINER_INFRA_OUT: required with CONTAINER_INFRA_CONFIG; name the folder to write, e.g. CONTAINER_INFRA_OUT=out/my-env (dist/ and dist-<env>/ belong to the named environments)',
    ]);
  }
  const own = file || env === undefined ? undefined : outputDirFor(env);
  const target = out ?? own;
  if (target === undefined) throw new Error('no environment and no CONTAINER_INFRA_OUT');
  const rel = path.relative(cwd, path.resolve(cwd, target));
  const [top] = rel.split(path.sep);
  const allowed = `allowed: a folder outside dist/, dist-*/ and ${STAGING_DIR}/, such as out/${env ?? 'my-env'}${own ? `, or ${own}/ itself` : ''}`;
  const refuse = (why: string) => new ConfigError(source, [`CONTAINER_INFRA_OUT: "${out}" ${why}; ${allowed}`]);
  if (top === STAGING_DIR) throw refuse(`is the staging directory, which \`cdk8s synth\` deletes on every run`);
  if (rel !== own && ENVIRONMENT_FOLDER.test(top)) {
    const owner = availableEnvironments().find((e) => outputDirFor(e) === top);
    if (rel !== top) throw refuse(`is inside ${top}/, which holds ${owner ? `the environment "${owner}"` : 'a named environment'}'s manifests (a GitOps controller applies its subfolders too)`);
    throw refuse(owner ? `is the output folder of the environment "${owner}"` : `is named like the output folder of an environment (dist/ and dist-<name>/ belong to config/environments/<name>.yaml)`);
  }
  return target;
}
