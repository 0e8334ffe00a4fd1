// `npm run bench:auth` (also the last case of `npm run bench`): what the auth check costs.
// Reported, never asserted (timings depend on the machine and its load):
//  - the latency auth_request adds through the generated nginx.conf on a real nginx (loopback):
//    the same stub upstream behind a public route and behind a protected one, requests in turn;
//  - tokens validated per second by one auth process (the shipped bundle), /validate over HTTP
//    with keep-alive from a few concurrent clients.
// AUTH_TEST_NODE picks the Node binary for the auth process (default: this one);
// BENCH_AUTH_ALGORITHM the signing algorithm (default: the environment's, ES256).
import * as http from 'http';
import { cpus, loadavg } from 'os';
import * as path from 'path';
import { writeFileSync } from 'fs';
import { resolve } from '../model/resolve';
import { parseConfig } from '../model/load';
import { AUTH_NODE, getToken, startAuth, writeBundle } from '../test/support/auth-service';
import { startGateway, startStub } from '../test/support/gateway-on-nginx';
import { spawnSync } from 'child_process';
import { generateKeyPairSync } from 'crypto';

const ROUNDS = Number(process.env.BENCH_AUTH_ROUNDS ?? 3000);
const VALIDATE_SECONDS = Number(process.env.BENCH_AUTH_SECONDS ?? 5);
const CONCURRENCY = 8;
const RESULTS = path.join(__dirname, '..', 'bench', 'auth-results.json');

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function timedGet(port: number, urlPath: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, headers, agent, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode! < 300 ? resolve(Number(process.hrtime.bigint() - start) / 1e6) : reject(new Error(`${urlPath}: ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

async function main(): Promise<void> {
  const config = parseConfig({}, '(bench)');
  const bundle = writeBundle();
  // The environment's signing algorithm (ES256 by default), with a fresh key of the right kind.
  const algorithm = (process.env.BENCH_AUTH_ALGORITHM as typeof config.auth.signingAlgorithm | undefined) ?? config.auth.signingAlgorithm;
  const key =
    algorithm === 'HS256'
      ? 'k'.repeat(40)
      : (algorithm === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) : generateKeyPairSync('ed25519')).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const auth = await startAuth(bundle.file, { kids: ['key-1'], keys: { 'key-1': key }, settings: { algorithm } });
  const stub = await startStub('stub');
  const routes = resolve(config).gateway.routes.map((r) => ({ ...r, port: stub.port }));
  const protectedRoute = routes.find((r) => r.auth)!;
  const publicRoute = routes.find((r) => !r.auth)!;
  const gwAuth = { ...resolve(config).gateway.auth!, port: auth.port };
  const gw = await startGateway({ routes, auth: gwAuth, resolvable: [...routes.map((r) => r.host), gwAuth.host] });
  try {
    const token = await getToken(auth.port);
    const bearer = { authorization: `Bearer ${token}` };
    // Warm up both paths (DNS cache, connections, JIT).
    for (let i = 0; i < 300; i++) {
      await timedGet(gw.port, `/${publicRoute.prefix}/`, bearer);
      await timedGet(gw.port, `/${protectedRoute.prefix}/`, bearer);
    }
    const pub: number[] = [];
    const prot: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      pub.push(await timedGet(gw.port, `/${publicRoute.prefix}/`, bearer));
      prot.push(await timedGet(gw.port, `/${protectedRoute.prefix}/`, bearer));
    }
    pub.sort((a, b) => a - b);
    prot.sort((a, b) => a - b);

    // Validations per second: one auth process, CONCURRENCY keep-alive clients in this process.
    let done = 0;
    const until = Date.now() + VALIDATE_SECONDS * 1000;
    const cpuBefore = process.cpuUsage();
    const startedAt = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < until) {
          await timedGet(auth.port, '/validate', { ...bearer, 'x-auth-required-scope': protectedRoute.auth?.scope ?? '' });
          done++;
        }
      }),
    );
    const seconds = (Date.now() - startedAt) / 1000;
    const clientCpu = process.cpuUsage(cpuBefore);
    const result = {
      measuredAt: new Date().toISOString(),
      machine: { nproc: cpus().length, cpuModel: cpus()[0]?.model, loadAverage1m: round(loadavg()[0], 2) },
      authNode: spawnSync(AUTH_NODE, ['--version'], { encoding: 'utf8' }).stdout.trim(),
      algorithm,
      rounds: ROUNDS,
      publicMs: { p50: round(quantile(pub, 0.5)), p99: round(quantile(pub, 0.99)) },
      protectedMs: { p50: round(quantile(prot, 0.5)), p99: round(quantile(prot, 0.99)) },
      addedByAuthMs: { p50: round(quantile(prot, 0.5) - quantile(pub, 0.5)), p99: round(quantile(prot, 0.99) - quantile(pub, 0.99)) },
      validationsPerSecond: Math.round(done / seconds),
      validateClients: CONCURRENCY,
      loadGeneratorCpuSeconds: round((clientCpu.user + clientCpu.system) / 1e6, 2),
      goals: { addedP50Ms: 1, validationsPerSecond: 5000 },
    };
    writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    console.log('| auth case | p50 | p99 |\n|---|---|---|');
    console.log(`| public route through nginx | ${result.publicMs.p50} ms | ${result.publicMs.p99} ms |`);
    console.log(`| protected route (auth_request) | ${result.protectedMs.p50} ms | ${result.protectedMs.p99} ms |`);
    console.log(`| added by auth_request | ${result.addedByAuthMs.p50} ms | ${result.addedByAuthMs.p99} ms |`);
    console.log(`\nvalidations per second, one auth process (${result.authNode}, ${algorithm}), ${CONCURRENCY} keep-alive clients: ${result.validationsPerSecond}`);
    console.log(`(the load generator shared the machine: ${result.loadGeneratorCpuSeconds} CPU s in ${round(seconds, 1)} s; load ${result.machine.loadAverage1m} on ${result.machine.nproc} CPUs)`);
    console.log(`Goals (not asserted): added p50 <= ${result.goals.addedP50Ms} ms, >= ${result.goals.validationsPerSecond} validations/s. Figures written to ${path.relative(process.cwd(), RESULTS)}`);
  } finally {
    agent.destroy();
    await gw.close();
    await auth.close();
    await new Promise<void>((resolve) => stub.server.close(() => resolve()));
    bundle.cleanup();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
