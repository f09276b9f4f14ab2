// Test setup: the webview UI tests drive a real headless Chromium at /usr/bin/chromium. On a fresh
// CI machine (root, apt available) install it; elsewhere print why the UI tests will be skipped.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
if (existsSync(CHROMIUM) || process.env.MT_SKIP_CHROMIUM_INSTALL) process.exit(0);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (!isRoot || !hasApt) {
  console.warn(`ensure-chromium: ${CHROMIUM} is missing and cannot be installed here (${isRoot ? 'no apt-get' : 'not root'}); webview UI tests will be skipped.`);
  process.exit(0);
}
console.log('ensure-chromium: installing chromium with apt-get (once per machine)…');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const run = (args) => spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env }).status;
if (run(['update']) !== 0 || run(['install', '-y', '--no-install-recommends', 'chromium']) !== 0 || !existsSync(CHROMIUM)) {
  console.warn('ensure-chromium: apt-get could not install chromium; webview UI tests will be skipped.');
}
