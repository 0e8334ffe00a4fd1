// `npm run architecture [-- --env NAME]`: writes the environment's architecture picture,
// docs/architecture.md for the default environment, docs/architecture-<env>.md for another.
import { readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { loadConfig } from '../model/load';
import { architectureCommand, architectureFile, architectureMarkdown, readmeWithArchitecture } from '../report/architecture';

const argv = process.argv.slice(2);
const at = argv.indexOf('--env');
const env = at >= 0 ? argv[at + 1] : 'default';
if (!env || argv.some((a, i) => a !== '--env' && i !== at + 1)) {
  console.error('usage: npm run architecture [-- --env NAME]');
  process.exit(2);
}
const model = loadConfig({ env }).model;
const file = path.join(__dirname, '..', architectureFile(env));
writeFileSync(file, architectureMarkdown(model, env, architectureCommand(env)));
console.log(`wrote ${path.relative(process.cwd(), file)}`);
if (env === 'default') {
  // The README shows the default environment's picture too.
  const readme = path.join(__dirname, '..', 'README.md');
  writeFileSync(readme, readmeWithArchitecture(readFileSync(readme, 'utf8'), model));
  console.log('wrote README.md (architecture section)');
}
