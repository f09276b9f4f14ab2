/**
 * The buffer a snapshot's export is copied into, kept for the next compaction (issue 13). sql.js's
 * export() took a new buffer of the database's size each time (~46 MB with the default retention
 * caps): on the bench's VM, first touching it was ~180-250 ms of the compaction's time on the main
 * thread, against ~20 ms to copy into memory already touched. The build gives export() a hook
 * (`exportBuffer`, scripts/sqlJsExport.mjs) that asks `take` for it.
 *
 * The buffer is lent from the export until whatever reads its data (the snapshot's write, fsync and
 * digest, in the background) is done and gives it back (`giveBack`); an export meanwhile gets a
 * new buffer, which is not kept. A database larger than `KEEP_AT_MOST` is never kept either.
 */

/** The largest buffer kept between exports (a data dir under the default caps needs ~50-60 MB). */
export const KEEP_AT_MOST = 256 * 1024 * 1024;

/** sql.js's Database as the build leaves it (scripts/sqlJsExport.mjs): export() asks this for its buffer, when set. */
export interface ExportHook {
  exportBuffer?: (n: number) => Uint8Array;
}

export class SnapshotBuffer {
  private kept: Uint8Array | null = null;
  private lent = false;

  /** A buffer of at least `n` bytes for an export: the kept one when it is free and large enough. */
  readonly take = (n: number): Uint8Array => {
    if (this.lent || n > KEEP_AT_MOST) return new Uint8Array(n);
    // Room for the database to grow by a quarter before a larger one replaces it.
    if (!this.kept || this.kept.length < n) this.kept = new Uint8Array(Math.min(KEEP_AT_MOST, n + Math.ceil(n / 4)));
    return this.kept;
  };

  /** Everything that read `data` (an export's) is done with it; the kept buffer is free again if it was that. */
  giveBack(data: Uint8Array | null): void {
    if (data !== null && this.kept !== null && data.buffer === this.kept.buffer) this.lent = false;
  }

  /**
   * Runs `exportFn` (an export) with the hook on `db`; what it returns is lent when it is a view of
   * the kept buffer. (An export that throws returns nothing: nothing is lent.)
   */
  exporting(db: ExportHook, exportFn: () => Uint8Array): Uint8Array {
    db.exportBuffer = this.take;
    const data = exportFn();
    if (this.kept !== null && data.buffer === this.kept.buffer) this.lent = true;
    return data;
  }
}
