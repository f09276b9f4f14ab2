/**
 * Torn writes through the real process: a half-written journal entry and a corrupt snapshot on
 * disk are detected at start-up, logged, and recovered without losing anything acknowledged.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { api, startEmulatorProcess, tempDir } from '../../helpers/emulatorProcess';
import { advance, mail, send } from '../../helpers/sending';

const warnings = (stderr: string) =>
  stderr
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { level: string; msg: string })
    .filter((l) => l.level === 'warn')
    .map((l) => l.msg);

describe('torn writes', () => {
  it('a journal entry torn mid-write is cut off with a log line; everything before it is kept', async () => {
    const dir = tempDir('mt-torn-');
    let emu = await startEmulatorProcess(['--data', dir]);
    let call = api(emu.ready);
    const sent = await send(call, mail({ to: [{ email: 'kept@example.net' }] }));
    assert.equal(sent.status, 200);
    await emu.kill9();
    // What a crash in the middle of an append leaves: the start of a line, no checksum match, no newline.
    const journal = path.join(dir, 'journal.log');
    const size = fs.statSync(journal).size;
    fs.appendFileSync(journal, '0badc0de {"q":999999,"o":[["INSERT INTO domains');

    emu = await startEmulatorProcess(['--data', dir]);
    call = api(emu.ready);
    assert.ok(warnings(emu.stderr()).some((m) => /torn tail/.test(m)), emu.stderr());
    assert.equal(fs.statSync(journal).size, size, 'the torn bytes are cut off');
    assert.equal((await call('GET', `/emulator/messages/${sent.json.message_ids[0]}`)).status, 200);
    assert.equal(await emu.stop(), 0);
  });

  it('a corrupt snapshot falls back to the previous generation and the journals: nothing acknowledged is lost', async () => {
    const dir = tempDir('mt-torn-');
    const ids: string[] = [];
    // Two clean stops make two snapshot generations; the third session ends with kill -9.
    for (let session = 0; session < 3; session++) {
      const emu = await startEmulatorProcess(['--data', dir]);
      const call = api(emu.ready);
      const r = await send(call, mail({ to: [{ email: `s${session}@example.net` }] }));
      assert.equal(r.status, 200);
      ids.push(r.json.message_ids[0]);
      const d = await call('POST', '/api/domains', { domain: { domain_name: `session${session}.test` } });
      assert.equal(d.status, 200);
      await advance(call, 10);
      if (session < 2) assert.equal(await emu.stop(), 0);
      else await emu.kill9();
    }
    const snapshot = path.join(dir, 'store.sqlite');
    const buf = fs.readFileSync(snapshot);
    buf.fill(0x5a, 4096, 8192); // one page of garbage
    fs.writeFileSync(snapshot, buf);

    const emu = await startEmulatorProcess(['--data', dir]);
    const call = api(emu.ready);
    const msgs = warnings(emu.stderr());
    assert.ok(msgs.some((m) => /snapshot unusable/.test(m)), emu.stderr());
    assert.ok(msgs.some((m) => /recovered from an unusable snapshot/.test(m)), emu.stderr());
    for (const id of ids) assert.equal((await call('GET', `/emulator/messages/${id}`)).status, 200, `message ${id}`);
    const domains = (await call('GET', '/api/domains')).json.data.map((d: { domain_name: string }) => d.domain_name);
    for (let s = 0; s < 3; s++) assert.ok(domains.includes(`session${s}.test`), `domain of session ${s}`);
    // Delivered lifecycles were not made again: each message still has exactly its one delivery event.
    const events = (await call('GET', `/emulator/events?message_id=${ids[0]}`)).json.data;
    assert.equal(events.length, 1);
    assert.equal(await emu.stop(), 0);
    assert.ok(fs.existsSync(path.join(dir, 'store.sqlite.corrupt')));
  });
});
