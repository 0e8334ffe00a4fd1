import { performance } from 'perf_hooks';
import { checkFlows, FlowOptions } from './flows';
import { checkGitOpsFolder } from './gitops';
import { Finding, sortFindings } from './findings';
import { loadManifestDir, Manifest } from './manifests';
import { checkPodSecurity } from './pod-security';
import { checkRbac } from './rbac';
import { checkNamespaces } from './namespaces';
import { checkReferences } from './references';
import { checkSchemas, SchemaOptions } from './schema';
import { checkSizes } from './size';
import { BuiltinService, checkUrls } from './urls';
import { checkContainers } from './containers';
import { checkDuplicates } from './duplicates';
import { checkEmptyLists } from './empty-lists';
import { checkLabels } from './labels';
import { checkObjectNames } from './object-names';
import { checkResources } from './resources';
import { checkSecrets, SecretOptions } from './secrets';
import { checkSystemNamespaces } from './system-namespaces';
import { defaultUserCreated, UserCreatedObject } from './user-created';

/**
 * The whole validation: everything a cluster and the real tools would object to, over any set of
 * manifests (whatever charts produced them).
 */
export interface ValidateOptions extends SchemaOptions, FlowOptions, SecretOptions {
  readonly userCreated?: readonly UserCreatedObject[];
  /** Services the cluster has that no manifest creates (default: `kubernetes` and `kube-system/kube-dns`). */
  readonly builtinServices?: readonly BuiltinService[];
}

export interface ValidationReport {
  readonly findings: Finding[];
  readonly notes: string[];
  readonly objects: number;
  /** Objects in `<dir>/gitops/` (validateDirectory only). */
  readonly gitopsObjects?: number;
}

let timings: Record<string, number> = {};

/** Milliseconds each check took in the last validateManifests call (for the benchmark). */
export function lastTimings(): Record<string, number> {
  return { ...timings };
}

function timed<T>(name: string, run: () => T): T {
  const start = performance.now();
  try {
    return run();
  } finally {
    timings[name] = performance.now() - start;
  }
}

export function validateManifests(manifests: readonly Manifest[], options: ValidateOptions = {}): ValidationReport {
  const userCreated = options.userCreated ?? defaultUserCreated();
  timings = {};
  const schema = timed('schema', () => checkSchemas(manifests, options));
  const findings = [
    ...schema.findings,
    ...timed('namespaces', () => checkNamespaces(manifests)),
    ...timed('references', () => checkReferences(manifests, { userCreated })),
    ...timed('urls', () => checkUrls(manifests, options.builtinServices)),
    ...timed('network-policy', () => checkFlows(manifests, options)),
    ...timed('pod-security', () => checkPodSecurity(manifests)),
    ...timed('rbac', () => checkRbac(manifests, userCreated)),
    ...timed('size', () => checkSizes(manifests)),
    ...timed('secrets', () => checkSecrets(manifests, options)),
    ...timed('duplicates', () => checkDuplicates(manifests)),
    ...timed('empty-lists', () => checkEmptyLists(manifests)),
    ...timed('names', () => checkObjectNames(manifests)),
    ...timed('resources', () => checkResources(manifests)),
    ...timed('containers', () => checkContainers(manifests)),
    ...timed('labels', () => checkLabels(manifests)),
    ...timed('system-namespaces', () => checkSystemNamespaces(manifests)),
  ];
  return { findings: sortFindings(findings), notes: schema.notes, objects: manifests.length };
}

/**
 * Options for a command-line or test run. The definitions ship with the project, so a missing one
 * is a failure everywhere (not only in CI); `env` stays for callers that pass it.
 */
export function defaultOptions(_env: NodeJS.ProcessEnv = process.env): ValidateOptions {
  return { requireDefinitions: true };
}

export function validateDirectory(dir: string, options: ValidateOptions = defaultOptions()): ValidationReport {
  const loaded = loadManifestDir(dir);
  const report = validateManifests(loaded.manifests, options);
  // <dir>/gitops/ (Argo CD or Flux objects): against the shipped CRDs and the manifests above.
  const gitops = checkGitOpsFolder(dir, loaded.manifests);
  return { ...report, findings: sortFindings([...loaded.findings, ...report.findings, ...gitops.findings]), gitopsObjects: gitops.objects };
}
