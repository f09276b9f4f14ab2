/**
 * Lock-down (issue 8): loopback by default and a warning otherwise; every route but the sink and
 * the tracking links wants the token (the walk covers every route the app registers, so a new
 * route cannot slip through); secrets never reach the logs.
 */
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../../emulator/log';
import { createApp } from '../../../emulator/http/app';
import { startTestEmulator } from '../../helpers/inProcessEmulator';
import { api, smtpTransport, startEmulatorProcess, type RunningEmulator } from '../../helpers/emulatorProcess';
import { sequence, startReceiver } from '../../helpers/receiver';
import { advance, mail, send } from '../../helpers/sending';

/** Every route of the real app, as "METHOD /path/:param", read from its router. */
async function allRoutes(): Promise<{ method: string; path: string }[]> {
  const t = await startTestEmulator();
  try {
    // Only the route table is read; handlers never run, so delivery and sinks can be stand-ins.
    const app = createApp({
      core: t.emu.core,
      token: 'x',
      log: createLogger('walk', { write: () => undefined }),
      delivery: {} as never,
      sinks: {} as never,
      sending: t.emu.sending,
      emailLogs: t.emu.emailLogs,
    }) as unknown as { router: { stack: Layer[] } };
    type Layer = { route?: { path: string | string[]; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
    const out: { method: string; path: string }[] = [];
    const walk = (stack: Layer[]) => {
      for (const l of stack) {
        if (l.route) {
          for (const p of ([] as string[]).concat(l.route.path))
            for (const m of Object.keys(l.route.methods)) out.push({ method: m === '_all' ? 'POST' : m.toUpperCase(), path: p });
        } else if (l.handle?.stack) walk(l.handle.stack);
      }
    };
    walk(app.router.stack);
    return out;
  } finally {
    await t.close();
  }
}

const concrete = (p: string) => p.replace(/\*rest/, 'x/y').replace(/:accountId/, '1').replace(/:[a-zA-Z]+/g, '1');
const isPublic = (p: string) => p.startsWith('/t/') || p.startsWith('/sink/');
/**
 * The web UI's public routes (issue 15), exactly these: its static pages and assets, and the login
 * exchange. None of them may reveal data or hand out a session without a credential.
 */
const WEB_UI_PUBLIC = ['GET /', 'GET /ui/inspector', 'GET /ui/form', 'GET /ui/message', 'GET /ui/assets/:file', 'POST /ui/session', 'POST /ui/logout'];
const isWebUi = (method: string, p: string) => WEB_UI_PUBLIC.includes(`${method} ${p}`);

describe('lock-down', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulatorProcess(['--memory']);
  });
  after(async () => {
    await emu.stop();
  });

  it('binds 127.0.0.1 by default', () => {
    assert.match(emu.ready.http, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('warns on a non-loopback --host', async () => {
    const open = await startEmulatorProcess(['--memory', '--host', '0.0.0.0']);
    try {
      const warn = open
        .stderr()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .find((l) => l.level === 'warn' && /non-loopback/.test(l.msg));
      assert.ok(warn, open.stderr());
    } finally {
      await open.stop();
    }
  });

  it('every route but the sink, tracking links and web UI shell answers 401 without the token, with a wrong one, and with a near miss', async () => {
    const routes = await allRoutes();
    assert.deepEqual(
      routes.filter((r) => r.path === '/' || r.path.startsWith('/ui/')).map((r) => `${r.method} ${r.path}`).sort(),
      [...WEB_UI_PUBLIC].sort(),
      'the web UI opens exactly its shell and the login exchange',
    );
    assert.ok(routes.length >= 45, `found ${routes.length} routes`);
    const token = emu.ready.token;
    const nearMiss = token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a');
    const credentials: Record<string, string>[] = [
      {},
      { Authorization: 'Bearer wrong' },
      { Authorization: `Bearer ${nearMiss}` },
      { 'Api-Token': nearMiss },
      { Authorization: `Basic ${Buffer.from(`api:${token}`).toString('base64')}` },
    ];
    let checked = 0;
    for (const r of routes) {
      const url = emu.ready.http + concrete(r.path);
      for (const headers of credentials) {
        const res = await fetch(url, { method: r.method, headers: { 'Content-Type': 'application/json', ...headers }, body: r.method === 'GET' ? undefined : '{}' });
        const text = await res.text();
        if (isWebUi(r.method, r.path)) {
          // Public, but empty-handed: no session cookie, no token, no data.
          assert.ok(!/mt_emulator_\d+=[0-9a-f]/.test(res.headers.get('set-cookie') ?? ''), `${r.method} ${r.path} opened a session`);
          assert.ok(!text.includes(token), `${r.method} ${r.path} reveals the token`);
          if (r.method === 'POST') assert.ok([401, 403].includes(res.status), `${r.method} ${r.path}: ${res.status}`);
          else assert.ok([200, 404].includes(res.status) && !/"data"|"domain_name"|"webhook/.test(text), `${r.method} ${r.path}: ${res.status}`);
          continue;
        }
        if (isPublic(r.path)) {
          assert.notEqual(res.status, 401, `${r.method} ${r.path} is public`);
          continue;
        }
        assert.equal(res.status, 401, `${r.method} ${r.path} with ${JSON.stringify(headers)}: ${text}`);
        // Send/Batch API: its own envelope; every account API and emulator route: the account APIs'
        // (email-sending-transactional.openapi.yml / email-sending.openapi.yml, `Unauthorized`).
        const sendApi = /^\/(bulk\/)?api\/(send|batch)$/.test(r.path);
        assert.deepEqual(JSON.parse(text), sendApi ? { success: false, errors: ['Unauthorized'] } : { error: 'Incorrect API token' });
        checked++;
      }
    }
    // A token in the query string only opens the message HTML view (for a browser), nothing else.
    const q = await fetch(`${emu.ready.http}/api/webhooks?token=${token}`);
    assert.equal(q.status, 401);
    assert.ok(checked >= 200, `${checked} refusals checked`);
  });

  it('never logs a secret: token, signing secret, basic-auth password, a wrong password tried', async () => {
    const token = 'tok-' + 'q'.repeat(28);
    const basicPass = 'basicPa55word-xyz';
    const wrongSmtp = 'wrong-smtp-pass-123';
    const wrongBearer = 'wrong-bearer-token-456';
    const recv = await startReceiver(sequence({ status: 500 }, { status: 401, body: 'nope' }, { status: 200 }));
    let secret = '';
    const chatty = await startEmulatorProcess(['--memory', '--token', token], { MT_EMULATOR_LOG_LEVEL: 'debug' });
    try {
      const call = api(chatty.ready);
      const url = `http://hookuser:${basicPass}@127.0.0.1:${recv.port}/hook?x=1`;
      const w = await call('POST', '/api/webhooks', { webhook: { url, webhook_type: 'email_sending', sending_stream: 'transactional', event_types: ['delivery'] } });
      assert.equal(w.status, 200);
      secret = w.json.data.signing_secret as string;
      assert.equal((await call('POST', `/emulator/webhooks/${w.json.data.id}/test`)).status, 200);
      assert.equal((await send(call, mail())).status, 200);
      await advance(call, 40);
      await advance(call, 310);
      await advance(call, 310);
      assert.ok(recv.requests.length >= 3);
      assert.equal((await fetch(`${chatty.ready.http}/api/webhooks`, { headers: { Authorization: `Bearer ${wrongBearer}` } })).status, 401);
      const smtp = (pass: string) => smtpTransport(chatty.ready, pass);
      await assert.rejects(smtp(wrongSmtp).sendMail({ from: 'a@shop.test', to: 'b@example.net', subject: 's', text: 't' }));
      await smtp(token).sendMail({ from: 'a@shop.test', to: 'b@example.net', subject: 's', text: 't' });
      // A raw AUTH PLAIN line with a wrong password, as a misbehaving client would send it.
      await rawAuth(chatty.ready.smtpPort, Buffer.from(`\0api\0${wrongSmtp}`).toString('base64'));
      await call('PATCH', `/api/webhooks/${w.json.data.id}`, { webhook: { url: `https://u:${basicPass}@example.invalid/x` } });
    } finally {
      await chatty.stop();
      await recv.close();
    }
    const logs = chatty.stderr();
    assert.ok(logs.split('\n').length > 5, 'the session logged something');
    for (const [what, s] of Object.entries({ token, secret, basicPass, wrongSmtp, wrongBearer })) assert.ok(!logs.includes(s), `${what} appears in the logs`);
    const b64 = Buffer.from(`\0api\0${wrongSmtp}`).toString('base64');
    assert.ok(!logs.includes(b64), 'the AUTH PLAIN blob appears in the logs');
  });
});

async function rawAuth(port: number, blob: string): Promise<void> {
  const sock = net.connect(port, '127.0.0.1');
  const replies: string[] = [];
  let buf = '';
  sock.on('data', (d) => (buf += d.toString()));
  const waitLine = async (code: RegExp) => {
    for (let i = 0; i < 200 && !code.test(buf); i++) await new Promise((r) => setTimeout(r, 10));
    replies.push(buf);
    buf = '';
  };
  await waitLine(/^220 /m);
  sock.write('EHLO x\r\n');
  await waitLine(/^250 /m);
  sock.write(`AUTH PLAIN ${blob}\r\n`);
  await waitLine(/^535 /m);
  sock.end('QUIT\r\n');
  assert.match(replies[2], /^535 /m);
}

describe('limits', () => {
  it('SMTP: the 1001st recipient of one message gets 452; the first 1000 are queued', { timeout: 60_000 }, async () => {
    const emu = await startEmulatorProcess(['--memory']);
    try {
      const sock = net.connect(emu.ready.smtpPort, '127.0.0.1');
      let buf = '';
      sock.on('data', (d) => (buf += d.toString()));
      const until = async (re: RegExp) => {
        for (let i = 0; i < 3000 && !re.test(buf); i++) await new Promise((r) => setTimeout(r, 10));
        assert.match(buf, re);
      };
      await until(/^220 /m);
      sock.write(`EHLO x\r\nAUTH PLAIN ${Buffer.from(`\0api\0${emu.ready.token}`).toString('base64')}\r\n`);
      await until(/^235 /m);
      buf = '';
      // Pipelined, as a bulk mailer would.
      sock.write('MAIL FROM:<app@shop.test>\r\n' + Array.from({ length: 1001 }, (_, i) => `RCPT TO:<r${i}@example.net>\r\n`).join(''));
      await until(/^452 /m);
      const replies = buf.split('\r\n').filter(Boolean);
      assert.equal(replies.filter((r) => r.startsWith('250')).length, 1001, 'MAIL FROM and 1000 recipients accepted');
      assert.match(replies[replies.length - 1], /^452 4\.5\.3 Too many recipients/);
      buf = '';
      sock.write('DATA\r\n');
      await until(/^354 /m);
      sock.write('Subject: many\r\n\r\nhello\r\n.\r\n');
      await until(/^250 2\.0\.0 Ok: queued as [0-9a-f-]{36} and 999 more/m);
      sock.end('QUIT\r\n');
      assert.equal((await api(emu.ready)('GET', '/emulator/messages?limit=1')).json.total, 1000);
    } finally {
      await emu.stop();
    }
  });
});
