/**
 * An emulator whose parent (and with it the reader of its stdout and stderr) is gone, through real
 * processes: a parent starts dist/emulator.js with piped output, as the extension host does, and is
 * then killed. Without --exit-with-parent the emulator keeps serving, its log lines hitting the
 * closed pipe are dropped (they used to loop: EPIPE → uncaughtException → a log line → EPIPE, a core
 * burnt for good, SIGTERM ignored), and SIGTERM still stops it cleanly. With the flag (the extension
 * passes it) it stops cleanly by itself.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import type { ReadyInfo } from '../../../emulator/http/dto';
import { EMULATOR_JS, api, startEmulatorProcess, tempDir } from '../../helpers/emulatorProcess';
import { startReceiver } from '../../helpers/receiver';

/** The parent: starts the emulator with piped output, reads it, and reports the emulator's pid and ready line. */
const PARENT = `
const { spawn } = require('node:child_process');
const [script, ...args] = process.argv.slice(1);
const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
child.stderr.resume();
let buf = '';
let reported = false;
child.stdout.on('data', (c) => {
  buf += c;
  const nl = buf.indexOf('\\n');
  if (reported || nl < 0) return;
  reported = true;
  process.stdout.write(JSON.stringify({ pid: child.pid, ready: JSON.parse(buf.slice(0, nl)) }) + '\\n');
});
`;

interface Orphanable {
  pid: number;
  ready: ReadyInfo;
  killParent(): Promise<void>;
}

const started: number[] = [];

async function startUnderParent(args: string[]): Promise<Orphanable> {
  const parent = spawn(process.execPath, ['-e', PARENT, EMULATOR_JS, '--port', '0', '--smtp-port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => parent.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: parent.stdout! }).once('line', resolve);
    void exited.then(() => reject(new Error('the parent exited before the emulator was ready')));
  });
  const { pid, ready } = JSON.parse(line) as { pid: number; ready: ReadyInfo };
  started.push(pid);
  return {
    pid,
    ready,
    async killParent() {
      parent.kill('SIGKILL');
      await exited;
    },
  };
}

/** Running, and not a zombie waiting to be reaped (the emulator is not our child: its parent is gone). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Waits (real time, bounded) for the process to be gone; a wait, not a timing assertion. */
async function gone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (running(pid)) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/** A failed attempt, which the emulator logs (`attempt failed`) on stderr: the reader of which is gone. */
async function causeLogLines(call: ReturnType<typeof api>, url: string): Promise<void> {
  const hook = await call('POST', '/api/webhooks', { webhook: { url, webhook_type: 'email_sending', sending_stream: 'transactional', event_types: ['delivery'] } });
  assert.equal(hook.status, 200);
  for (let i = 0; i < 3; i++) {
    assert.equal((await call('POST', '/emulator/events', { type: 'delivery', email: `orphan${i}@example.com` })).status, 200);
    assert.equal((await call('POST', '/emulator/clock/advance', { seconds: 31 })).status, 200);
  }
}

describe('an emulator whose parent is gone', () => {
  after(() => {
    for (const pid of started) if (running(pid)) process.kill(pid, 'SIGKILL');
  });

  it('without --exit-with-parent: keeps serving while its log lines hit a closed pipe, and SIGTERM stops it cleanly', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const emu = await startUnderParent(['--data', dir]);
    const receiver = await startReceiver(() => ({ status: 500 }));
    try {
      await emu.killParent();
      const call = api(emu.ready);
      await causeLogLines(call, `${receiver.url}/orphan`);
      const failed = await call('GET', '/emulator/deliveries?status=retrying');
      assert.equal(failed.status, 200, 'still serving after its log lines failed');
      assert.ok(failed.json.data.length >= 1, 'and still delivering');
      assert.ok(running(emu.pid));
      process.kill(emu.pid, 'SIGTERM');
      assert.ok(await gone(emu.pid, 15_000), 'SIGTERM stops it (the "stopping" line hits the closed pipe too)');
      assert.equal(fs.existsSync(path.join(dir, 'lock')), false, 'a clean stop: the data dir lock is released');
    } finally {
      await receiver.close();
    }
  });

  it('with --exit-with-parent: stops cleanly by itself, and its data is all there on the next start', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const emu = await startUnderParent(['--data', dir, '--exit-with-parent']);
    const call = api(emu.ready);
    const hook = await call('POST', '/api/webhooks', { webhook: { url: 'http://127.0.0.1:9/kept', webhook_type: 'email_sending', sending_stream: 'transactional', event_types: ['delivery'] } });
    assert.equal(hook.status, 200);
    await emu.killParent();
    assert.ok(await gone(emu.pid, 15_000), 'it exits by itself (within about a second of its parent)');
    assert.equal(fs.existsSync(path.join(dir, 'lock')), false, 'a clean stop: the data dir lock is released');
    const next = await startEmulatorProcess(['--data', dir]);
    try {
      const hooks = await api(next.ready)('GET', '/api/webhooks');
      assert.deepEqual(hooks.json.data.map((w: { url: string }) => w.url), ['http://127.0.0.1:9/kept']);
    } finally {
      assert.equal(await next.stop(), 0);
    }
  });

  it('with a live parent, --exit-with-parent changes nothing: it serves until told to stop', async () => {
    const emu = await startEmulatorProcess(['--memory', '--exit-with-parent']);
    await new Promise((r) => setTimeout(r, 1500)); // more than one check of its parent
    assert.equal((await api(emu.ready)('GET', '/emulator/status')).status, 200);
    assert.equal(await emu.stop(), 0);
  });
});
