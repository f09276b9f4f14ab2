// The floor of a durable delivery engine (issue 13): the least any engine that takes replayed
// events over HTTP and delivers them as signed batches must do, and nothing else. It parses each
// JSON line, gives it a fresh event_id and the current time (as /emulator/replay does), appends
// the request's body, with the ids and time it gave, to a journal file with one write(2) before
// answering, and on /advance posts them as signed {"events":[…]} bodies of 500, one at a time,
// journaling each batch's outcome. No store, no queue rows, no retention, no inspection, no
// validation beyond the required fields.
// The same HTTP client (undici Pool, one connection) and the same receiver as the emulator.
// For the end-to-end figure, /api/batch does the least a Batch Sending API must: parse the body,
// give each recipient a message id, journal the request (as the replay does), answer with
// Mailtrap's shape, and queue each message's `delivery` event (the emulator's payload, same
// fields) for the next /advance. No lifecycle schedule, no message rows, no Email Logs.
import { createHmac, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pool } from 'undici';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mt-floor-'));
process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const journal = fs.openSync(path.join(dir, 'journal.log'), 'a');
const queue = [];
let target = null;
let pool = null;
let seq = 0;

const read = (req) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

/**
 * A request's durable record, the least that rebuilds it: its time and the ids it gave, then its
 * body as received (re-serializing what it made, as an earlier version did, cost ~10 % of its rate).
 */
function record(now, ids, body) {
  fs.writeSync(journal, `{"q":${++seq},"t":${now},"ids":"${ids.join(',')}","bytes":${Buffer.byteLength(body)}}\n${body}`);
}

async function deliver() {
  while (queue.length) {
    const taken = queue.splice(0, 500);
    const body = `{"events":[${taken.join(',')}]}`;
    const signature = createHmac('sha256', target.secret).update(body, 'utf8').digest('hex');
    const r = await pool.request({ method: 'POST', path: target.path, headers: { 'content-type': 'application/json', 'mailtrap-signature': signature }, body });
    await r.body.dump();
    fs.writeSync(journal, `${JSON.stringify({ q: ++seq, batch: taken.length, status: r.statusCode })}\n`);
  }
}

const server = http.createServer(async (req, res) => {
  const body = await read(req);
  if (req.url === '/webhook') {
    const { url, secret } = JSON.parse(body);
    const u = new URL(url);
    target = { path: u.pathname, secret };
    pool = new Pool(u.origin, { connections: 1 });
  } else if (req.url === '/replay') {
    const now = Date.now();
    const out = [];
    const ids = [];
    for (const line of body.split('\n')) {
      if (!line) continue;
      const e = JSON.parse(line);
      if (typeof e.event !== 'string' || typeof e.message_id !== 'string' || typeof e.email !== 'string') throw new Error('bad event');
      e.event_id = randomUUID();
      ids.push(e.event_id);
      e.timestamp = Math.floor(now / 1000);
      out.push(JSON.stringify(e));
    }
    record(now, ids, body);
    for (const j of out) queue.push(j);
  } else if (req.url === '/api/batch') {
    const now = Date.now();
    const { base, requests } = JSON.parse(body);
    const domain = String(base.from.email).split('@')[1].toLowerCase();
    const responses = [];
    const messages = [];
    for (const r of requests) {
      const ids = [];
      for (const to of r.to) {
        if (typeof to.email !== 'string') throw new Error('bad recipient');
        const id = randomUUID();
        ids.push(id);
        messages.push({ id, email: to.email });
      }
      responses.push({ success: true, message_ids: ids });
    }
    record(now, messages.map((m) => m.id), body);
    const timestamp = Math.floor(now / 1000);
    for (const m of messages) {
      queue.push(JSON.stringify({ event: 'delivery', message_id: m.id, event_id: randomUUID(), timestamp, email: m.email, sending_stream: 'transactional', sending_domain_name: domain }));
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ success: true, responses }));
    return;
  } else if (req.url === '/advance') {
    await deliver();
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ ready: true, http: `http://127.0.0.1:${server.address().port}` })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
