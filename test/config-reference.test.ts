import { readFileSync } from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { configurationReference } from '../config/reference';
import { configSchema } from '../config/schema';

/** docs/configuration.md is generated from the schema and kept current, like dist/. */
describe('the configuration reference', () => {
  const reference = configurationReference();

  test('docs/configuration.md is current (run `npm run docs:config`)', () => {
    expect(readFileSync(path.join(__dirname, '..', 'docs', 'configuration.md'), 'utf8')).toBe(reference);
  });

  test('it lists every top-level key and every service key, with defaults and what is allowed', () => {
    const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as any;
    for (const key of Object.keys(schema.properties)) expect(reference).toContain(`| \`${key}\` |`);
    for (const key of Object.keys(schema.properties.services.items.properties)) expect(reference).toContain(`| \`services[].${key}\` |`);
    expect(reference).toMatch(/\| `gateway\.port` \| integer \| `8080` \| ≥ 1; ≤ 65535 \|/);
    expect(reference).toMatch(/\| `imagePullPolicy` \| one of \| `"IfNotPresent"` \| `IfNotPresent`, `Always`, `Never` \|/);
    // Checks zod runs in code (quantities) show what is allowed through their examples and the type's description.
    expect(reference).toMatch(/\| `services\[\]\.resources\.requests\.cpu` \| string \|  \| such as `100m`, `0\.5`, `2` \| CPU, as a Kubernetes quantity/);
    expect(reference).toMatch(/\| `services\[\]\.datastore\.storage\.size` \| string \|  \| such as `64Mi`, `1\.5Gi`, `1G` \| Bytes, as a Kubernetes quantity/);
    expect(reference).toMatch(/\| `monitoring\.prometheus\.name` \| string \| `"prometheus"` \| at most 52 characters;/);
  });

  test("descriptions come from the schema's doc comments, in the right place", () => {
    expect(reference).toMatch(/\| `namespaces\.apps` \|[^\n]*The microservices, their datastores and the API gateway/);
    // `namespaces` at the top has no doc comment of its own: the Jenkins deploy `namespaces` doc must not leak there.
    expect(reference).toMatch(/\| `namespaces` \| object \| `\{\}` \|  \|  \|/);
  });
});
