// `npm run auth:lts`: run the auth service tests with the bundle on the Node LTS line the image
// uses (the `node` package of the npm registry ships official Node binaries). Tests run on the
// development Node (20) by default; this shows the same bundle passes on the shipped line.
import { spawnSync } from 'child_process';
import { DEFAULT_AUTH_IMAGE } from '../config/schema/auth';

/** The image's Node line, from its tag (`node:24.19.0-alpine3.24` → 24). */
const major = /^node:([0-9]+)\./.exec(DEFAULT_AUTH_IMAGE)?.[1];
if (!major) throw new Error(`cannot read the Node major version from ${DEFAULT_AUTH_IMAGE}`);
const which = spawnSync('npx', ['--yes', '-p', `node@${major}`, 'node', '-p', 'process.execPath + " " + process.version'], { encoding: 'utf8', timeout: 300_000 });
if (which.status !== 0) {
  console.error(`could not get Node ${major} from the npm registry:\n${which.stderr}`);
  process.exit(1);
}
const [execPath, version] = which.stdout.trim().split(' ');
console.log(`auth service tests on Node ${version} (${execPath})`);
const r = spawnSync('npx', ['jest', 'test/auth-service.test.ts', 'test/auth-hostile.test.ts', 'test/auth-jwks.test.ts', 'test/gateway-auth.test.ts'], { stdio: 'inherit', env: { ...process.env, AUTH_TEST_NODE: execPath } });
process.exit(r.status ?? 1);
