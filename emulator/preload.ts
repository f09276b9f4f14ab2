/**
 * Evaluated first by the CLI entry (its first import): work that can run in the background while
 * the rest of the bundle loads (~100 ms of module evaluation): compiling SQLite's WebAssembly (V8's
 * threads) and reading and digesting the data dir's snapshot (the thread pool). Both are only
 * started here; the store uses them if they are still valid when it opens.
 */
import * as path from 'node:path';
import { preloadSqlJs } from './store/sqlJs';
import { preloadSnapshot } from './store/snapshots';

function dataDirArg(argv: string[], env: NodeJS.ProcessEnv): string {
  let dir = env.MT_EMULATOR_DATA;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--data') dir = argv[i + 1];
    else if (argv[i].startsWith('--data=')) dir = argv[i].slice('--data='.length);
  }
  return dir || './.mailtrap-emulator'; // config.ts's default; a wrong guess only costs a read
}

if (process.argv[2] !== 'check') {
  preloadSqlJs();
  const dir = dataDirArg(process.argv.slice(2), process.env);
  if (!process.argv.includes('--memory') && !process.env.MT_EMULATOR_MEMORY) preloadSnapshot(path.resolve(dir));
}
