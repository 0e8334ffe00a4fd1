#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * The app command of cdk8s.yaml: runs main.ts as one precompiled JavaScript bundle.
 *
 * Why: tsx compiles every TypeScript file on each start and node then resolves and compiles some
 * 300 separate modules (zod, yaml, cdk8s and the 2.5 MB generated k8s module); together that was
 * about 0.6 s of the app's 0.9 s. esbuild bundles the same code once into build/<entry>.js, which
 * node loads in a fraction of that.
 *
 * Never stale: the bundle starts with a header listing every input file esbuild read, with a
 * SHA-1 of its content (our own sources) or its size and mtime (files under node_modules, which
 * only change through npm). Each run checks that list, and rebuilds (about 0.2 s) when any input
 * changed or the bundle is missing. A build that fails stops the run: an old bundle is never used.
 * If esbuild itself cannot be loaded, the app runs through tsx instead (slower, same output).
 *
 * Usage: node synth/launch.cjs [entry.ts]   (default main.ts; paths relative to the project root)
 */
const { createHash } = require('crypto');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
/** Bundles live directly in build/ so that `__dirname`-relative paths in config/ still resolve. */
const BUILD_DIR = path.join(ROOT, 'build');
const HEADER = '//# container-infra-inputs ';
/** Bump when the bundle format changes, so old bundles are rebuilt. */
const FORMAT = 2;
/**
 * Files that shape the bundle without being part of it: esbuild reads tsconfig.json (emit options
 * such as useDefineForClassFields) and package.json, and this file holds the build options.
 */
const SETTINGS = ['tsconfig.json', 'package.json', 'synth/launch.cjs'];

/**
 * @typedef {{ format: number, node: string, inputs: Record<string, string> }} Stamp
 */

/** Fingerprint of one input: content hash for our sources, size+mtime for installed packages. */
function fingerprint(rel) {
  const file = path.join(ROOT, rel);
  if (rel.split(/[\\/]/).includes('node_modules')) {
    const st = fs.statSync(file);
    return `s${st.size}m${st.mtimeMs}`;
  }
  return createHash('sha1').update(fs.readFileSync(file)).digest('hex');
}

