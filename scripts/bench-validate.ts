// Benchmark of the validator (not a test): `npm run bench:validate -- [DIR]` (default dist).
// Prints the cold run (schema compilation included) and the median of warm runs, per check.
import { performance } from 'perf_hooks';
import { checkFlows } from '../validate/flows';
import { loadManifestDir, Manifest } from '../validate/manifests';
import { checkNamespaces } from '../validate/namespaces';
import { checkPodSecurity } from '../validate/pod-security';
import { checkRbac } from '../validate/rbac';
import { checkReferences } from '../validate/references';
import { checkSchemas } from '../validate/schema';
import { checkUrls } from '../validate/urls';

const dir = process.argv[2] ?? 'dist';
const RUNS = 10;
const checks: Array<[string, (m: Manifest[]) => unknown]> = [
  ['schema', (m) => checkSchemas(m)],
  ['namespaces', checkNamespaces],
  ['references', (m) => checkReferences(m)],
  ['urls', checkUrls],
  ['network-policy', (m) => checkFlows(m)],
  ['pod-security', checkPodSecurity],
  ['rbac', (m) => checkRbac(m)],
];

let t = performance.now();
const { manifests } = loadManifestDir(dir);
console.log(`${dir}: ${manifests.length} objects, load ${(performance.now() - t).toFixed(1)} ms`);
for (const [name, check] of checks) {
  t = performance.now();
  check(manifests);
  const cold = performance.now() - t;
  const warm: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    t = performance.now();
    check(manifests);
    warm.push(performance.now() - t);
  }
  warm.sort((a, b) => a - b);
  console.log(`${name.padEnd(15)} cold ${cold.toFixed(1).padStart(8)} ms   warm median ${warm[Math.floor(RUNS / 2)].toFixed(2).padStart(7)} ms`);
}
