import { spawnSync } from 'child_process';
import { readdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { cloneLikeCopy, removeProject } from './support/project-copy';

/**
 * The validator as a user who clones the repository runs it: from a copy of the files git knows,
 * in a temp directory with nothing beside it (no ../shared), through the real CLI.
 */
describe('npm run validate from a clone with nothing beside it', () => {
  let project = '';
  beforeAll(() => {
    project = cloneLikeCopy();
  });
  afterAll(() => removeProject(path.dirname(project)));

  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'validate/cli.ts', ...args], { cwd: project, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CI: '' } });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };

  test('the copy has no ../shared and its dist/ validates clean, with no SKIPPED note', () => {
    expect(readdirSync(path.dirname(project))).toEqual(['project']);
    const { status, out } = run('dist');
    expect(out).not.toMatch(/SKIPPED|not found/);
    expect(out).toMatch(/dist: [0-9]+ objects, 0 findings/);
    expect(status).toBe(0);
  });

  test('an unknown field planted into dist/ is reported against both v1.27.0 and v1.36.0', () => {
    const dist = path.join(project, 'dist');
    const file = readdirSync(dist).find((f) => f.endsWith('-gateway.k8s.yaml'))!;
    const text = readFileSync(path.join(dist, file), 'utf8');
    // The gateway Service's first port gains a misspelt field (indentation copied from its `targetPort:` line).
    const planted = text.replace(/^( +)targetPort: http$/m, '$1targetPort: http\n$1targetPortt: http');
    expect(planted).not.toBe(text);
    writeFileSync(path.join(dist, file), planted);
    const { status, out } = run('dist');
    expect(status).toBe(1);
    expect(out).toMatch(/\[schema\] \S+-gateway\.k8s\.yaml · Service container-infra\/gateway · spec\.ports\[0\]\.targetPortt/);
    expect(out).toMatch(/unknown field "targetPortt"[^\n]*v1\.27\.0[^\n]*v1\.36\.0/);
  });
});
