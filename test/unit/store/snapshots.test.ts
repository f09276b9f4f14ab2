/**
 * Torn and corrupt snapshots on real files: the store falls back to the previous generation and
 * its journals, loses nothing that was committed, says so in the log, and writes a good snapshot.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createLogger } from '../../../emulator/log';
import { Store } from '../../../emulator/store/database';
import { createHash } from 'node:crypto';
import { COMPACTION_STEPS, digestInSlices, FILES } from '../../../emulator/store/snapshots';
import { snapshotPreloadFor, startSnapshotPreload } from '../../../emulator/store/snapshotPreload';
import { tempDir } from '../../helpers/emulatorProcess';

const logged = () => {
  const lines: string[] = [];
  return { log: createLogger('test', { level: 'debug', write: (l) => lines.push(l) }), lines };
};
const insert = (store: Store, name: string) => store.run('INSERT INTO domains (domain_name, created_at) VALUES (?, ?)', [name, 1]);
const names = (store: Store) => store.all<{ domain_name: string }>('SELECT domain_name FROM domains ORDER BY id').map((r) => r.domain_name);

/** Two generations on disk plus journal entries after the newest: a1,a2 | b1,b2 | c1 (not compacted). */
async function threeEras(dir: string): Promise<string[]> {
  const s = await Store.open({ dir, log: logged().log });
  insert(s, 'a1.test');
  insert(s, 'a2.test');
  s.compact();
  insert(s, 'b1.test');
  insert(s, 'b2.test');
  s.compact();
  insert(s, 'c1.test');
  return names(s); // no close: as after kill -9
}

/** a | b as two generations, c in the journal, then a compaction that dies after `steps` steps. */
async function crashInThirdCompaction(dir: string, steps: number): Promise<void> {
  const s = await Store.open({ dir, log: logged().log });
  insert(s, 'a.test');
  s.compact();
  insert(s, 'b.test');
  s.compact();
  insert(s, 'c.test');
  s.compact(steps); // no close: as after kill -9
}

/** 64 bytes in the middle of `buf`, flipped. */
function flipMiddle(buf: Uint8Array): void {
  const at = Math.floor(buf.length / 2);
  for (let i = 0; i < 64; i++) buf[at + i] ^= 0xff;
}

function corruptMiddle(file: string): void {
  const buf = fs.readFileSync(file);
  flipMiddle(buf);
  fs.writeFileSync(file, buf);
}

/** A data dir of three eras, its snapshot's preload started and awaited, as the CLI does first thing. */
async function preloadedEras(): Promise<{ dir: string; before: string[]; file: string; got: Awaited<ReturnType<typeof snapshotPreloadFor>> }> {
  const dir = tempDir();
  const before = await threeEras(dir);
  const file = path.join(dir, FILES.snapshot);
  startSnapshotPreload(file);
  return { dir, before, file, got: await snapshotPreloadFor(file) };
}

