/** Loading sql.js (SQLite in WebAssembly) once per process, and a helper over its databases. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import initSqlJs, { type Database as SqlJsDatabase, type SqlJsStatic } from 'sql.js';

/** Whether `db` has a table `name` (a snapshot or journal from an older version may not). */
export const hasTable = (db: SqlJsDatabase, name: string): boolean =>
  db.exec('SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?', ['table', name]).length > 0;

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
