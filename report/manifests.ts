import { readdirSync, readFileSync, statSync } from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import type { Manifest } from './footprint';

/** Every object in the YAML files of a directory (as `kubectl apply -f DIR` reads it), in file order. */
export function readManifests(dir: string): Manifest[] {
  if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .flatMap((f) =>
      parseAllDocuments(readFileSync(path.join(dir, f), 'utf8'))
        .map((d) => d.toJS() as Manifest | null)
        .filter((o): o is Manifest => o !== null && typeof o === 'object' && typeof o.kind === 'string'),
    );
}
