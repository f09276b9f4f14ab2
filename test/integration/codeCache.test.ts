/**
 * The CLI's loader (`dist/emulator.js`, written by scripts/build.mjs; issue 13, start-up): it runs
 * the bundle with V8's code cache, which the first start writes beside the bundle and later starts
 * use. A cache that is not V8's or not this build's only costs the speed-up: the emulator starts
 * and serves as usual, and the cache is written again. The "ready" log line says which happened.
 */
import assert from 'node:assert/strict';
import { isAscii } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { api, EMULATOR_JS, startEmulatorProcess, tempDir } from '../helpers/emulatorProcess';

const DIST = path.dirname(EMULATOR_JS);

/** A copy of the built CLI in its own folder (as an installed package or extension holds it). */
function installCopy(): string {
  const dir = tempDir('mt-cli-');
  for (const f of ['emulator.js', 'emulator-core.js', 'emulator-early.js', 'emulator-later.js', 'sql-wasm.wasm']) fs.copyFileSync(path.join(DIST, f), path.join(dir, f));
  return dir;
}
const caches = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.cache'));

async function start(dir: string, args: string[] = ['--memory']): Promise<string> {
  const emu = await startEmulatorProcess(args, {}, path.join(dir, 'emulator.js'));
  try {
    assert.equal((await api(emu.ready)('GET', '/emulator/status')).status, 200, 'it serves');
  } finally {
    assert.equal(await emu.stop(), 0);
  }
  const ready = emu
    .stderr()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .find((l) => l.msg === 'ready');
  assert.ok(ready, emu.stderr());
  return ready.codeCache;
}

describe('the CLI loader and its code cache', () => {
  it('the first start writes the cache for this build and Node; the next one uses it', async () => {
    const dir = installCopy();
    assert.equal(await start(dir), 'written');
    const [cache] = caches(dir);
    assert.match(cache, new RegExp(`^emulator-core\\.[0-9a-f]{16}\\.${process.version.replace(/\./g, '\\.')}\\.${process.arch}\\.cache$`));
    assert.ok(fs.statSync(path.join(dir, cache)).size > 100_000, 'it holds compiled code');
    assert.equal(await start(dir), 'used');
    assert.equal(await start(dir, ['--data', tempDir()]), 'used', 'also for a durable store');
    assert.deepEqual(caches(dir), [cache]);
  });

  it('a cache V8 rejects costs only the speed-up: the emulator starts, serves, and writes it again', async () => {
    const dir = installCopy();
    await start(dir);
    const [cache] = caches(dir);
    fs.writeFileSync(path.join(dir, cache), 'not a code cache');
    assert.equal(await start(dir), 'rejected');
    assert.ok(fs.statSync(path.join(dir, cache)).size > 100_000, 'rewritten');
    assert.equal(await start(dir), 'used');
  });

  it('the bundle is ASCII only, read by the loader as latin1 (one byte a character): its non-ASCII text comes out exact', () => {
    assert.ok(isAscii(fs.readFileSync(path.join(DIST, 'emulator-core.js'))), 'a non-ASCII byte would be read as another character');
    const help = execFileSync(process.execPath, [EMULATOR_JS, '--help'], { encoding: 'utf8' });
    assert.match(help, /--smtp-port \u2192 MT_EMULATOR_SMTP_PORT/, 'the usage text\'s arrow');
  });

  it('a new build never uses the cache of another one', async () => {
    const dir = installCopy();
    await start(dir);
    const [old] = caches(dir);
    // What a rebuild does: another bundle, and a loader naming its own build (the same length would fool V8's own check).
    const loader = fs.readFileSync(path.join(dir, 'emulator.js'), 'utf8');
    fs.writeFileSync(path.join(dir, 'emulator.js'), loader.replace(/emulator-core\.[0-9a-f]{16}\./, 'emulator-core.0123456789abcdef.'));
    assert.equal(await start(dir), 'written');
    assert.equal(caches(dir).length, 2, `${old} is not read`);
  });
});
