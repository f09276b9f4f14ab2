/**
 * Group commit (issue 13): with `groupCommit`, the transactions of one event-loop turn share one
 * journal record and one write; whoever acknowledges waits for it with `whenDurable`. A process
 * killed before the write loses only what nobody was told about.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createLogger } from '../../../emulator/log';
import { Store } from '../../../emulator/store/database';
import { readJournal } from '../../../emulator/store/journal';
import { FILES } from '../../../emulator/store/snapshots';
import { tempDir } from '../../helpers/emulatorProcess';

const log = createLogger('test', { level: 'error', write: () => undefined });
const logged = () => {
  const lines: string[] = [];
  return { log: createLogger('test', { level: 'debug', write: (l) => lines.push(l) }), lines };
};
const insert = (store: Store, name: string) => store.run('INSERT INTO domains (domain_name, created_at) VALUES (?, ?)', [name, 1]);
const names = (store: Store) => store.all<{ domain_name: string }>('SELECT domain_name FROM domains ORDER BY id').map((r) => r.domain_name);
const journalOf = (dir: string) => readJournal(path.join(dir, 'journal.log')).entries;

/** A group-commit store with `n` rows `tag-i.test` durable, and a background compaction just begun (its data taken, the journal rotated). */
async function compactingInBackground(n: number, tag: string) {
  const dir = tempDir();
  const s = await Store.open({ dir, log, groupCommit: true });
  for (let i = 0; i < n; i++) insert(s, `${tag}-${i}.test`);
  await s.durable();
  return { dir, s, done: s.compactInBackground() };
}

