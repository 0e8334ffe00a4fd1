import * as path from 'path';
import { App, Yaml } from 'cdk8s';
import { availableEnvironments } from '../config/load';
import { loadConfig, parseConfig } from '../model/load';
import { buildApp } from '../synth/build-app';
import { manifestYaml, manifestsYaml } from '../synth/yaml-writer';
import { generatedServices } from '../bench/generate';
import { synthFiles } from './support/manifests';

// The reference is cdk8s's own serializer: the writer must produce exactly its text.
const reference = (...docs: unknown[]) => Yaml.stringify(...docs);

function resolvedDocs(app: App): unknown[] {
  return app.charts.flatMap((chart) => Object.values(chart.toJson()));
}

const environments = availableEnvironments();

describe.each(environments)('environment %s', (env) => {
  test('every manifest is written exactly as cdk8s writes it', () => {
    // Arrange
    const docs = resolvedDocs(buildApp(loadConfig({ env }).config, path.join(__dirname, 'unused-outdir')));
    expect(docs.length).toBeGreaterThan(10);

    // Act + Assert: one by one, so a failure names the object
    for (const doc of docs) {
      expect(manifestYaml(doc)).toBe(reference(doc));
    }
  });
});

test('a generated configuration with many services is written exactly as cdk8s writes it', () => {
  const docs = resolvedDocs(buildApp(parseConfig({ services: generatedServices(25) }, '(test)'), 'unused'));
  expect(manifestsYaml(docs)).toBe(reference(...docs));
});

test('the synthesized files parse back to the objects cdk8s resolved', () => {
  const files = synthFiles();
  const objects = [...files.values()].flat();
  expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(
    resolvedDocs(buildApp(parseConfig({}, '(test)'), 'unused')).map((o: any) => `${o.kind}/${o.metadata.name}`),
  );
});

describe('awkward values', () => {
  // Strings YAML 1.1 would read as something else, indicators, quoting, block scalars, unicode.
  const strings = [
    '', ' ', 'yes', 'No', 'ON', 'off', 'y', 'n', 'Y', 'null', 'Null', '~', 'true', 'FALSE',
    '0', '007', '0x1F', '0b101', '1_000', '1e3', '.5', '1.0', '-1', '+1', '.inf', '-.Inf', '.NaN', '12:30', '190:20:30',
    '2001-12-14', '2001-12-14t21:59:43.10-05:00', '<<', '=', '-', '--', '---', '...', '- a', '? a', ': a', 'a:', 'a: b', 'a:b',
    'http://x.example/y', 'a #b', 'a#b', '#a', '@a', '`a', '!a', '&a', '*a', '|', '>', '%a', "'a'", '"a"', 'a"b', "a'b",
    '[a]', '{a}', 'a,b', 'a b', ' a', 'a ', 'a\tb', 'a\nb', 'a\n', 'a\n\n', '\na', '  indented\nblock', 'line1\n  line2\n',
    'trailing space \nnext', 'tab\there\n', 'é ü 😀', '\u0007bell', 'daemon off;', 'x'.repeat(200), `${'word '.repeat(40)}end`,
  ];
  test.each(strings)('as a value, a list item and a nested value: %j', (s) => {
    const doc = { apiVersion: 'v1', kind: 'ConfigMap', data: { k: s }, list: [s, { k: s, n: [s] }], nested: { deeper: { k: s } } };
    expect(manifestYaml(doc)).toBe(reference(doc));
  });

  test.each([
    { a: 1.5 },
    { a: -0 },
    { a: 1e21 },
    { '8080': 'numeric key' },
    { 'needs quoting: key': 1 },
    { a: undefined, b: 1 },
    { a: [] , b: {}, c: [[]], d: [{}], e: [[1, 2], [3]], f: null, g: [null, true, false, -3] },
    { a: [{ b: [{ c: 'x' }] }] },
  ])('structures and numbers: %j', (doc) => {
    expect(manifestYaml(doc)).toBe(reference(doc));
  });

  test('an undefined document and several documents are joined as cdk8s joins them', () => {
    const docs = [{ a: 1 }, undefined, { b: 'yes' }];
    expect(manifestsYaml(docs)).toBe(reference(...docs));
  });
});
