// Bundles the emulator (and, when present, the extension) with esbuild, and copies sql-wasm.wasm
// beside the emulator bundle so dist/ runs without node_modules.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { withExportBuffer } from './sqlJsExport.mjs';

const require = createRequire(import.meta.url);
/** A RegExp matching `text` whole, for esbuild's filters. */
const exactly = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}$`);
const production = process.argv.includes('--production');
mkdirSync('dist', { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

/**
 * Bundles one copy of a package that several dependencies each nest in their own node_modules
 * (npm cannot hoist them: the top-level slot holds another version, for a dev tool), when every
 * nested copy is the same version. Each copy bundled is more source that every start reads and
 * compiles (issue 13, start-up), and some do work when loaded:
 * - mime-types, nested by express 5, accepts, send and type-is: each copy parses mime-db and builds
 *   its maps when loaded, ~20 ms apiece of the emulator's start-up;
 * - iconv-lite, nested by body-parser, raw-body and libmime: 0.55 MB of code tables a copy, 1.1 MB
 *   of the bundle read at each start for nothing.
 * A copy keeps no state that its users could tell apart (a cache of the codecs or types it built).
 */
function oneCopy(pkg) {
  const copies = readdirSync('node_modules', { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !e.name.startsWith('@'))
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((e) => `node_modules/${e.name}/node_modules/${pkg}`)
    .filter((d) => existsSync(`${d}/package.json`));
  const versions = new Set(copies.map((d) => JSON.parse(readFileSync(`${d}/package.json`, 'utf8')).version));
  const target = copies.length > 1 && versions.size === 1 ? require.resolve(`./${copies[0]}`, { paths: [process.cwd()] }) : null;
  const owners = copies.map((d) => path.resolve(d.slice(0, -`/node_modules/${pkg}`.length)) + path.sep);
  return {
    name: `one-${pkg}`,
    setup(b) {
      if (!target) return;
      b.onResolve({ filter: exactly(pkg) }, (args) => (owners.some((o) => `${args.resolveDir}${path.sep}`.startsWith(o)) ? { path: target } : undefined));
    },
  };
}

/**
 * mime-types builds its maps of every extension and type (~2,500 types of mime-db, each scored)
 * when loaded: ~12 ms of the emulator's start-up, for maps that only `lookup()` and `extension()` of
 * a short name read (`res.type('json')`, `express.text({ type: 'txt' })`); `contentType()` of a full
 * type, which express's `res.json` and `res.set` call, and `charset()` read mime-db only. Built on
 * first use instead, the same maps from the same code: `types` and `extensions` become getters that
 * build both on first read. Fails the build if mime-types' source changed, rather than bundle it
 * eager (or broken) without anyone noticing.
 */
function lazyMimeMaps() {
  const eager = `exports.extensions = Object.create(null)
exports.lookup = lookup
exports.types = Object.create(null)
exports._extensionConflicts = []

// Populate the extensions/types maps
populateMaps(exports.extensions, exports.types)
`;
  const lazy = `exports.lookup = lookup
