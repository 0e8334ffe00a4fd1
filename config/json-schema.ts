import { z } from 'zod';
import { configSchema } from './schema';

/**
 * The configuration schema as JSON Schema, for editors: environment files point at it with a
 * `yaml-language-server: $schema=` comment and get completion and errors before synth.
 * Generated from the zod schema, so it cannot drift (a test checks the committed file).
 */
export function configJsonSchema(): string {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'container-infra environment configuration' }, null, 2)}\n`;
}
