// Runs the real-VS-Code suites (test/e2e/*.test.ts: the extension-host suite, then the UI suite),
// one at a time (each starts a code-server and a Chromium; the machine has 2 cores), after the
// setup has installed what is missing. Ends with `N passed, N failed` and the wall time.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setup } from './setup.mjs';

const root = resolve(import.meta.dirname, '../..');
const started = Date.now();
setup(); // exits with a clear message when it cannot install something
const dir = join(root, 'test/e2e');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.test.ts'))
  .sort()
  .map((f) => join('test/e2e', f));
const reporter = join(root, 'scripts/e2e/summary-reporter.mjs');
const r = spawnSync(
  process.execPath,
  [
    '--import', 'tsx', '--test', '--test-concurrency=1',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${reporter}`, '--test-reporter-destination=stdout',
    ...files,
  ],
  { cwd: root, stdio: 'inherit' },
);
console.log(`real-VS-Code suites: ${((Date.now() - started) / 1000).toFixed(1)} s (screenshots in test-results/vscode/)`);
process.exit(r.status ?? 1);
