/** The supervisor against the real dist/emulator.js: start, ready, stop, restart, port in use, crash, bad flags. */
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, describe, test } from 'node:test';
import { EMULATOR_JS } from '../../helpers/emulatorProcess';
import { EmulatorSupervisor, StartError, type ExitInfo } from '../../../src/emulator/supervisor';
import { readRecords, reapOrphans, recordRunning, type RunningRecord } from '../../../src/emulator/orphans';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { tempDir } from '../../helpers/emulatorProcess';

function sink() {
  const lines: string[] = [];
  const add = (level: string) => (m: string) => void lines.push(`${level} ${m}`);
  return { lines, trace: add('trace'), info: add('info'), warn: add('warn'), error: add('error') };
}
const MEMORY = ['--memory', '--port', '0', '--smtp-port', '0'];

function record(r: Partial<RunningRecord> & { pid: number; ownerPid: number }): RunningRecord {
  return { http: 'http://127.0.0.1:1', httpPort: 1, smtpPort: 2, token: 't', accountId: 1, dataDir: null, workspace: 'other', ...r };
}

/** The pid of a process that has exited (a window whose extension host is gone). */
async function deadPid(): Promise<number> {
  const p = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((r) => p.once('exit', r));
  return p.pid!;
}

describe('EmulatorSupervisor', () => {
  const running: EmulatorSupervisor[] = [];
  after(async () => {
    for (const s of running) await s.stop();
  });

  test('starts the emulator, validates its ready line, and answers on the announced port', async () => {
    const log = sink();
    const sup = new EmulatorSupervisor(log);
    running.push(sup);
    const states: string[] = [];
    sup.onDidChangeState((s) => states.push(s));
    const ready = await sup.start({ script: EMULATOR_JS, args: MEMORY });
    assert.equal(sup.state, 'running');
    assert.match(ready.http, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(ready.dataDir, null);
    const res = await fetch(`${ready.http}/emulator/status`, { headers: { Authorization: `Bearer ${ready.token}` } });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { httpPort: number }).httpPort, ready.httpPort);
    // The emulator's JSON log lines arrive tagged by component.
    assert.ok(log.lines.some((l) => /^info \[store\] migration applied/.test(l)), log.lines.join('\n'));
    assert.ok(!log.lines.some((l) => l.includes(ready.token)), 'the token is never logged');
    await sup.stop();
    assert.equal(sup.state, 'stopped');
    assert.deepEqual(states, ['starting', 'running', 'stopping', 'stopped']);
    await assert.rejects(fetch(`${ready.http}/emulator/status`));
  });

  test('restart gives a fresh process; stop reports a clean exit, not a crash', async () => {
    const sup = new EmulatorSupervisor(sink());
    running.push(sup);
    const exits: ExitInfo[] = [];
    sup.onExit((e) => exits.push(e));
    await sup.start({ script: EMULATOR_JS, args: MEMORY });
    const pid1 = sup.pid;
    await sup.stop();
    const ready = await sup.start({ script: EMULATOR_JS, args: MEMORY });
    assert.notEqual(sup.pid, pid1);
    assert.equal(sup.ready, ready);
    await sup.stop();
    assert.deepEqual(exits.map((e) => [e.unexpected, e.code]), [[false, 0], [false, 0]]);
  });

  test('a port already in use fails with kind portInUse and names the port', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const sup = new EmulatorSupervisor(sink());
      await assert.rejects(sup.start({ script: EMULATOR_JS, args: ['--memory', '--port', String(port), '--smtp-port', '0'] }), (err: StartError) => {
        assert.equal(err.kind, 'portInUse');
        assert.match(err.message, new RegExp(`port ${port} is already in use`));
        return true;
      });
      assert.equal(sup.state, 'stopped');
    } finally {
      blocker.close();
    }
  });

  test('a crash after ready is reported as an unexpected exit', async () => {
    const sup = new EmulatorSupervisor(sink());
    running.push(sup);
    await sup.start({ script: EMULATOR_JS, args: MEMORY });
    const exited = new Promise<ExitInfo>((r) => sup.onExit(r));
    process.kill(sup.pid!, 'SIGKILL');
    const e = await exited;
    assert.equal(e.unexpected, true);
    assert.equal(e.signal, 'SIGKILL');
    assert.equal(sup.state, 'stopped');
    assert.equal(sup.ready, undefined);
  });

  test('bad options fail with kind badOptions and the emulator\'s one-line reason', async () => {
    const sup = new EmulatorSupervisor(sink());
    await assert.rejects(sup.start({ script: EMULATOR_JS, args: ['--memory', '--time-scale', 'fast'] }), (err: StartError) => {
      assert.equal(err.kind, 'badOptions');
      assert.match(err.message, /time-scale/);
      return true;
    });
  });

  test('a program that prints something else first is rejected, not trusted', async () => {
    const sup = new EmulatorSupervisor(sink());
    await assert.rejects(sup.start({ script: '-e', args: ['console.log("hello"); setTimeout(() => {}, 10000)'] }), (err: StartError) => {
      assert.equal(err.kind, 'badReadyLine');
      return true;
    });
    assert.equal(sup.state, 'stopped');
  });

  test('an orphan record never kills a process that is not our emulator (pid reused)', async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    const dir = tempDir();
    recordRunning(dir, record({ pid: other.pid!, ownerPid: await deadPid(), http: 'http://127.0.0.1:1' }));
    try {
      assert.deepEqual(await reapOrphans(dir, () => {}), []);
      assert.equal(other.exitCode, null);
      process.kill(other.pid!, 0); // still alive
      assert.deepEqual(readRecords(dir), [], 'the stale record is dropped');
    } finally {
      other.kill();
    }
  });

  test("another window's emulator (its owner alive) is never stopped as an orphan", async () => {
    const sup = new EmulatorSupervisor(sink());
    const owner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    const dir = tempDir();
    try {
      const ready = await sup.start({ script: EMULATOR_JS, args: MEMORY });
      recordRunning(dir, record({ pid: sup.pid!, ownerPid: owner.pid!, http: ready.http, token: ready.token }));
      assert.deepEqual(await reapOrphans(dir, () => {}), []);
      assert.equal(sup.state, 'running');
      assert.equal((await fetch(`${ready.http}/emulator/status`, { headers: { Authorization: `Bearer ${ready.token}` } })).status, 200);
      // Its owner gone (the window crashed), the same emulator is an orphan and is stopped.
      owner.kill();
      await new Promise((r) => owner.once('exit', r));
      const exited = new Promise<ExitInfo>((r) => sup.onExit(r));
      const pid = sup.pid!;
      assert.deepEqual(await reapOrphans(dir, () => {}), [pid]);
      await exited;
    } finally {
      owner.kill();
      await sup.stop();
    }
  });
});