describe('snapshot generations', () => {
  it('opens from the snapshot read beforehand on the thread pool (the CLI starts it first thing)', async () => {
    const { dir, before, file, got } = await preloadedEras();
    assert.ok(got, 'the snapshot was read');
    assert.ok(got.data.equals(fs.readFileSync(file)));
    assert.equal(got.stat.ino, fs.statSync(file).ino);
    const l = logged();
    const s = await Store.open({ dir, log: l.log });
    assert.deepEqual(names(s), before);
    assert.equal(snapshotPreloadFor(file), undefined, 'the store took it');
    assert.ok(!l.lines.some((x) => /"level":"warn"/.test(x)), l.lines.join(''));
    s.close();
    const none = path.join(tempDir(), FILES.snapshot);
    startSnapshotPreload(none);
    assert.equal(snapshotPreloadFor(none), undefined, 'nothing read for a data dir without a snapshot');
  });

  it('the bytes read beforehand are the ones opened, checked against the digest as any read is', async () => {
    const { dir, before, got } = await preloadedEras();
    assert.ok(got);
    flipMiddle(got.data); // in memory only: the file is whole
    const l = logged();
    const s = await Store.open({ dir, log: l.log });
    assert.deepEqual(names(s), before, 'the previous generation and the journals');
    assert.ok(l.lines.some((x) => /snapshot unusable/.test(x) && /digest/.test(x)), l.lines.join(''));
    s.close();
  });

  it('a snapshot changed after the preload read it is read again, not trusted from memory', async () => {
    const { dir, before, file } = await preloadedEras();
    corruptMiddle(file); // the preload holds the good bytes; the file on disk no longer matches its digest
    const l = logged();
    const s = await Store.open({ dir, log: l.log });
    assert.deepEqual(names(s), before);
    assert.ok(l.lines.some((x) => /snapshot unusable/.test(x) && /digest/.test(x)), l.lines.join(''));
    s.close();
  });

  it('a snapshot with corrupt bytes falls back to the previous one plus journals, keeps it aside, and logs it', async () => {
    const dir = tempDir();
    const before = await threeEras(dir);
    corruptMiddle(path.join(dir, FILES.snapshot));
    const l = logged();
    const s = await Store.open({ dir, log: l.log });
    assert.deepEqual(names(s), before);
    assert.ok(l.lines.some((x) => /snapshot unusable/.test(x) && /digest/.test(x)), l.lines.join(''));
    assert.ok(l.lines.some((x) => /recovered from an unusable snapshot/.test(x)));
    assert.ok(fs.existsSync(path.join(dir, FILES.corrupt)), 'the bad file is kept for inspection');
    insert(s, 'd1.test');
    // The fresh generation opens cleanly, with no warning.
    const l2 = logged();
    const t = await Store.open({ dir, log: l2.log });
    assert.deepEqual(names(t), [...before, 'd1.test']);
    assert.ok(!l2.lines.some((x) => /"level":"warn"/.test(x)), l2.lines.join(''));
    t.close();
  });

  it('a truncated snapshot (torn write) is detected by its length and recovered', async () => {
    const dir = tempDir();
    const before = await threeEras(dir);
    const file = path.join(dir, FILES.snapshot);
    fs.truncateSync(file, Math.floor(fs.statSync(file).size / 3));
    const l = logged();
    const s = await Store.open({ dir, log: l.log });
    assert.deepEqual(names(s), before);
    assert.ok(l.lines.some((x) => /snapshot unusable/.test(x) && /truncated/.test(x)), l.lines.join(''));
    s.close();
  });

  it('without its digest file a corrupt snapshot is still caught by SQLite structure checks', async () => {
    const dir = tempDir();
    const before = await threeEras(dir);
    const file = path.join(dir, FILES.snapshot);
    fs.rmSync(`${file}.sha256`);
    const buf = fs.readFileSync(file);
    buf.write('garbage!', 0, 'latin1');
    fs.writeFileSync(file, buf);
    const s = await Store.open({ dir, log: logged().log });
    assert.deepEqual(names(s), before);
    s.close();
  });

  it('without a digest, a page of garbage inside the file is caught by quick_check', async () => {
    const dir = tempDir();
    const s0 = await Store.open({ dir, log: logged().log });
    for (let i = 0; i < 300; i++) insert(s0, `x${i}-${'p'.repeat(200)}.test`);
    s0.compact();
    insert(s0, 'last.test');
    const before = names(s0);
    const file = path.join(dir, FILES.snapshot);
    fs.rmSync(`${file}.sha256`);
    const buf = fs.readFileSync(file);
    const page = buf.readUInt16BE(16);
    buf.fill(0xa5, page * 3, page * 4); // the fourth page: b-tree data
    fs.writeFileSync(file, buf);
    const l = logged();
    const s = await Store.open({ dir, log: l.log });
    assert.deepEqual(names(s), before);
    assert.ok(l.lines.some((x) => /snapshot unusable/.test(x) && /quick_check|malformed|not a database/.test(x)), l.lines.join(''));
    s.close();
  });

  // The previous journal is read whole only when its last line is not whole or is newer than the
  // snapshot being opened (lastEntrySeq): a normal start after a busy session skips its tens of MB.
  it('opens from the newest snapshot whatever the previous journal holds before its last line, and reads it whole when its tail is torn', async () => {
    for (const damage of ['first line', 'torn tail', 'torn tail, newest snapshot corrupt'] as const) {
      const dir = tempDir();
      const before = await threeEras(dir);
      const prev = path.join(dir, FILES.prevJournal);
      const buf = fs.readFileSync(prev);
      assert.ok(buf.indexOf(0x0a) < buf.length - 1, 'the previous journal holds more than one line');
      if (damage === 'first line') buf[20] ^= 0xff;
      fs.writeFileSync(prev, damage === 'first line' ? buf : Buffer.concat([buf, Buffer.from('0123abcd {"q":')]));
      // Falling back to the previous snapshot needs the previous journal's entries: read whole.
      if (damage === 'torn tail, newest snapshot corrupt') corruptMiddle(path.join(dir, FILES.snapshot));
      const l = logged();
      const t = await Store.open({ dir, log: l.log });
      assert.deepEqual(names(t), before, damage);
      const from = damage === 'torn tail, newest snapshot corrupt' ? 'previous snapshot' : 'snapshot';
      assert.ok(l.lines.some((x) => x.includes(`"from":"${from}"`)), `${damage}: ${l.lines.join('')}`);
      insert(t, 'd1.test');
      t.compact();
      t.close();
      const u = await Store.open({ dir, log: logged().log });
      assert.deepEqual(names(u), [...before, 'd1.test'], `${damage}, then a compaction`);
      u.close();
    }
  });

  it('a crash after any compaction step loses nothing', async () => {
    for (let steps = 0; steps <= COMPACTION_STEPS.length; steps++) {
      const dir = tempDir();
      await crashInThirdCompaction(dir, steps);
      const l = logged();
      const t = await Store.open({ dir, log: l.log });
      assert.deepEqual(names(t), ['a.test', 'b.test', 'c.test'], `crash after step ${steps}`);
      insert(t, 'd.test');
      t.compact();
      const u = await Store.open({ dir, log: logged().log });
      assert.deepEqual(names(u), ['a.test', 'b.test', 'c.test', 'd.test'], `after recovery from step ${steps}`);
      u.close();
    }
  });

  it('a crash in any step of a compaction, then another in any step of the next one, loses nothing', async () => {
    // Found by the crash harness: after a crash between rotating the journal and putting the new
    // snapshot in place, the generation opened needs the previous journal; the next compaction's
    // rotation must not take it away before a newer snapshot is in place.
    for (let first = 0; first <= COMPACTION_STEPS.length; first++) {
      for (let second = 0; second <= COMPACTION_STEPS.length; second++) {
        const dir = tempDir();
        await crashInThirdCompaction(dir, first);
        const t = await Store.open({ dir, log: logged().log });
        insert(t, 'd.test');
        t.compact(second); // dies again
        const u = await Store.open({ dir, log: logged().log });
        const at = `crashes after steps ${first} and ${second}`;
        assert.deepEqual(names(u), ['a.test', 'b.test', 'c.test', 'd.test'], at);
        insert(u, 'e.test');
        u.compact();
        const v = await Store.open({ dir, log: logged().log });
        assert.deepEqual(names(v), ['a.test', 'b.test', 'c.test', 'd.test', 'e.test'], at);
        v.close();
      }
    }
  });

  it('two crashes in two compactions (before the digest, then between the renames) still lose nothing', async () => {
    // Found by the crash harness: a snapshot left without its digest by the first crash became the
    // previous one in the next compaction, under the digest of the one before it.
    const dir = tempDir();
    const s = await Store.open({ dir, log: logged().log });
    insert(s, 'a.test');
    s.compact();
    insert(s, 'b.test');
    s.compact(COMPACTION_STEPS.length - 1); // dies before writing the new snapshot's digest
    const t = await Store.open({ dir, log: logged().log });
    insert(t, 'c.test');
    t.compact(4); // dies after moving the snapshot to "previous", before the new one is in place
    const u = await Store.open({ dir, log: logged().log });
    assert.deepEqual(names(u), ['a.test', 'b.test', 'c.test']);
    u.close();
  });

  it('refuses to open, with a clear reason, when no generation can be brought up to date', async () => {
    const dir = tempDir();
    await threeEras(dir);
    corruptMiddle(path.join(dir, FILES.snapshot));
    corruptMiddle(path.join(dir, FILES.prevSnapshot));
    await assert.rejects(Store.open({ dir, log: logged().log }), /cannot be recovered: snapshot: .*previous snapshot: .*empty: journal gap/);
  });
});