exports._extensionConflicts = []
// Built on first use (scripts/build.mjs, lazyMimeMaps): while they are built, populateMaps reads
// exports.types, which is then the map being filled, as when built at load.
var maps
function builtMaps () {
  if (!maps) {
    maps = { extensions: Object.create(null), types: Object.create(null) }
    populateMaps(maps.extensions, maps.types)
  }
  return maps
}
Object.defineProperty(exports, 'extensions', { enumerable: true, get: function () { return builtMaps().extensions } })
Object.defineProperty(exports, 'types', { enumerable: true, get: function () { return builtMaps().types } })
`;
  return {
    name: 'lazy-mime-maps',
    setup(b) {
      b.onLoad({ filter: /[\\/]mime-types[\\/]index\.js$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8').replace(/\r\n/g, '\n');
        if (!text.includes(eager)) throw new Error(`lazyMimeMaps: ${args.path} no longer builds its maps as expected; update scripts/build.mjs`);
        return { contents: text.replace(eager, lazy), loader: 'js' };
      });
    },
  };
}

/** sql.js's export() into a buffer the store keeps (scripts/sqlJsExport.mjs; emulator/store/snapshotBuffer.ts). */
function sqlJsExportBuffer() {
  return {
    name: 'sql-js-export-buffer',
    setup(b) {
      b.onLoad({ filter: /[\\/]sql\.js[\\/]dist[\\/]sql-wasm\.js$/ }, (args) => ({
        contents: withExportBuffer(readFileSync(args.path, 'utf8'), args.path),
        loader: 'js',
      }));
    },
  };
}

/**
 * What the emulator requires only on first use, bundled apart in `dist/${LATER}` instead of in the
 * main bundle (issue 13, start-up): the webhook sender's HTTP client, the MIME parser and builder
 * of the SMTP and raw-message paths, and iconv-lite's code tables of the Chinese, Japanese and
 * Korean charsets (which a body in such a charset needs; UTF-8 and single-byte ones do not). In the
 * main bundle, 2.8 of its 4.2 MB, they were read into memory and handed to V8 at every start, whose
 * first-touched memory is what a read costs on a 2-core VM, though no start runs a line of them.
 * Each entry of that bundle is a getter: the first `require()` of one from the main bundle loads the
 * file (once) and runs that package, or makes that table, alone, as its inline copy did.
 */
const LATER = 'emulator-later.js';
const LATER_PACKAGES = ['undici', 'mailparser', 'libmime', 'libqp', 'nodemailer/lib/mail-composer'];

/** `entries`: what the later bundle is to export, its key -> what it requires; the plugin adds the tables it finds. */
function requiredLater(entries) {
  const names = new Set(LATER_PACKAGES);
  const later = (key) => ({ path: key, namespace: 'later' });
  return {
    name: 'required-later',
    setup(b) {
      // Only the emulator's own requires: the packages' requires among themselves stay in their bundle.
      b.onResolve({ filter: /^[a-z@]/ }, (args) =>
        names.has(args.path) && args.kind === 'require-call' && !args.importer.includes('node_modules') ? later(args.path) : undefined,
      );
      b.onResolve({ filter: /^\.\/tables\/[a-z0-9-]+\.json$/ }, (args) => {
        if (!/[\\/]iconv-lite[\\/]encodings[\\/]dbcs-data\.js$/.test(args.importer)) return undefined;
        const key = `iconv-lite/encodings/${args.path.slice(2)}`;
        entries.set(key, path.join(args.resolveDir, args.path));
        return later(key);
      });
      b.onLoad({ filter: /.*/, namespace: 'later' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(`./${LATER}`)})[${JSON.stringify(args.path)}];`,
        loader: 'js',
      }));
      b.onResolve({ filter: exactly(`./${LATER}`), namespace: 'later' }, (args) => ({ path: args.path, external: true }));
    },
  };
}

const laterEntry = (entries) =>
  [...entries].map(([key, req]) => `Object.defineProperty(exports, ${JSON.stringify(key)}, { enumerable: true, get: () => require(${JSON.stringify(req)}) });`).join('\n');

/**
 * `dist/emulator.js`, the CLI entry every caller runs (the extension, the library, `npm start`):
 * a small loader that runs the bundle with V8's code cache (issue 13, start-up). Compiling the
 * 5 MB bundle is ~120 ms of each start on a 2-core machine; with the cache ~50 ms, including
 * reading it. A start that had no cache writes it beside the bundle after 3 s or at exit, whichever
 * comes first (then it holds the functions the start-up ran too), atomically, and named after this build, the
 * Node version and the architecture: V8 checks a cache only by the source's length, so a cache is
 * never used for any other bundle. Any failure to read or write it only costs the speed-up. dist/
 * is written by its owner only (the build, or VS Code installing the extension), so a cache there
 * is as trusted as the bundle beside it. Before compiling, it requires the small `earlyName`
 * bundle, which starts reading the data dir's snapshot on libuv's thread pool.
 */
