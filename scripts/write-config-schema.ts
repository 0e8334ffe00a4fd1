// Regenerates config/config.schema.json from the zod schema: `npm run config:schema`.
import { writeFileSync } from 'fs';
import * as path from 'path';
import { configJsonSchema } from '../config/json-schema';

const file = path.join(__dirname, '..', 'config', 'config.schema.json');
writeFileSync(file, configJsonSchema());
console.log(`wrote ${path.relative(process.cwd(), file)}`);
