/**
 * The first thing the CLI runs (its loader requires `dist/emulator-early.js`, built from this
 * file, before compiling the main bundle; `preload.ts` runs it again, a no-op then): start reading
 * and digesting the data dir's snapshot on a worker thread. Node built-ins only, so that it is
 * small and loads at once.
 */
import * as path from 'node:path';
import { SNAPSHOT_FILE, startSnapshotPreload } from './store/snapshotPreload';

/** The data dir the command line names (config.ts decides for real; a wrong guess costs a read). */
export function dataDirArg(argv: string[], env: NodeJS.ProcessEnv): string {
  let dir = env.MT_EMULATOR_DATA;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--data') dir = argv[i + 1];
    else if (argv[i].startsWith('--data=')) dir = argv[i].slice('--data='.length);
  }
  return dir || './.mailtrap-emulator'; // config.ts's default
}

/** Whether this run opens a durable store at all (not `check`, not `--memory`). */
export const opensStore = (argv: string[], env: NodeJS.ProcessEnv): boolean =>
  argv[0] !== 'check' && !argv.includes('--memory') && !env.MT_EMULATOR_MEMORY;

if (opensStore(process.argv.slice(2), process.env)) startSnapshotPreload(path.join(path.resolve(dataDirArg(process.argv.slice(2), process.env)), SNAPSHOT_FILE));
