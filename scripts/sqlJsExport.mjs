// sql.js's `Database.export()` with a buffer of the caller's (issue 13), for the build
// (scripts/build.mjs) and its test (test/unit/store/snapshotBuffer.test.ts).
//
// export() copies the database page by page (SQLite's backup API) into a new Uint8Array of the
// database's size, ~46 MB with the default retention caps. On the 2-core VM of the bench, first
// touching that much new memory costs ~4 µs a 4 KB page: ~180-250 ms of a compaction's time on the
// main thread went to it, where the same copy into memory already touched takes ~20 ms. Patched,
// export() asks the database object's `exportBuffer(n)` (when set) for a buffer of at least n
// bytes and copies into it; without one it allocates as before. What it returns is then a view of
// that buffer, n bytes long (as before, the database's bytes).

/** The allocation as sql.js 1.x writes it in dist/sql-wasm.js (the page count times the page size). */
export const EXPORT_ALLOCATION = 'u=new Uint8Array(G[0].values[0][0]*G[1].values[0][0]);';
const ASKED = 'u=this.exportBuffer?this.exportBuffer(G[0].values[0][0]*G[1].values[0][0]):new Uint8Array(G[0].values[0][0]*G[1].values[0][0]);';

/** dist/sql-wasm.js's text with the hook; throws if the allocation is not found once (a new sql.js: update this). */
export function withExportBuffer(text, file = 'sql-wasm.js') {
  const at = text.indexOf(EXPORT_ALLOCATION);
  if (at < 0 || text.indexOf(EXPORT_ALLOCATION, at + 1) >= 0) {
    throw new Error(`sqlJsExport: ${file} no longer allocates its export as expected; update scripts/sqlJsExport.mjs`);
  }
  return text.slice(0, at) + ASKED + text.slice(at + EXPORT_ALLOCATION.length);
}
