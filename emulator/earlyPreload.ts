/**
 * The first thing the CLI runs (its loader requires `dist/emulator-early.js`, built from this
 * file, before compiling the main bundle; `preload.ts` runs it again, a no-op then): start reading
 * the data dir's snapshot on libuv's thread pool. It reads the command line with the
 * CLI's own `parseConfig` (config.ts imports nothing), so it picks the data dir main.ts will open;
 * a command line main.ts refuses starts nothing here.
 */
import * as path from 'node:path';
import { parseConfig } from './config';
import { SNAPSHOT_FILE, startSnapshotPreload } from './store/snapshotPreload';

function dataDirToOpen(): string | null {
  if (process.argv[2] === 'check') return null; // the endpoint check opens no store
  try {
    return parseConfig(process.argv.slice(2), process.env).config.dataDir;
  } catch {
    return null; // a bad flag: main.ts says so and exits
  }
}

const dir = dataDirToOpen();
if (dir !== null) startSnapshotPreload(path.join(path.resolve(dir), SNAPSHOT_FILE));
