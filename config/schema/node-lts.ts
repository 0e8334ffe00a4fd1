/**
 * The one Node release every Node image we ship runs (the auth service, the Jenkins agent's `node`
 * container): line 24 "Krypton", LTS until 2028-04-30. Its tags are in the image record
 * (config/image-record.ts) with the official-images commit that published them.
 */
export const NODE_LTS_VERSION = '24.19.0';

/** `node:<NODE_LTS_VERSION>-<variant>` of the official image (e.g. `alpine3.24`, `trixie-slim`). */
export function nodeImage(variant: 'alpine3.24' | 'trixie-slim'): string {
  return `node:${NODE_LTS_VERSION}-${variant}`;
}