/** The stamp in the bundle's first line, or undefined when the bundle is missing or foreign. */
function readStamp(bundle) {
  let fd;
  try {
    fd = fs.openSync(bundle, 'r');
  } catch {
    return undefined;
  }
  try {
    // The header is one line; read until its newline (it grows with the number of inputs).
    let text = '';
    const buf = Buffer.alloc(64 * 1024);
    for (let pos = 0; ; ) {
      const n = fs.readSync(fd, buf, 0, buf.length, pos);
      text += buf.toString('utf8', 0, n);
      pos += n;
      const nl = text.indexOf('\n');
      if (nl >= 0) text = text.slice(0, nl);
      if (nl >= 0 || n === 0) break;
    }
    if (!text.startsWith(HEADER)) return undefined;
    return /** @type {Stamp} */ (JSON.parse(text.slice(HEADER.length)));
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** True when every input recorded in the stamp still has the same fingerprint. */
function isFresh(stamp) {
  if (!stamp || stamp.format !== FORMAT || stamp.node !== process.version) return false;
  try {
    for (const [rel, print] of Object.entries(stamp.inputs)) {
      if (fingerprint(rel) !== print) return false;
    }
  } catch {
    return false; // an input was deleted or moved
  }
  return true;
}

/**
 * Bundle `entry` (relative to the project root) into build/, unless the existing bundle is
 * current. Returns the bundle's absolute path, or undefined when esbuild is not installed.
 * Throws when the build fails (a TypeScript syntax error, a missing import).
 */
function ensureBundle(entry) {
  const name = entry.replace(/\.ts$/, '').replace(/[\\/]/g, '-');
  const bundle = path.join(BUILD_DIR, `${name}.js`);
  if (isFresh(readStamp(bundle))) return bundle;

  let esbuild;
  try {
    esbuild = require('esbuild');
  } catch {
    return undefined;
  }
  const result = esbuild.buildSync({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    format: 'cjs',
    write: false,
    metafile: true,
    logLevel: 'silent',
    // Stack traces name the real files: node maps them through the linked source map when the
    // app is run with --enable-source-maps (see docs/benchmark.md); loading costs nothing otherwise.
    sourcemap: 'linked',
    sourcesContent: false,
    outfile: bundle,
  });
  const inputs = /** @type {Record<string, string>} */ ({});
  const read = [...Object.keys(result.metafile.inputs), ...SETTINGS.filter((f) => fs.existsSync(path.join(ROOT, f)))];
  for (const rel of [...new Set(read)].sort()) inputs[rel] = fingerprint(rel);
  const stamp = /** @type {Stamp} */ ({ format: FORMAT, node: process.version, inputs });

  fs.mkdirSync(BUILD_DIR, { recursive: true });
  for (const out of result.outputFiles) {
    const text = out.path === bundle ? `${HEADER}${JSON.stringify(stamp)}\n${out.text}` : out.text;
    // Write then rename: a concurrent run sees either the old complete file or the new one.
    const tmp = `${out.path}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, out.path);
  }
  return bundle;
}

/**
 * Run a CommonJS bundle like `require(bundle)`, but with V8's code cache kept next to it: V8 then
 * skips parsing and compiling the 1.9 MB bundle on later runs (about 0.1 s).
 *
 * The cache file starts with the SHA-1 of the bundle text it was made from, and is used only for
 * exactly that text. V8's own check is not enough: it compares the source's length, not its
 * content, so after an edit that keeps the bundle the same length it would run the old code
 * (test/launch.test.ts). A missing or mismatched cache only costs the speed-up; it is rewritten at exit.
 */
function runWithCodeCache(bundle) {
  const vm = require('vm');
  const Module = require('module');
  const cacheFile = `${bundle}.v8cache`;
  const source = fs.readFileSync(bundle, 'utf8');
  const digest = Buffer.from(createHash('sha1').update(source).digest('hex'), 'latin1');
  let cachedData;
  try {
    const cache = fs.readFileSync(cacheFile);
    if (cache.subarray(0, digest.length).equals(digest)) cachedData = cache.subarray(digest.length);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  if (!cachedData || script.cachedDataRejected) {
    // Written at exit so the cache also holds the functions compiled while the app ran.
    process.once('exit', () => {
      try {
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, Buffer.concat([digest, script.createCachedData()]));
        fs.renameSync(tmp, cacheFile);
      } catch {
        // A read-only checkout only loses the speed-up.
      }
    });
  }
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  mod.paths = /** @type {any} */ (Module)._nodeModulePaths(path.dirname(bundle));
  const wrapper = script.runInThisContext();
  wrapper.call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle));
}

function main() {
  const given = process.argv[2]?.endsWith('.ts') ? process.argv[2] : undefined;
  const entry = given ?? 'main.ts';
  let bundle;
  try {
    bundle = ensureBundle(entry);
  } catch (err) {
    const errors = /** @type {{ errors?: { text: string, location?: { file: string, line: number, column: number } }[] }} */ (err).errors;
    const lines = errors?.length
      ? errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ${e.text}` : e.text))
      : [String(err)];
    console.error(`Cannot build ${entry}:\n  ${lines.join('\n  ')}\nNothing was written; the existing output directory is unchanged.`);
    process.exitCode = 1;
    return;
  }
  // The bundle sees the same argv shape as `node main.ts ARGS`.
  process.argv.splice(1, given ? 2 : 1, path.join(ROOT, entry));
  if (bundle) {
    runWithCodeCache(bundle);
  } else {
    console.error('esbuild is not installed (run `npm ci`); running through tsx, which is slower.');
    require('tsx/cjs');
    require(path.join(ROOT, entry));
  }
}

module.exports = { ensureBundle, BUILD_DIR, ROOT };

if (require.main === module) main();