describe('group commit', () => {
  it("a compaction while a turn's record is still unwritten writes it first: after a kill, nothing is applied twice", async () => {
    const dir = tempDir();
    const s = await Store.open({ dir, log, groupCommit: true });
    insert(s, 'before.test');
    await s.durable();
    s.transaction(() => s.run('INSERT INTO meta (key, value) VALUES (?, ?)', ['once', '1']));
    insert(s, 'pending.test');
    // The turn has not ended: its record is not written yet. A compaction now (as a timer may run one).
    s.compact();
    await s.durable();
    // As after kill -9: the newest snapshot plus its journal, each change once. (Replayed twice,
    // the meta INSERT would fail, and the store would fall back to the previous generation, with
    // a warning.)
    const lines: string[] = [];
    const again = await Store.open({ dir, log: createLogger('test', { level: 'warn', write: (l) => lines.push(l) }) });
    assert.deepEqual(lines, [], 'opened from the newest generation, nothing replayed twice');
    assert.deepEqual(names(again), ['before.test', 'pending.test']);
    assert.equal(again.get<{ n: number }>("SELECT COUNT(*) AS n FROM meta WHERE key = 'once'")!.n, 1);
    again.close();
    s.close();
  });

  it('a compaction due waits for a quiet moment, and starts at once when the journal is past twice the bound', async () => {
    const dir = tempDir();
    const s = await Store.open({ dir, log, groupCommit: true, compactBytes: 8192 });
    const journalBytes = () => fs.statSync(path.join(dir, 'journal.log')).size;
    const fill = (bytes: number, tag: string) => {
      for (let i = 0; journalBytes() + i * 100 < bytes; i++) insert(s, `${tag}-${i}-${'x'.repeat(60)}.test`);
    };
    assert.ok(journalBytes() < 8192, 'opened with a short journal');
    fill(11_000, 'due');
    await s.durable();
    const due = journalBytes();
    assert.ok(due > 8192 && due < 16384, `past the bound, under twice it (${due} bytes)`);
    // Quiet from now on: the compaction goes ahead.
    for (let k = 0; k < 100 && journalBytes() >= 8192; k++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(journalBytes() < 8192, 'compacted once quiet');
    // That compaction writes its snapshot in the background: let it end (while one is under way,
    // the next waits for it).
    await s.compactInBackground();
    const count = names(s).length;
    fill(20_000, 'big');
    await s.durable();
    assert.ok(journalBytes() < 8192, 'past twice the bound: a compaction began in the same flush (the journal rotated)');
    await s.compactInBackground();
    const all = names(s);
    assert.ok(all.length > count);
    // As after kill -9: the snapshots and the journal bring everything back.
    const again = await Store.open({ dir, log });
    assert.deepEqual(names(again), all);
    again.close();
    s.close();
  });

  // A crash makes the next start replay the whole current journal (up to 64 MB by default, ~2 s
  // for 32 MB here): after a rest, what it leaves is small.
  it('after a rest, a journal past its resting bound is compacted in the background; under it, or while busy, it is not', async () => {
    const dir = tempDir();
    // (A new store's journal already holds its migrations, ~10 KB.)
    const s = await Store.open({ dir, log, groupCommit: true, compactBytes: 1 << 20, restBytes: 16_384, restMs: 150 });
    const journalBytes = () => fs.statSync(path.join(dir, 'journal.log')).size;
    const rotated = () => fs.existsSync(path.join(dir, FILES.prevJournal));
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    insert(s, 'small.test');
    await s.durable();
    await pause(450);
    assert.ok(journalBytes() < 16_384 && !rotated(), `under the resting bound: left as it is (${journalBytes()} bytes)`);
    // Busy: a commit every 30 ms, past the bound all along, never quiet for 150 ms.
    for (let i = 0; i < 12; i++) {
      insert(s, `busy-${i}-${'x'.repeat(1000)}.test`);
      await s.durable();
      await pause(30);
    }
    assert.ok(journalBytes() > 16_384 && !rotated(), `past the bound (${journalBytes()} bytes) but never at rest: not compacted`);
    const snapshot = path.join(dir, FILES.snapshot);
    const before = fs.statSync(snapshot).ino;
    for (let k = 0; k < 100 && !rotated(); k++) await pause(20);
    assert.ok(rotated(), 'compacted once at rest');
    // The new snapshot is written off the main thread, then renamed into place.
    for (let k = 0; k < 150 && fs.statSync(snapshot).ino === before; k++) await pause(20);
    assert.equal(journalBytes(), 0);
    const all = names(s);
    assert.equal(all.length, 13);
    // As after kill -9: the new snapshot, nothing left to replay, nothing lost.
    const l = logged();
    const again = await Store.open({ dir, log: l.log });
    assert.deepEqual(names(again), all);
    assert.ok(l.lines.some((x) => x.includes('"replayed":0')), l.lines.join(''));
    again.close();
    s.close();
  });

  it('the transactions of one turn are one journal record, written before anyone waiting is answered', async () => {
    const dir = tempDir();
    const s = await Store.open({ dir, log, groupCommit: true });
    const before = journalOf(dir).length;
    insert(s, 'a.test');
    insert(s, 'b.test');
    s.transaction(() => {
      insert(s, 'c.test');
      insert(s, 'd.test');
    });
    // Committed (readable at once), not yet written.
    assert.deepEqual(names(s), ['a.test', 'b.test', 'c.test', 'd.test']);
    assert.equal(journalOf(dir).length, before);
    const seenOnDisk = await new Promise<number>((resolve) => s.whenDurable(() => resolve(journalOf(dir).length)));
    assert.equal(seenOnDisk, before + 1, 'one record for the whole turn, on disk when the waiter runs');
    assert.equal(journalOf(dir).at(-1)!.o.length, 4);
    // Nothing pending: the callback runs at once.
    let now = false;
    s.whenDurable(() => (now = true));
    assert.equal(now, true);
    // As after kill -9: the journal alone brings everything back.
    const again = await Store.open({ dir, log });
    assert.deepEqual(names(again), ['a.test', 'b.test', 'c.test', 'd.test']);
    again.close();
  });

  it('durable(upTo) waits only for the commits before its mark: at once when the journal holds them, whatever was committed after (a batch POST after the previous attempt\'s record, issue 13)', async () => {
    const dir = tempDir();
    const s = await Store.open({ dir, log, groupCommit: true });
    insert(s, 'batch.test');
    const mark = s.commitMark();
    let waited = false;
    const first = s.durable(mark).then(() => (waited = true));
    assert.equal(waited, false);
    await first;
    assert.ok(JSON.stringify(journalOf(dir)).includes('batch.test'), 'it waited for the write that holds the commit before the mark');
    // A later commit, not yet written: a wait up to the mark does not wait for it; a full one does.
    insert(s, 'attempt.test');
    const before = journalOf(dir).length;
    let upTo = false;
    let all = false;
    const upToDone = s.durable(mark).then(() => (upTo = true));
    const allDone = s.durable().then(() => (all = true));
    await Promise.resolve();
    assert.equal(upTo, true, 'resolved at once');
    assert.equal(all, false, 'a full wait waits for the next write');
    assert.equal(journalOf(dir).length, before, 'nothing written yet');
    await Promise.all([upToDone, allDone]);
    assert.equal(journalOf(dir).length, before + 1);
    s.close();
  });

  it("the journal's next pages are written ahead when quiet; a kill leaves them, and the next open cuts them off without a torn tail; a compaction and a close leave none", async () => {
    const dir = tempDir();
    const s = await Store.open({ dir, log, groupCommit: true, writeAhead: 3 << 20, compactBytes: 64 << 20 });
    const file = path.join(dir, 'journal.log');
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    insert(s, 'first.test');
    await s.durable();
    const lines = readJournal(file).validBytes;
    for (let k = 0; k < 100 && fs.statSync(file).size < lines + (3 << 20); k++) await pause(20);
    assert.equal(fs.statSync(file).size, lines + (3 << 20), 'quiet: 3 MB written ahead of the last line, a slice a turn');
    for (let i = 0; i < 50; i++) insert(s, `more-${i}.test`);
    await s.durable();
    const read = readJournal(file);
    assert.ok(read.validBytes > lines && read.tornBytes === 0 && read.aheadBytes > 0, 'the new record took the place of zeros');
    // What a kill -9 leaves: the files as they are now.
    const copy = tempDir();
    for (const f of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, f), path.join(copy, f));
    const l = logged();
    const crashed = await Store.open({ dir: copy, log: l.log });
    const acked = names(s);
    assert.deepEqual(names(crashed), acked);
    assert.ok(!l.lines.some((x) => x.includes('torn')), 'no torn tail reported');
    assert.equal(fs.statSync(path.join(copy, 'journal.log')).size, read.validBytes, 'the zeros cut off');
    insert(crashed, 'after.test');
    crashed.close();
    const again = await Store.open({ dir: copy, log });
    assert.deepEqual(names(again), [...acked, 'after.test'], 'written on from the last line');
    again.close();
    // A compaction rotates the journal without its zeros; the new one gets its own once quiet.
    await s.compactInBackground();
    assert.equal(fs.statSync(path.join(dir, FILES.prevJournal)).size, readJournal(path.join(dir, FILES.prevJournal)).validBytes, 'the rotated journal ends with its last line');
    insert(s, 'next.test');
    await s.durable();
    // (Topped up once less than half is left: the record just written took some of it.)
    for (let k = 0; k < 100 && readJournal(file).aheadBytes < 3 << 19; k++) await pause(20);
    assert.ok(readJournal(file).aheadBytes > 3 << 19, 'written ahead again');
    s.close();
    assert.equal(readJournal(file).aheadBytes, 0, 'a closed store leaves none');
    const last = await Store.open({ dir, log });
    assert.deepEqual(names(last), [...acked, 'next.test']);
    last.close();
  });

  it('a kill before the turn ends loses only the unacknowledged turn; a rolled-back transaction is never written', async () => {
    const dir = tempDir();
    const s = await Store.open({ dir, log, groupCommit: true });
    insert(s, 'acked.test');
    await s.durable();
    assert.throws(() =>
      s.transaction(() => {
        insert(s, 'rolled-back.test');
        throw new Error('invalid');
      }),
    );
    insert(s, 'not-yet-written.test');
    // Open a second store on the files now, before this turn's write: what a kill -9 leaves.
    const copy = tempDir();
    for (const f of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, f), path.join(copy, f));
    const crashed = await Store.open({ dir: copy, log });
    assert.deepEqual(names(crashed), ['acked.test']);
    crashed.close();
    await s.durable();
    const later = await Store.open({ dir, log });
    assert.deepEqual(names(later), ['acked.test', 'not-yet-written.test']);
    later.close();
  });

  it('a compaction in the background: commits made while its snapshot is written go to the new journal, and a kill after it needs nothing else', async () => {
    const { dir, s, done } = await compactingInBackground(50, 'before');
    insert(s, 'during-1.test');
    insert(s, 'during-2.test');
    await s.durable();
    assert.deepEqual(journalOf(dir).length, 1, "the meanwhile's turn is the new journal's only record");
    await done;
    assert.ok(!fs.existsSync(path.join(dir, FILES.snapshotInBackground)), 'its temp file is gone');
    insert(s, 'after.test');
    await s.durable();
    const all = names(s);
    // As after kill -9: the new snapshot plus the new journal, without the previous one.
    fs.rmSync(path.join(dir, FILES.prevJournal));
    fs.rmSync(path.join(dir, FILES.prevSnapshot));
    const l = logged();
    const again = await Store.open({ dir, log: l.log });
    assert.deepEqual(names(again), all);
    assert.ok(l.lines.some((x) => /store opened/.test(x) && /"from":"snapshot"/.test(x) && /"replayed":2/.test(x)), l.lines.join(''));
    again.close();
    s.close();
  });

  it('a close while a background compaction writes its snapshot finishes it first; a kill leaves only an unused file, removed at the next open', async () => {
    const { dir, s, done } = await compactingInBackground(30, 'a');
    insert(s, 'b.test');
    s.close(); // compacts: the background one is put in place first
    await done;
    assert.ok(!fs.existsSync(path.join(dir, FILES.snapshotInBackground)));
    const l = logged();
    const again = await Store.open({ dir, log: l.log });
    assert.deepEqual(names(again), [...Array.from({ length: 30 }, (_, i) => `a-${i}.test`), 'b.test']);
    assert.ok(!l.lines.some((x) => /interrupted compaction|unusable/.test(x)), 'no generation needed the previous journal, none was unusable');
    assert.ok(l.lines.some((x) => /store opened/.test(x) && /"from":"snapshot"/.test(x) && /"replayed":0/.test(x)), l.lines.join(''));
    // Killed while writing it: the journal rotated (the first compaction step), a partial file beside it.
    insert(again, 'c.test');
    again.compact(1);
    fs.writeFileSync(path.join(dir, FILES.snapshotInBackground), 'partial');
    const third = await Store.open({ dir, log });
    assert.deepEqual(names(third).slice(-2), ['b.test', 'c.test']);
    assert.ok(!fs.existsSync(path.join(dir, FILES.snapshotInBackground)), 'removed at open');
    third.close();
  });

  it('a background compaction that cannot write its snapshot loses nothing, and the next compaction first puts one in place', async () => {
    const dir = tempDir();
    const l = logged();
    const s = await Store.open({ dir, log: l.log, groupCommit: true });
    insert(s, 'a.test');
    s.compact();
    insert(s, 'b.test');
    await s.durable();
    fs.mkdirSync(path.join(dir, FILES.snapshotInBackground)); // its write fails (EISDIR)
    await s.compactInBackground();
    assert.ok(l.lines.some((x) => /compaction failed/.test(x)), l.lines.join(''));
    fs.rmSync(path.join(dir, FILES.snapshotInBackground), { recursive: true });
    insert(s, 'c.test');
    await s.durable();
    // The journal it rotated (a, b) is still needed by the snapshot in place (a): the next
    // compaction must not rotate it away first. Killed right after that compaction's rotation:
    s.compact(1);
    const again = await Store.open({ dir, log });
    assert.deepEqual(names(again), ['a.test', 'b.test', 'c.test']);
    again.close();
  });

  it('close and compaction write the pending turn first, so it is neither lost nor replayed twice', async () => {
    const dir = tempDir();
    const s = await Store.open({ dir, log, groupCommit: true });
    insert(s, 'one.test');
    s.compact();
    insert(s, 'two.test');
    s.close();
    const t = await Store.open({ dir, log });
    assert.deepEqual(names(t), ['one.test', 'two.test']);
    t.close();
  });
});