function writeCodeCacheLoader(out, bundleName, bundleText, earlyName) {
  const build = createHash('sha256').update(bundleText, 'latin1').digest('hex').slice(0, 16);
  for (const f of readdirSync('dist')) if (f.endsWith('.cache')) rmSync(`dist/${f}`, { force: true });
  writeFileSync(
    out,
    `#!/usr/bin/env node
'use strict';
// Generated by scripts/build.mjs: runs ${bundleName} with V8's code cache (see there).
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');
require(${JSON.stringify(`./${earlyName}`)}); // starts reading the snapshot on libuv's thread pool (emulator/earlyPreload.ts)
const file = path.join(__dirname, ${JSON.stringify(bundleName)});
const cacheFile = path.join(__dirname, \`${bundleName.replace(/\.js$/, '')}.${build}.\${process.version}.\${process.arch}.cache\`);
// The build leaves the bundle ASCII only (asciiOnly, scripts/build.mjs): read as latin1, a one-byte string.
let source = fs.readFileSync(file, 'latin1');
if (source.startsWith('#!')) source = '//' + source.slice(2);
let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  // none yet
}
const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
// The emulator's "ready" log line says which (emulator/main.ts).
globalThis[Symbol.for('mailtrap-emulator.code-cache')] = !cachedData ? 'written' : script.cachedDataRejected ? 'rejected' : 'used';
if (!cachedData || script.cachedDataRejected) {
  let written = false;
  const writeCache = () => {
    if (written) return;
    written = true;
    try {
      const tmp = \`\${cacheFile}.\${process.pid}.tmp\`;
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, cacheFile);
    } catch {
      // a read-only install: every start compiles, as without the cache
    }
  };
  setTimeout(writeCache, 3000).unref();
  process.once('exit', writeCache);
}
const bundle = new Module(file, module);
bundle.filename = file;
bundle.paths = Module._nodeModulePaths(__dirname);
script.runInThisContext().call(bundle.exports, bundle.exports, Module.createRequire(file), bundle, file, __dirname);
`,
  );
}

/**
 * One ES-module view of each Node built-in a bundle imports (issue 13, start-up). For every
 * `import * as fs from 'node:fs'` (or a default import) of the emulator's modules and of its ESM
 * dependencies, esbuild's `__toESM` makes a new object with a getter for each of the built-in's
 * exports: node:fs ten times, node:path eight, node:crypto, node:net, node:zlib several times, each
 * over 30-100 exports, ~13 % of the bundle's evaluation at every start. A built-in is loaded whole
 * before anything imports it and its exports never change, so one view each serves every importer:
 * `__toESM(require("node:x"))` becomes `__builtinESM("node:x")`, which makes it the first time.
 * Fails the build if esbuild's helper is not where it was, rather than leave the bundle unchanged
 * unnoticed. Not for the minified build (`--production`, the .vsix's), where the helper has
 * another name each build: that bundle is left as esbuild writes it.
 */
function oneViewOfEachBuiltin(text) {
  const helper = /^var __toESM = [^\n]*\n(?:[^\n]*\n)*?\)\);/m.exec(text);
  if (!helper) throw new Error('oneViewOfEachBuiltin: no __toESM helper found in the bundle; update scripts/build.mjs');
  const at = helper.index + helper[0].length;
  // On one line, so that the source map's lines still hold below it.
  const memo =
    'var __builtinESMs = new Map(), __builtinESM = (id, isNodeMode) => { const key = isNodeMode ? id + " node" : id; let ns = __builtinESMs.get(key); ' +
    'if (!ns) __builtinESMs.set(key, ns = __toESM(require(id), isNodeMode)); return ns; };';
  const body = text.slice(at).replace(/__toESM\(require\(("node:[a-z_/]+")\)(, 1)?\)/g, (_, id, mode) => `__builtinESM(${id}${mode ?? ''})`);
  return text.slice(0, at) + memo + body;
}

/**
 * Leaves the bundle ASCII only (issue 13, start-up). esbuild escapes every non-ASCII character in
 * code (its default charset), not in comments, and dependencies' comments hold a few (’, §, –): one
 * is enough for V8 to make the whole 5 MB source a two-byte string, decoded from UTF-8 and twice the
 * size. Escaped there as `\uXXXX` (the same text to a reader of the comment; in code it would mean
 * the same character too), the loader reads the bundle as latin1, a one-byte string: reading and
 * compiling it with its cache took ~120-160 ms of a start on a 2-core machine, ~60-90 ms so.
 */
