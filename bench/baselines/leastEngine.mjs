// The least engine (issue 13, twenty-second step): the minimal durable engine's protocol
// (`minimalEngine.mjs`: a fresh event_id and the current time a replayed event, the request's body
// journaled with one write(2) before the answer, signed {"events":[…]} bodies of 500 posted one at
// a time, each outcome journaled) done on bytes throughout, for lines in the emulator's own form:
// no parse, no string a line, no text of a body. The body is read as bytes and journaled as it
// came; each line's bytes are copied into one output buffer a request with its id and time spliced
// in and a comma after it, so a batch's events lie side by side and its body is one copy of them;
// the signature and the post take the body's bytes. It keeps nothing beyond the queue of what it
// has not yet posted, and checks only that a line starts with the fields it rewrites (`event`,
// `message_id`, `event_id`, `timestamp`, `email`, strings without escapes); any other line is
// parsed, as the minimal engine does. A reference for the delivery engine's figure: what an engine
// written in Node reaches on this machine when it keeps nothing and parses nothing.
import { createHmac, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pool } from 'undici';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mt-least-'));
process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const journal = fs.openSync(path.join(dir, 'journal.log'), 'a');
/** What is not yet posted: per request, its output bytes and where each event starts (one past the last: the end). */
const parts = [];
let target = null;
let pool = null;
let seq = 0;

const bytes = (s) => Buffer.from(s, 'latin1');
const EVENT = bytes('{"event":"');
const MESSAGE_ID = bytes('","message_id":"');
const EVENT_ID = bytes('","event_id":"');
const TIMESTAMP = bytes('","timestamp":');
const EMAIL = bytes(',"email":"');
const OPEN = bytes('{"events":[');
const CLOSE = bytes(']}');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NL = 0x0a;

const read = (req) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/** Whether `mark` is at `at` in `b`. */
function markAt(b, at, mark) {
  if (at + mark.length > b.length) return false;
  for (let i = 0; i < mark.length; i++) if (b[at + i] !== mark[i]) return false;
  return true;
}

/** The closing quote of a non-empty string value from `at` (before `end`), or -1 on an escape or none. */
function stringEnd(b, at, end) {
  for (let i = at; i < end; i++) {
    const c = b[i];
    if (c === QUOTE) return i > at ? i : -1;
    if (c === BACKSLASH) return -1;
  }
  return -1;
}

/**
 * Line `from`…`to` of `b` written into `out` at `o` with `id` and `ts` (bytes) spliced in, then a
 * comma; returns where it ended, or -1 when the line is not in that form.
 */
function spliceLine(b, from, to, out, o, id, ts) {
  if (!markAt(b, from, EVENT)) return -1;
  let i = stringEnd(b, from + EVENT.length, to);
  if (i < 0 || !markAt(b, i, MESSAGE_ID)) return -1;
  i = stringEnd(b, i + MESSAGE_ID.length, to);
  if (i < 0 || !markAt(b, i, EVENT_ID)) return -1;
  const idAt = i + EVENT_ID.length;
  const idEnd = b.indexOf(QUOTE, idAt);
  if (idEnd < 0 || idEnd >= to || !markAt(b, idEnd, TIMESTAMP)) return -1;
  let t = idEnd + TIMESTAMP.length;
  if (b[t] === 0x2d) t++;
  const digits = t;
  while (t < to && b[t] >= 0x30 && b[t] <= 0x39) t++;
  if (t === digits || !markAt(b, t, EMAIL) || stringEnd(b, t + EMAIL.length, to) < 0) return -1;
  if (b[to - 1] !== 0x7d) return -1;
  o += b.copy(out, o, from, idAt);
  o += out.latin1Write(id, o);
  o += TIMESTAMP.copy(out, o);
  o += ts.copy(out, o);
  o += b.copy(out, o, t, to);
  out[o++] = 0x2c;
  return o;
}

