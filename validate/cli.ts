// `npm run validate -- DIR`: every check of validate/ over the manifests in DIR; exit 1 on any finding.
import { loadConfig } from '../config/load';
import { userCreatedSecrets } from '../config/user-secrets';
import { formatFinding } from './findings';
import { defaultOptions, validateDirectory, ValidateOptions } from './index';

const USAGE = `usage: npm run validate -- [--env NAME | --config FILE] [--dns-namespace NS] [--dns-label KEY=VALUE]… [--allow-literal-secrets] DIR [DIR…]
  e.g. npm run validate -- dist;  npm run validate -- --env prod dist-prod
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
  env?: string;
  config?: string;
  error?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { dirs: [], help: false, allowLiteralSecrets: false };
  let dnsNamespace: string | undefined;
  const dnsLabels: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') args.help = true;
    else if (a === '--allow-literal-secrets') args.allowLiteralSecrets = true;
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

function main(argv: string[]): number {
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
  if (args.env || args.config) {
    const config = loadConfig({ env: args.env, file: args.config }).config;
    fromEnv = { userCreated: userCreatedSecrets(config), dns: { namespace: config.cluster.dns.namespace, labels: config.cluster.dns.podLabels } };
  }
  let total = 0;
  for (const dir of dirs) {
    const started = Date.now();
    const report = validateDirectory(dir, { ...defaultOptions(), ...fromEnv, ...(args.dns ? { dns: args.dns } : {}), allowLiteralSecrets: args.allowLiteralSecrets });
    for (const n of report.notes) console.warn(`note: ${n}`);
    for (const f of report.findings) console.log(formatFinding(f));
    console.log(`${dir}: ${report.objects} objects${report.gitopsObjects ? ` (and ${report.gitopsObjects} in gitops/)` : ''}, ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'} (${Date.now() - started} ms)`);
    total += report.findings.length;
  }
  return total > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