function asciiOnly(text) {
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A bundle esbuild wrote, through `steps` (text to text), read and written once; its final text. */
function rewrite(file, ...steps) {
  const text = steps.reduce((t, step) => step(t), readFileSync(file, 'utf8'));
  writeFileSync(file, text, 'latin1');
  return text;
}

const laterEntries = new Map(LATER_PACKAGES.map((n) => [n, n]));
await build({
  ...common,
  entryPoints: ['emulator/main.ts'],
  outfile: 'dist/emulator-core.js',
  plugins: [oneCopy('mime-types'), oneCopy('iconv-lite'), lazyMimeMaps(), sqlJsExportBuffer(), requiredLater(laterEntries)],
});
const core = rewrite('dist/emulator-core.js', asciiOnly, ...(production ? [] : [oneViewOfEachBuiltin]));
await build({
  ...common,
  stdin: { contents: laterEntry(laterEntries), resolveDir: process.cwd(), sourcefile: 'emulator-later-entry.js' },
  outfile: `dist/${LATER}`,
  plugins: [oneCopy('iconv-lite')],
});
rewrite(`dist/${LATER}`, asciiOnly);
// Started by the loader before the main bundle is compiled: see emulator/earlyPreload.ts.
await build({ ...common, entryPoints: ['emulator/earlyPreload.ts'], outfile: 'dist/emulator-early.js', sourcemap: false });
// The replay worker's thread (emulator/http/replayLines.ts): started by the first replay of 1 MB or more.
await build({ ...common, entryPoints: ['emulator/replayWorker.ts'], outfile: 'dist/emulator-lines.js' });
writeCodeCacheLoader('dist/emulator.js', 'emulator-core.js', core, 'emulator-early.js');
rmSync('dist/emulator.js.map', { force: true }); // the loader has none (an older build's bundle had)
chmodSync('dist/emulator.js', 0o755);
copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), 'dist/sql-wasm.wasm');

// Sample batches shipped for replay (generated by `npm run samples`).
if (existsSync('samples')) {
  mkdirSync('dist/samples', { recursive: true });
  for (const name of readdirSync('samples')) copyFileSync(`samples/${name}`, `dist/samples/${name}`);
}

if (existsSync('src/extension.ts')) {
  await build({
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
  });
}

// The library (`import { startEmulator } from 'mailtrap-webhooks-emulator'`, package.json `exports`):
// CommonJS and ESM bundles plus declarations, .d.ts for require and .d.mts for import. It spawns
// dist/emulator.js, so it bundles none of the emulator. Not in the .vsix (see .vscodeignore).
if (existsSync('lib/index.ts')) {
  rmSync('dist/lib', { recursive: true, force: true });
  const lib = { ...common, entryPoints: ['lib/index.ts'], minify: false };
  await build({ ...lib, outfile: 'dist/lib/index.cjs', format: 'cjs' });
  await build({
    ...lib,
    outfile: 'dist/lib/index.mjs',
    format: 'esm',
    // The sources use __dirname (CommonJS); in the ESM bundle it comes from import.meta.url.
    banner: { js: "import { fileURLToPath as __mtFileURLToPath } from 'node:url'; import { dirname as __mtDirname } from 'node:path'; const __dirname = __mtDirname(__mtFileURLToPath(import.meta.url));" },
  });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.lib.json'], { stdio: 'inherit' });
  for (const name of readdirSync('dist/lib').filter((n) => n.endsWith('.d.ts'))) {
    // ESM declarations name their relative imports with the extension, as ESM itself does.
    const text = readFileSync(`dist/lib/${name}`, 'utf8').replace(/(from |import\()(['"])(\.\.?\/[^'"]+)\2/g, '$1$2$3.mjs$2');
    writeFileSync(`dist/lib/${name.replace(/\.d\.ts$/, '.d.mts')}`, text);
  }
}

// Webview bundles (browser code in media/src) → media/dist/*.js, loaded by the panels' HTML.
if (existsSync('media/src/form.ts')) {
  await build({
    entryPoints: { form: 'media/src/form.ts', inspector: 'media/src/inspector.ts', message: 'media/src/message.ts', web: 'media/src/web/main.ts' },
    outdir: 'media/dist',
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
    legalComments: 'none',
  });
}

// The emulator's web UI serves the same bundles and styles from dist/web (the bin runs without media/).
if (existsSync('media/dist/web.js')) {
  rmSync('dist/web', { recursive: true, force: true });
  mkdirSync('dist/web', { recursive: true });
  for (const f of ['web.js', 'form.js', 'inspector.js', 'message.js']) copyFileSync(`media/dist/${f}`, `dist/web/${f}`);
  for (const f of ['webview.css', 'web.css', 'icon.svg']) copyFileSync(`media/${f}`, `dist/web/${f}`);
}