/** A line not in that form, as the minimal engine takes every line: its JSON with the id and time it gets. */
function parsedLine(line, id, now) {
  const e = JSON.parse(line);
  if (typeof e.event !== 'string' || typeof e.message_id !== 'string' || typeof e.email !== 'string') throw new Error('bad event');
  e.event_id = id;
  e.timestamp = Math.floor(now / 1000);
  return Buffer.from(JSON.stringify(e));
}

function replay(body) {
  const now = Date.now();
  const ts = bytes(String(Math.floor(now / 1000)));
  // Each line grows at most by its id (36 bytes against an old one of any length), a longer time and a comma.
  // (A parsed line may grow more, e.g. one without an event_id: the buffer then grows.)
  let lines = 1;
  for (let i = body.indexOf(NL); i >= 0; i = body.indexOf(NL, i + 1)) lines++;
  let out = Buffer.allocUnsafe(body.length + lines * (40 + ts.length) + 1024);
  const starts = new Int32Array(lines + 1);
  const ids = [];
  let o = 0;
  let n = 0;
  for (let from = 0; from < body.length; ) {
    let to = body.indexOf(NL, from);
    if (to < 0) to = body.length;
    const next = to + 1;
    if (to > from && body[to - 1] === 0x0d) to--;
    if (to > from) {
      const id = randomUUID();
      starts[n++] = o;
      const end = spliceLine(body, from, to, out, o, id, ts);
      if (end >= 0) o = end;
      else {
        const json = parsedLine(body.toString('utf8', from, to), id, now);
        // Room for this line, its comma, and as much again as each later line may take.
        const room = o + json.length + 1 + (body.length - to) + (lines - n) * (40 + ts.length) + 1024;
        if (room > out.length) out = Buffer.concat([out.subarray(0, o)], room);
        o += json.copy(out, o);
        out[o++] = 0x2c;
      }
      ids.push(id);
    }
    from = next;
  }
  starts[n] = o;
  const head = bytes(`{"q":${++seq},"t":${now},"ids":"${ids.join(',')}","bytes":${body.length}}\n`);
  fs.writevSync(journal, [head, body]);
  if (n) parts.push({ out, starts, n, next: 0 });
}

/** Up to 500 events, oldest first, as one body's bytes, and how many. */
function cut() {
  const pieces = [OPEN];
  let count = 0;
  while (count < 500 && parts.length) {
    const p = parts[0];
    const take = Math.min(500 - count, p.n - p.next);
    pieces.push(p.out.subarray(p.starts[p.next], p.starts[p.next + take]));
    p.next += take;
    count += take;
    if (p.next === p.n) parts.shift();
  }
  const body = Buffer.concat(pieces, pieces.reduce((s, b) => s + b.length, CLOSE.length));
  // Each event is followed by its comma: the last one's becomes the closing bracket.
  CLOSE.copy(body, body.length - CLOSE.length - 1);
  return { body: body.subarray(0, body.length - 1), count };
}

async function deliver() {
  while (parts.length) {
    const { body, count } = cut();
    const signature = createHmac('sha256', target.secret).update(body).digest('hex');
    const r = await pool.request({ method: 'POST', path: target.path, headers: { 'content-type': 'application/json', 'mailtrap-signature': signature }, body });
    await r.body.dump();
    fs.writeSync(journal, `{"q":${++seq},"batch":${count},"status":${r.statusCode}}\n`);
  }
}

const server = http.createServer(async (req, res) => {
  const body = await read(req);
  if (req.url === '/webhook') {
    const { url, secret } = JSON.parse(body.toString('utf8'));
    const u = new URL(url);
    target = { path: u.pathname, secret };
    pool = new Pool(u.origin, { connections: 1 });
  } else if (req.url === '/replay') {
    replay(body);
  } else if (req.url === '/advance') {
    await deliver();
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ ready: true, http: `http://127.0.0.1:${server.address().port}` })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
