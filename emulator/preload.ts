/**
 * Evaluated first by the CLI entry (its first import): work that can run in the background while
 * the rest of the bundle loads (~100 ms of module evaluation): compiling SQLite's WebAssembly (V8's
 * threads) and reading the data dir's snapshot (libuv's thread pool, `earlyPreload.ts`, which the
 * CLI's loader has usually started already). Both are only started here; the store uses
 * them if they are still valid when it opens.
 */
import './earlyPreload';
import { preloadSqlJs } from './store/sqlJs';

if (process.argv[2] !== 'check') preloadSqlJs();
