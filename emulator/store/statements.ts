/**
 * Prepared statements of one sql.js database, cached by SQL text (a process runs a few dozen
 * statements millions of times), and the result rows they give.
 */
import type { Database as SqlJsDatabase, SqlValue, Statement } from 'sql.js';
import { Utf8Json } from '../core/jsonText';

export type Row = Record<string, SqlValue>;
export type Params = SqlValue[];

/** Rows per multi-row INSERT: large enough to amortise the statement, small enough for few distinct SQL texts. */
export const MULTI_ROWS = 64;

/** `(?, ?, …)` for a row of `width` values. */
export const placeholders = (width: number): string => `(${Array(width).fill('?').join(', ')})`;

/** `head VALUES values, values, …` with `n` rows: a multi-row INSERT. */
export const multiRowSql = (head: string, n: number, values: string): string => `${head} VALUES ${Array(n).fill(values).join(', ')}`;

/**
 * The parameters of rows `from` … `from + n - 1`, in one list (a multi-row INSERT's): the first
 * `width` values of each row (a row may carry more, for its owner: scheduleRepository.ts).
 */
export function flatRows(rows: readonly (readonly unknown[])[], from: number, n: number, width: number): SqlValue[] {
  const params: SqlValue[] = new Array(n * width);
  let i = 0;
  for (let k = from; k < from + n; k++) {
    const r = rows[k];
    for (let c = 0; c < width; c++) params[i++] = r[c] as SqlValue;
  }
  return params;
}

/**
 * Which placeholders of `sql` are `CAST(? AS TEXT)`, in order; null when none is. (SQL texts here
 * hold no `?` inside string literals.)
 */
function textAsBytesMask(sql: string): boolean[] | null {
  const mask = [...sql.matchAll(/CAST\(\?\s+AS\s+TEXT\)|\?/gi)].map((m) => m[0] !== '?');
  return mask.includes(true) ? mask : null;
}

/**
 * A text bound to a `CAST(? AS TEXT)` placeholder that is made only when the statement runs: a
 * waiting read-model row's (deferredRows.ts) costly column, made when the store is quiet.
 */
export class LazyText {
  /** `cost`: what making and writing it costs, as the characters of a text at hand would (deferredRows.ts, `rowCost`). */
  constructor(
    private readonly make: () => string,
    readonly cost = 0,
  ) {}

  text(): string {
    return this.make();
  }
}

export class Statements {
  private readonly cache = new Map<string, Statement>();
  /** `textAsBytesMask` per SQL text. */
  private readonly masks = new Map<string, boolean[] | null>();
  private readonly multiRowSql = new Map<string, string>();
  /** Result column names per prepared statement: fetched once, not per row (see `row`). */
  private columns = new WeakMap<Statement, string[]>();

  constructor(private db: SqlJsDatabase) {}

  /** Use another database with the same schema (the store moved into memory): statements are prepared anew. */
  rebind(db: SqlJsDatabase): void {
    this.freeAll();
    this.db = db;
    this.forgetColumns();
  }

  prepare(sql: string): Statement {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.cache.set(sql, stmt);
    }
    return stmt;
  }

  /**
   * Run a write. A string bound to a `CAST(? AS TEXT)` placeholder goes in as its UTF-8 bytes:
   * sql.js encodes a string parameter with a JavaScript loop, twice (length, then bytes), where
   * `Buffer.from` is native (~10× faster for a batch body; ~7 % of an SMTP message's CPU). The
   * CAST stores text either way, so the journal, which replays the statement with the strings,
   * makes the same row.
   */
  run(sql: string, params: Params = []): void {
    const stmt = this.prepare(sql);
    let mask = this.masks.get(sql);
    if (mask === undefined) this.masks.set(sql, (mask = textAsBytesMask(sql)));
    if (mask) {
      const m = mask;
      // A JSON text kept as UTF-8 bytes (jsonText.ts: a scheduled row's payload) goes in as those bytes.
      params = params.map((v, i) => {
        if (!m[i]) return v;
        if (typeof v === 'string') return Buffer.from(v);
        const o = v as unknown;
        return o instanceof Utf8Json ? o.bytes() : o instanceof LazyText ? Buffer.from(o.text()) : v;
      });
    }
    stmt.run(params);
  }

  all(sql: string, params: Params): Row[] {
    const stmt = this.prepare(sql);
    const rows: Row[] = [];
    try {
      stmt.bind(params);
      while (stmt.step()) rows.push(this.row(stmt));
    } finally {
      stmt.reset();
    }
    return rows;
  }

  first(sql: string, params: Params): Row | undefined {
    const stmt = this.prepare(sql);
    try {
      stmt.bind(params);
      return stmt.step() ? this.row(stmt) : undefined;
    } finally {
      stmt.reset();
    }
  }

  /** The first row's values, by position. */
  firstValues(sql: string, params: Params = []): SqlValue[] | undefined {
    const stmt = this.prepare(sql);
    try {
      stmt.bind(params);
      return stmt.step() ? stmt.get() : undefined;
    } finally {
      stmt.reset();
    }
  }

  lastRowid(): number {
    return Number(this.firstValues('SELECT last_insert_rowid()')?.[0]);
  }

  /** `multiRowSql`, its text cached. */
  multiRow(head: string, width: number, n: number, values = placeholders(width)): string {
    const key = `${head}|${values}|${n}`;
    let sql = this.multiRowSql.get(key);
    if (!sql) this.multiRowSql.set(key, (sql = multiRowSql(head, n, values)));
    return sql;
  }

  /** After a schema change: statements' result columns may differ. */
  forgetColumns(): void {
    this.columns = new WeakMap();
  }

  /** Free every statement (before `export()`, which frees them anyway, and on close). */
  freeAll(): void {
    for (const s of this.cache.values()) s.free();
    this.cache.clear();
  }

  /**
   * The current row as an object. sql.js's `getAsObject` asks SQLite for every column's name on
   * every row; a statement's columns only change with the schema, which only migrations change
   * (and the store calls `forgetColumns` after them).
   */
  private row(stmt: Statement): Row {
    let names = this.columns.get(stmt);
    if (!names) this.columns.set(stmt, (names = stmt.getColumnNames()));
    const values = stmt.get();
    const r: Row = {};
    for (let i = 0; i < names.length; i++) r[names[i]] = values[i];
    return r;
  }
}
