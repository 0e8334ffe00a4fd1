// `npm run validate -- DIR`: every check of validate/ over the manifests in DIR; exit 1 on any finding.
import { formatFinding } from './findings';
import { defaultOptions, validateDirectory } from './index';

function main(argv: string[]): number {
  const dirs = argv.filter((a) => !a.startsWith('-'));
  if (dirs.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    console.error('usage: npm run validate -- DIR [DIR…]   (e.g. npm run validate -- dist)');
    return dirs.length === 0 ? 2 : 0;
  }
  let total = 0;
  for (const dir of dirs) {
    const started = Date.now();
    const report = validateDirectory(dir, defaultOptions());
    for (const n of report.notes) console.warn(`note: ${n}`);
    for (const f of report.findings) console.log(formatFinding(f));
    console.log(`${dir}: ${report.objects} objects, ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'} (${Date.now() - started} ms)`);
    total += report.findings.length;
  }
  return total > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
