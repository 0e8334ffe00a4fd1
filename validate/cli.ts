// `npm run validate -- DIR`: every check of validate/ over the manifests in DIR; exit 1 on any finding.
import { loadConfig } from '../model/load';
import { environmentOptions } from './environment-options';
import type { EnvironmentModel } from '../model/environment';
import { formatFinding } from './findings';
import { defaultOptions, validateDirectory, ValidateOptions } from './index';
import { loadManifestDir } from './manifests';
import { checkPrograms, eventClients, formatResult } from './programs';

const USAGE = `usage: npm run validate -- [--env NAME | --config FILE] [--programs] [--dns-namespace NS] [--dns-label KEY=VALUE]… [--allow-literal-secrets] DIR [DIR…]
  e.g. npm run validate -- dist;  npm run validate -- --env prod --programs dist-prod
  --programs: also run the real programs on what DIR configures (nginx -t and a routed request,
  nats-server -t and every stream and consumer created on a live server, promtool, amtool,
  redis-server), on 127.0.0.1; a program that is not installed is reported SKIPPED, never passed.
  With --env/--config, each declared event subject is also published and pulled.
  --env NAME: the environment DIR was synthesized from, so the Secrets its users create (named and
  placed by its configuration) and its cluster DNS are known; default: the built-in default names.
  --allow-literal-secrets: accept Secrets with data/stringData (only for deliberately encrypted or
  dummy values; by default a Secret in the manifests is a finding: credentials never go in dist/).
  --dns-namespace, --dns-label: where the cluster DNS pods run, when config cluster.dns is not the
  default (kube-system, k8s-app=kube-dns); used to check DNS egress in NetworkPolicies.`;

interface Args {
  dirs: string[];
  dns?: { namespace: string; labels: Record<string, string> };
  help: boolean;
  allowLiteralSecrets: boolean;
  programs: boolean;
  env?: string;
  config?: string;
  error?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { dirs: [], help: false, allowLiteralSecrets: false, programs: false };
  let dnsNamespace: string | undefined;
  const dnsLabels: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') args.help = true;
    else if (a === '--allow-literal-secrets') args.allowLiteralSecrets = true;
    else if (a === '--programs') args.programs = true;
    else if (a === '--dns-namespace') dnsNamespace = argv[++i];
    else if (a === '--env') args.env = argv[++i];
    else if (a === '--config') args.config = argv[++i];
    else if (a === '--dns-label') {
      const [k, v] = (argv[++i] ?? '').split('=');
      if (!k || v === undefined) args.error = `--dns-label needs KEY=VALUE, got "${argv[i]}"`;
      else dnsLabels[k] = v;
    } else if (a.startsWith('-')) args.error = `unknown option ${a}`;
    else args.dirs.push(a);
  }
  if (dnsNamespace || Object.keys(dnsLabels).length > 0) {
    args.dns = { namespace: dnsNamespace ?? 'kube-system', labels: Object.keys(dnsLabels).length ? dnsLabels : { 'k8s-app': 'kube-dns' } };
  }
  return args;
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.error || args.dirs.length === 0) {
    console.error(`${args.error ? `${args.error}\n` : ''}${USAGE}`);
    return 2;
  }
  const dirs = args.dirs;
  let fromEnv: Partial<ValidateOptions> = {};
  let model: EnvironmentModel | undefined;
  if (args.env || args.config) {
    const loaded = loadConfig({ env: args.env, file: args.config });
    model = loaded.model;
    fromEnv = environmentOptions(loaded.model);
  }
  let total = 0;
  for (const dir of dirs) {
    const started = Date.now();
    const report = validateDirectory(dir, { ...defaultOptions(), ...fromEnv, ...(args.dns ? { dns: args.dns } : {}), allowLiteralSecrets: args.allowLiteralSecrets });
    for (const n of report.notes) console.warn(`note: ${n}`);
    for (const f of report.findings) console.log(formatFinding(f));
    console.log(`${dir}: ${report.objects} objects${report.gitopsObjects ? ` (and ${report.gitopsObjects} in gitops/)` : ''}, ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'} (${Date.now() - started} ms)`);
    total += report.findings.length;
    if (args.programs) total += await programs(dir, model);
  }
  return total > 0 ? 1 : 0;
}

/** The real-program checks of one directory; returns how many failed. Skipped ones are listed, never counted as passed. */
async function programs(dir: string, model: EnvironmentModel | undefined): Promise<number> {
  const started = Date.now();
  const objects = loadManifestDir(dir).manifests.map((m) => m.object);
  const results = await checkPrograms(objects, { startNginx: true, eventClients: model ? eventClients(model) : undefined });
  for (const r of results) (r.status === 'skipped' ? console.warn : console.log)(formatResult(r));
  const count = (s: string) => results.filter((r) => r.status === s).length;
  const [passed, failed, skipped] = [count('passed'), count('failed'), count('skipped')];
  console.log(`${dir}: programs: ${passed} passed, ${failed} failed, ${skipped} skipped${skipped ? ' (not run: see SKIPPED above)' : ''}${results.length === 0 ? ' (nothing in the manifests for nginx, nats-server, promtool, amtool or redis-server)' : ''} (${Date.now() - started} ms)`);
  return failed;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 2;
  },
);
