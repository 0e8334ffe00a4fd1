import { existsSync } from 'fs';
import * as path from 'path';
import { loadConfig } from '../config/load';
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

  const prod = path.join(ROOT, 'config', 'environments', 'prod.yaml');
  (existsSync(prod) ? test : test.skip)('a fresh synth of the prod environment has no findings', () => {
    const { config } = loadConfig({ file: prod });
    const report = validateManifests(asManifests(synthObjects(config), 'prod'), options);
    expect(report.findings.map(formatFinding)).toEqual([]);
  });

  test('a fresh synth of the default environment has no findings (dist/ is not stale)', () => {
    const report = validateManifests(asManifests(synthObjects(), 'default'), options);
    expect(report.findings.map(formatFinding)).toEqual([]);
  });
});
