// `npm run test:cluster`: the cluster tier against the cluster in KUBECONFIG (kind, minikube, or a
// control plane from ../shared/tools/control-plane). Without KUBECONFIG it says so and fails: a
// tier that did not run is never reported as passed.
const { spawnSync } = require('child_process');
const { existsSync } = require('fs');

const kubeconfig = process.env.KUBECONFIG;
if (!kubeconfig || !existsSync(kubeconfig)) {
  console.error(
    `test:cluster: ${kubeconfig ? `KUBECONFIG=${kubeconfig} does not exist` : 'KUBECONFIG is not set'}: the cluster tier needs a cluster ` +
      '(kind, minikube, or /work/shared/tools/control-plane/apiserver.sh); nothing was tested.',
  );
  process.exit(2);
}
const r = spawnSync('npx', ['jest', '-c', 'jest.cluster.config.js', '--runInBand', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
