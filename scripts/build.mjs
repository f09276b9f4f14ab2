// Bundles the emulator (and, when present, the extension) with esbuild, and copies sql-wasm.wasm
// beside the emulator bundle so dist/ runs without node_modules.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
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

await build({
  ...common,
  entryPoints: ['emulator/main.ts'],
  outfile: 'dist/emulator.js',
});
chmodSync('dist/emulator.js', 0o755);
copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), 'dist/sql-wasm.wasm');

if (existsSync('src/extension.ts')) {
  await build({
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
  });
}

// Webview bundles (browser code in media/src) → media/dist/*.js, loaded by the panels' HTML.
if (existsSync('media/src/form.ts')) {
  await build({
    entryPoints: { form: 'media/src/form.ts', inspector: 'media/src/inspector.ts' },
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