// A compaction in the background hashes its snapshot on the main thread a slice a turn (Web Crypto
// first copied it there in one go: ~80 ms for 88 MB). The digest must be the file's, whatever the slicing.
describe('the snapshot digest, a slice a turn', () => {
  const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

  it('is the SHA-256 of the whole, at and around slice boundaries', async () => {
    const data = Buffer.alloc(10 * 64 + 7);
    for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 0xff;
    for (const n of [0, 1, 63, 64, 65, 128, 640, data.length]) {
      assert.equal(await digestInSlices(data.subarray(0, n), 64), sha256(data.subarray(0, n)), `${n} bytes`);
    }
  });

  it('lets other work run between slices', async () => {
    const data = Buffer.alloc(8 * 1024);
    let turns = 0;
    let done = false;
    const tick = () => {
      turns++;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    const digest = await digestInSlices(data, 1024);
    done = true;
    assert.equal(digest, sha256(data));
    assert.ok(turns >= 7, `other work ran ${turns} times while 8 slices were hashed`);
  });

  it("a background compaction of several megabytes leaves the snapshot's own digest beside it, and a start trusts it", async () => {
    const dir = tempDir();
    const s = await Store.open({ dir, log: logged().log, groupCommit: true });
    const long = 'x'.repeat(200_000);
    for (let i = 0; i < 20; i++) s.run('INSERT INTO meta (key, value) VALUES (?, ?)', [`big-${i}`, long]);
    insert(s, 'kept.test');
    await s.durable();
    await s.compactInBackground();
    const file = path.join(dir, FILES.snapshot);
    assert.ok(fs.statSync(file).size > 4_000_000);
    assert.equal(fs.readFileSync(`${file}.sha256`, 'utf8').trim(), sha256(fs.readFileSync(file)));
    // As after kill -9: that snapshot, checked against its digest, plus the new journal.
    const l = logged();
    const again = await Store.open({ dir, log: l.log });
    assert.deepEqual(names(again), ['kept.test']);
    assert.ok(l.lines.some((x) => /store opened/.test(x) && /"from":"snapshot"/.test(x)), l.lines.join(''));
    assert.ok(!l.lines.some((x) => /snapshot unusable/.test(x)), l.lines.join(''));
    again.close();
    s.close();
  });
});
