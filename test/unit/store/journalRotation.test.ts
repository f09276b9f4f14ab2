/**
 * A compaction's renames (issue 13, `replaceFile`): the rotated journal takes the previous one's
 * name (`journal.prev.log`), and the snapshot the previous snapshot's (`store.prev.sqlite`), only
 * after that one was moved aside, and the one moved aside is deleted off the main thread. Renamed onto an existing file, ext4 (`auto_da_alloc`, its default) wrote out
 * the rotated journal's data and freed the replaced one's blocks in the renaming thread: 44–65 ms
 * for 64 MB journals here, on the main thread, in the middle of a burst.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createLogger } from '../../../emulator/log';
import { Store } from '../../../emulator/store/database';
import { readJournal } from '../../../emulator/store/journal';
import { discardedFile } from '../../../emulator/store/replaceFile';
import { FILES } from '../../../emulator/store/snapshots';
import { tempDir } from '../../helpers/emulatorProcess';

const quiet = createLogger('test', { level: 'error', write: () => undefined });
const insert = (store: Store, name: string) => store.run('INSERT INTO domains (domain_name, created_at) VALUES (?, ?)', [name, 1]);
const names = (store: Store) => store.all<{ domain_name: string }>('SELECT domain_name FROM domains ORDER BY id').map((r) => r.domain_name);
/** The domain names a journal file's entries insert. */
const insertedIn = (file: string) =>
  readJournal(file)
    .entries.flatMap((e) => e.o)
    .filter(([sql]) => sql.startsWith('INSERT INTO domains'))
    .map(([, params]) => String(params[0]));

/** Waits (a turn at a time, at most ~2 s) until `file` is gone; whether it went. */
async function gone(file: string): Promise<boolean> {
  for (let i = 0; i < 200 && fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 10));
  return !fs.existsSync(file);
}

/** Every `fs.renameSync` made while `fn` runs: its target, and whether a file was there already. */
function renamesDuring(fn: () => void): { to: string; replaced: boolean }[] {
  const seen: { to: string; replaced: boolean }[] = [];
  const real = fs.renameSync;
  (fs as { renameSync: typeof fs.renameSync }).renameSync = (from, to) => {
    seen.push({ to: String(to), replaced: fs.existsSync(to) });
    real(from, to);
  };
  try {
    fn();
  } finally {
    (fs as { renameSync: typeof fs.renameSync }).renameSync = real;
  }
  return seen;
}

describe('journal rotation', () => {
  it('the rotated journal and the snapshot never land on an existing file; the ones they follow are deleted off the main thread, and a reopen loses nothing', async () => {
    const dir = tempDir();
    const prev = path.join(dir, FILES.prevJournal);
    const s = await Store.open({ dir, log: quiet });
    insert(s, 'first.test');
    s.compact();
    insert(s, 'second.test');
    assert.deepEqual(insertedIn(prev), ['first.test'], 'the first rotation: the journal with the first write');

    const renames = renamesDuring(() => s.compact());
    const ontoPrev = renames.filter((r) => r.to === prev);
    assert.equal(ontoPrev.length, 1, 'the second rotation renames the journal to journal.prev.log');
    assert.equal(ontoPrev[0].replaced, false, 'onto no file: the previous journal was moved aside first');
    assert.deepEqual(insertedIn(prev), ['second.test'], 'journal.prev.log is the journal the second compaction rotated');
    assert.ok(await gone(discardedFile(prev)), 'the journal moved aside is deleted');

    insert(s, 'third.test');
    // The third compaction: a previous snapshot is there now, and the snapshot replaces it the same way.
    const prevSnapshot = path.join(dir, FILES.prevSnapshot);
    assert.ok(fs.existsSync(prevSnapshot), 'a previous snapshot to replace');
    const third = renamesDuring(() => s.compact()).filter((r) => r.to === prevSnapshot);
    assert.deepEqual(third, [{ to: prevSnapshot, replaced: false }], 'the snapshot renamed onto no file: the previous one was moved aside first');
    assert.ok(await gone(discardedFile(prevSnapshot)), 'the snapshot moved aside is deleted');
    insert(s, 'fourth.test');
    s.close();
    const again = await Store.open({ dir, log: quiet });
    assert.deepEqual(names(again), ['first.test', 'second.test', 'third.test', 'fourth.test']);
    again.close();
  });

  it('a kill between moving the previous journal aside and renaming the journal loses nothing, and the next open deletes what was moved aside', async () => {
    const dir = tempDir();
    const prev = path.join(dir, FILES.prevJournal);
    const s = await Store.open({ dir, log: quiet });
    insert(s, 'a.test');
    s.compact();
    insert(s, 'b.test');
    s.compact();
    insert(s, 'c.test');
    await s.durable();
    // As a kill -9 right after the rotation's first step: journal.prev.log moved aside, the
    // journal (with c) not yet renamed.
    fs.renameSync(prev, discardedFile(prev));
    const warnings: string[] = [];
    const again = await Store.open({ dir, log: createLogger('test', { level: 'warn', write: (l) => warnings.push(l) }) });
    assert.deepEqual(names(again), ['a.test', 'b.test', 'c.test']);
    assert.deepEqual(warnings, [], 'opened from the newest generation, with nothing to warn about');
    assert.ok(await gone(discardedFile(prev)), 'the file moved aside is deleted at the open');
    again.close();
    s.close();
  });
});
