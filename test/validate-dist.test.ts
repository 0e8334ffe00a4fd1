import * as path from 'path';
import { availableEnvironments, DEFAULT_ENVIRONMENT } from '../config/load';
import { loadConfig } from '../model/load';
import { formatFinding } from '../validate/findings';
import { asManifests } from '../validate/manifests';
import { defaultOptions, validateDirectory, validateManifests } from '../validate/index';
import { synthObjects } from './support/manifests';

const ROOT = path.join(__dirname, '..');
const options = defaultOptions();

describe('the whole validator over real output', () => {
  test('the committed dist/ has no findings', () => {
    const report = validateDirectory(path.join(ROOT, 'dist'), options);
    report.notes.forEach((n) => console.warn(n));
    expect(report.objects).toBeGreaterThan(0);
    expect(report.findings.map(formatFinding)).toEqual([]);
  });

  // Every example environment (config/environments/*.yaml, e.g. prod), synthesized afresh.
  for (const env of availableEnvironments().filter((e) => e !== DEFAULT_ENVIRONMENT)) {
    test(`a fresh synth of the ${env} environment has no findings`, () => {
      const { config } = loadConfig({ env });
      const report = validateManifests(asManifests(synthObjects(config), env), options);
      expect(report.findings.map(formatFinding)).toEqual([]);
    });
  }

  test('a fresh synth of the default environment has no findings (dist/ is not stale)', () => {
    const report = validateManifests(asManifests(synthObjects(), 'default'), options);
    expect(report.findings.map(formatFinding)).toEqual([]);
  });
});
