/**
 * A snapshot's export into a buffer the store keeps (issue 13): sql.js's `export()` as the build
 * patches it (scripts/sqlJsExport.mjs, applied here to the installed sql.js, as the build applies
 * it) and `SnapshotBuffer` (emulator/store/snapshotBuffer.ts). An export into the kept buffer is
 * the database's bytes, the same as sql.js's own export; a buffer still lent (the last snapshot's
 * write or digest still reading it) is never written by the next export; a patch that no longer
 * finds sql.js's allocation fails the build instead of bundling an export without the hook.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Database, SqlJsStatic } from 'sql.js';
import { EXPORT_ALLOCATION, withExportBuffer } from '../../../scripts/sqlJsExport.mjs';
import { KEEP_AT_MOST, SnapshotBuffer, type ExportHook } from '../../../emulator/store/snapshotBuffer';
import { tempDir } from '../../helpers/emulatorProcess';

const requireHere = createRequire(__filename);
const sqlJsFile = requireHere.resolve('sql.js');
const wasmFile = path.join(path.dirname(sqlJsFile), 'sql-wasm.wasm');

/** The installed sql.js with the build's patch, loaded from a file of its own (the plain one stays as it is). */
async function patchedSqlJs(): Promise<SqlJsStatic> {
  const file = path.join(tempDir('mt-sqljs-'), 'sql-wasm.js');
  fs.writeFileSync(file, withExportBuffer(fs.readFileSync(sqlJsFile, 'utf8'), sqlJsFile));
  const init = createRequire(file)(file) as (opts: { locateFile: () => string }) => Promise<SqlJsStatic>;
  return init({ locateFile: () => wasmFile });
}

/** A database of a few hundred pages whose bytes depend on `seed`. */
function filled(SQL: SqlJsStatic, seed: number): Database {
  const db = new SQL.Database();
  db.run('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
  db.run('BEGIN');
  for (let i = 0; i < 2000; i++) db.run('INSERT INTO t (body) VALUES (?)', [`${seed}:${i}:`.padEnd(400, String.fromCharCode(97 + ((seed + i) % 26)))]);
  db.run('COMMIT');
  return db;
}

describe('a snapshot exported into the kept buffer (scripts/sqlJsExport.mjs, snapshotBuffer.ts)', () => {
  it('is the database\'s bytes as sql.js\'s own export makes them, in the buffer it was given', async () => {
    const plain = (await import('sql.js')).default as unknown as (opts: { locateFile: () => string }) => Promise<SqlJsStatic>;
    const [SQL, Plain] = await Promise.all([patchedSqlJs(), plain({ locateFile: () => wasmFile })]);
    const expected = filled(Plain, 1).export();
    const db = filled(SQL, 1);
    const given: Uint8Array[] = [];
    (db as unknown as ExportHook).exportBuffer = (n) => {
      const b = new Uint8Array(n + 4096).fill(0xee); // larger than asked, and not zeroed
      given.push(b);
      return b;
    };
    const data = db.export();
    assert.equal(given.length, 1, 'export() asked the hook for its buffer once');
    assert.equal(data.buffer, given[0].buffer, 'the data is a view of that buffer');
    assert.equal(data.length, expected.length, 'as long as the database, not the buffer');
    assert.ok(Buffer.from(data).equals(Buffer.from(expected)), 'the same bytes as the plain export');
    // Without a hook the patched export allocates its own, as before.
    delete (db as unknown as ExportHook).exportBuffer;
    assert.ok(Buffer.from(db.export()).equals(Buffer.from(expected)));
    // The database goes on after its export (export() closes and reopens it).
    db.run('INSERT INTO t (body) VALUES (?)', ['after']);
    assert.deepEqual(db.exec("SELECT count(*) FROM t WHERE body = 'after'")[0].values, [[1]]);
  });

  it('is given again once given back, never while the last snapshot\'s data is still read, and a new one when the database outgrew it', async () => {
    const SQL = await patchedSqlJs();
    const buffers = new SnapshotBuffer();
    const db = filled(SQL, 2);
    const exportNow = () => buffers.exporting(db as unknown as ExportHook, () => db.export());
    const first = exportNow();
    const firstBytes = Buffer.from(first);
    // Lent: the background write and digest of `first` still read it.
    db.run("UPDATE t SET body = 'changed' WHERE id <= 1000");
    const second = exportNow();
    assert.notEqual(second.buffer, first.buffer, 'an export while the kept buffer is lent gets another');
    assert.ok(Buffer.from(first).equals(firstBytes), 'the lent data is untouched by the export after it');
    buffers.giveBack(second); // not the kept one: nothing changes
    const third = exportNow();
    assert.notEqual(third.buffer, first.buffer, 'still lent');
    buffers.giveBack(first);
    const fourth = exportNow();
    assert.equal(fourth.buffer, first.buffer, 'given back: the kept buffer again');
    assert.ok(Buffer.from(fourth).equals(Buffer.from(third)), 'the database as it is now, over the bytes it held');
    buffers.giveBack(fourth);
    // Grown past the kept buffer's room: a larger one, kept from then on.
    db.run('BEGIN');
    for (let i = 0; i < 4000; i++) db.run('INSERT INTO t (body) VALUES (?)', [''.padEnd(400, 'g')]);
    db.run('COMMIT');
    const larger = exportNow();
    assert.ok(larger.length > first.buffer.byteLength, 'the database outgrew the kept buffer');
    assert.notEqual(larger.buffer, first.buffer);
    buffers.giveBack(larger);
    assert.equal(exportNow().buffer, larger.buffer, 'the larger one is the kept one');
  });

  it('an export that throws leaves the kept buffer free, as it was before it', async () => {
    const SQL = await patchedSqlJs();
    const buffers = new SnapshotBuffer();
    const db = filled(SQL, 3);
    const kept = buffers.exporting(db as unknown as ExportHook, () => db.export());
    buffers.giveBack(kept);
    assert.throws(() =>
      buffers.exporting(db as unknown as ExportHook, () => {
        (db as unknown as ExportHook).exportBuffer!(10); // takes the kept buffer
        throw new Error('export failed');
      }),
    );
    assert.equal(buffers.exporting(db as unknown as ExportHook, () => db.export()).buffer, kept.buffer, 'free again: nothing holds what the failed export took');
  });

  it('keeps no buffer for a database larger than KEEP_AT_MOST', () => {
    const buffers = new SnapshotBuffer();
    const huge = buffers.take(KEEP_AT_MOST + 1);
    buffers.giveBack(huge);
    assert.equal(huge.length, KEEP_AT_MOST + 1);
    const small = buffers.take(100);
    assert.notEqual(small.buffer, huge.buffer, 'the huge one was not kept');
  });

  it('fails the build when sql.js no longer allocates its export as the patch expects', () => {
    const text = fs.readFileSync(sqlJsFile, 'utf8');
    assert.ok(text.includes(EXPORT_ALLOCATION), 'the installed sql.js is the one the patch was written for');
    assert.throws(() => withExportBuffer(text.replace(EXPORT_ALLOCATION, 'u=new Uint8Array(n);'), 'sql-wasm.js'), /no longer allocates its export/);
    assert.throws(() => withExportBuffer(text + EXPORT_ALLOCATION, 'sql-wasm.js'), /no longer allocates its export/, 'found twice: which one is unknown');
  });
});
