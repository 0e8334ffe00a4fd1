import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import { DEFAULT_SCHEMAS_DIR, definitionsFile, DEFAULT_VERSIONS } from '../validate/schema-definitions';

// The vendored definitions are the published files byte for byte (validate/schemas/README.md).
const SHA256: Record<string, string> = {
  'v1.27.0': '58a37fdf0c9d45b677663b57cad9d98b73d927af583a8ebee69613d09e1365d9',
  'v1.36.0': 'a9e98cdc6ab09980f23b5e987a5f11d0ec1fc838187efb92f347ccf38ed8fd65',
};

describe('vendored Kubernetes definitions', () => {
  test.each(DEFAULT_VERSIONS)('%s ships gzip-compressed in validate/schemas and matches the sha256 in its README', (version) => {
    const file = definitionsFile(DEFAULT_SCHEMAS_DIR, version);
    expect(file).toBe(path.join(__dirname, '..', 'validate', 'schemas', version, '_definitions.json.gz'));
    const json = gunzipSync(readFileSync(file!));
    expect(createHash('sha256').update(json).digest('hex')).toBe(SHA256[version]);
    expect(readFileSync(path.join(DEFAULT_SCHEMAS_DIR, 'README.md'), 'utf8')).toContain(SHA256[version]);
  });

  test('the README states origin and licence', () => {
    const readme = readFileSync(path.join(DEFAULT_SCHEMAS_DIR, 'README.md'), 'utf8');
    expect(readme).toMatch(/kubernetes\/kubernetes/);
    expect(readme).toMatch(/api\/openapi-spec\/swagger\.json/);
    expect(readme).toMatch(/Apache License 2\.0/);
  });
});
