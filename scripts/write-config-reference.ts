// Regenerates docs/configuration.md from the configuration schema: `npm run docs:config`.
import { writeFileSync } from 'fs';
import * as path from 'path';
import { configurationReference } from '../config/reference';

const file = path.join(__dirname, '..', 'docs', 'configuration.md');
writeFileSync(file, configurationReference());
console.log(`wrote ${path.relative(process.cwd(), file)}`);
