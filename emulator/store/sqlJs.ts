/** Loading sql.js (SQLite in WebAssembly) once per process. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';

let loading: Promise<SqlJsStatic> | null = null;

/**
 * Start compiling SQLite's WebAssembly now: the compile runs on V8's background threads while
 * the main thread goes on loading the rest of the emulator (the CLI calls this before anything
 * else is evaluated; `Store.open` then finds it done).
 */
export function preloadSqlJs(): void {
  loading ??= initSqlJs({ locateFile: () => locateWasm() });
  loading.catch(() => undefined); // loadSqlJs reports a failure
}

export function loadSqlJs(): Promise<SqlJsStatic> {
  preloadSqlJs();
  return loading!;
}

/** sql-wasm.wasm sits next to the bundle in dist/; from sources it comes from node_modules. */
function locateWasm(): string {
  const beside = path.join(__dirname, 'sql-wasm.wasm');
  if (fs.existsSync(beside)) return beside;
  // Built from parts so the bundler leaves this development-only lookup alone.
  return require.resolve(['sql.js', 'dist', 'sql-wasm.wasm'].join('/'));
}
