/** The supervisor against the real dist/emulator.js: start, ready, stop, restart, port in use, crash, bad flags. */
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, describe, test } from 'node:test';
import { EMULATOR_JS } from '../../helpers/emulatorProcess';
import { EmulatorSupervisor, StartError, type ExitInfo } from '../../../src/emulator/supervisor';
import { reapOrphan, recordRunning } from '../../../src/emulator/orphans';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { tempDir } from '../../helpers/emulatorProcess';

function sink() {
  const lines: string[] = [];
  const add = (level: string) => (m: string) => void lines.push(`${level} ${m}`);
  return { lines, trace: add('trace'), info: add('info'), warn: add('warn'), error: add('error') };
}
const MEMORY = ['--memory', '--port', '0', '--smtp-port', '0'];

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
    const file = path.join(tempDir(), 'running-emulator.json');
    recordRunning(file, { pid: other.pid!, http: 'http://127.0.0.1:1', token: 't' });
    try {
      assert.equal(await reapOrphan(file, () => {}), undefined);
      assert.equal(other.exitCode, null);
      process.kill(other.pid!, 0); // still alive
    } finally {
      other.kill();
    }
  });
});
