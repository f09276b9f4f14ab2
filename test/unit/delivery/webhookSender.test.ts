/** The undici sender against real sockets: no redirects, a bounded response body, errors as results. */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { MAX_RESPONSE_BODY, UndiciWebhookSender } from '../../../emulator/outbound/webhookSender';

const sender = new UndiciWebhookSender();
let base = '';
const server = createServer((req, res) => {
  req.resume();
  if (req.url === '/redirect') {
    res.writeHead(302, { Location: '/final' });
    return res.end();
  }
  if (req.url === '/endless') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    const chunk = Buffer.alloc(64 * 1024, 'y');
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    return pump();
  }
  if (req.url === '/big') {
    res.writeHead(500);
    return res.end(Buffer.alloc(10 * 1024 * 1024, 'z'));
  }
  if (req.url === '/cut') {
    // Headers and part of the body, then the connection reset.
    res.writeHead(200, { 'Content-Length': '100' });
    res.write('partial');
    return setTimeout(() => res.socket?.destroy(), 20);
  }
  res.writeHead(200, { 'X-Seen-Auth': String(req.headers.authorization ?? ''), 'X-Seen-Url': String(req.url), 'Set-Cookie': ['a=1', 'b=2'] });
  res.end('fine');
});

before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await sender.close();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const send = (url: string, signal = new AbortController().signal) => sender.send({ url, headers: { 'Content-Type': 'application/json' }, body: '{}', signal });

describe('UndiciWebhookSender', () => {
  it('sends basic auth from the userinfo and keeps the query', async () => {
    const r = await send(`${base.replace('http://', 'http://me:pw@')}/h?token=t`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-seen-auth'], 'Basic ' + Buffer.from('me:pw').toString('base64'));
    assert.equal(r.headers['x-seen-url'], '/h?token=t');
    assert.equal(r.body, 'fine');
  });

  it('does not follow redirects', async () => {
    const r = await send(`${base}/redirect`);
    assert.equal(r.status, 302);
    assert.equal(r.headers.location, '/final');
  });

  // What the inspector shows of an answer: its headers as one string each, a repeated one joined.
  it('keeps the status, the headers (a repeated one joined) and the body of an answer', async () => {
    const r = await send(`${base}/plain`);
    assert.equal(r.status, 200);
    assert.equal(r.body, 'fine');
    assert.equal(r.headers['set-cookie'], 'a=1, b=2');
    assert.equal(r.headers['x-seen-url'], '/plain');
    assert.equal(r.truncated, false);
    assert.equal(r.error, null);
  });

  it('an answer cut short after its headers keeps what came, marked truncated, as an error', async () => {
    const r = await send(`${base}/cut`);
    assert.equal(r.status, 200);
    assert.equal(r.body, 'partial');
    assert.equal(r.truncated, true);
    assert.match(r.error!, /^response cut short: /);
  });

  it('reads at most 64 KiB of an endless or a 10 MB body', async () => {
    for (const p of ['/endless', '/big']) {
      const r = await send(base + p);
      assert.equal(r.body.length, MAX_RESPONSE_BODY, p);
      assert.equal(r.truncated, true, p);
    }
  });

  it('turns refused connections and aborts into errors, never throws', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const refused = await send(`http://127.0.0.1:${port}/`);
    assert.equal(refused.status, null);
    assert.match(refused.error!, /ECONNREFUSED/);
    const ac = new AbortController();
    ac.abort();
    const aborted = await send(`${base}/h`, ac.signal);
    assert.equal(aborted.error, 'aborted');
    const dns = await send('http://no-such-host.invalid/x', AbortSignal.timeout(5000));
    assert.equal(dns.status, null);
    assert.match(dns.error!, /ENOTFOUND|EAI_AGAIN/);
    const bad = await send('not a url');
    assert.equal(bad.error, 'invalid URL');
  });
});
