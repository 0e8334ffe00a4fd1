import { kubectl } from './kube';

/**
 * The cluster tier needs a cluster: without KUBECONFIG, or when its API server does not answer,
 * it stops here and says so (a non-zero exit, never a quiet skip).
 */
export default function requireCluster(): void {
  const stop = (why: string): never => {
    // One clear line, not a stack trace; non-zero, so a missing cluster never passes as green.
    process.stderr.write(`\ntest:cluster: ${why}. Nothing was run.\n`);
    process.exit(2);
  };
  const config = process.env.KUBECONFIG;
  if (!config) stop('needs a cluster: set KUBECONFIG to a throw-away cluster (kind, minikube, or the control plane of ../shared/tools/control-plane/)');
  const r = kubectl(['version', '-o', 'json', '--request-timeout=30s']);
  if (r.status !== 0 || !/"serverVersion"/.test(r.stdout)) {
    stop(`the API server of KUBECONFIG=${config} does not answer (kubectl version: ${(r.stderr || r.stdout).trim().split('\n')[0]})`);
  }
}
