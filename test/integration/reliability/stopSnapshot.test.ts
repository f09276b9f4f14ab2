/**
 * The snapshot a clean stop writes right after a burst (issue 13, start-up): the emulator process
 * deflates the events' chunks before the stop's compaction (Store.prepareClose), as a compaction
 * at rest does, so that the next start reads and digests a few MB, not every event's text. The
 * restart has every event.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import initSqlJs from 'sql.js';
import { api, startEmulatorProcess, tempDir } from '../../helpers/emulatorProcess';

describe('a clean stop right after a burst', () => {
  it("writes a snapshot with the events' chunks deflated, and the restart has every event", async () => {
    const dir = tempDir();
    const n = 6_000;
    const line = (i: number) =>
      JSON.stringify({ event: 'delivery', message_id: `m-stop-${i}`, email: `r${i}@stop.test`, sending_stream: 'transactional', sending_domain_name: 'stop.test' });
    const emu = await startEmulatorProcess(['--data', dir]);
    const call = api(emu.ready);
    const r = await call('POST', '/emulator/replay', Array.from({ length: n }, (_, i) => line(i)).join('\n'), { 'Content-Type': 'application/jsonl' });
    assert.equal(r.status, 200, r.text);
    assert.equal(await emu.stop(), 0, 'SIGTERM exits 0');

    const SQL = await initSqlJs();
    const db = new SQL.Database(fs.readFileSync(path.join(dir, 'store.sqlite')));
    const chunks = db.exec('SELECT typeof(body), length(body) FROM event_store')[0].values;
    db.close();
    assert.equal(chunks.length, 3, 'three chunks of 2,000 events');
    assert.ok(chunks.every(([t]) => t === 'blob'), `deflated: ${chunks.map(([t]) => t).join()}`);
    assert.ok(chunks.every(([, len]) => Number(len) < 150_000), `a chunk of 2,000 events' text is ~400 KB: ${chunks.map(([, l]) => l).join()}`);

    const again = await startEmulatorProcess(['--data', dir]);
    try {
      const list = await api(again.ready)('GET', '/emulator/events?limit=1');
      assert.equal(list.status, 200, list.text);
      assert.equal(list.json.total, n, list.text.slice(0, 300));
      assert.equal(list.json.data[0].payload.message_id, `m-stop-${n - 1}`, 'the newest event first');
    } finally {
      assert.equal(await again.stop(), 0);
    }
  });
});
