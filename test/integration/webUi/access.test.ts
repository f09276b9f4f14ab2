/**
 * The web UI's access rules (issue 15), over real sockets against the real process: the ready
 * line's one-time login link, the HttpOnly SameSite=Strict session cookie, the Origin check on
 * state-changing cookie requests, public pages that reveal nothing, and the strict CSP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmulatorProcess, type RunningEmulator } from '../../helpers/emulatorProcess';

describe('web UI access', () => {
  let emu: RunningEmulator;
  let origin: string;
  before(async () => {
    emu = await startEmulatorProcess(['--memory']);
    origin = emu.ready.http;
  });
  after(() => emu.stop());

  const code = (url: string) => /#login=([0-9a-f]{48})$/.exec(url)?.[1];
  const login = (body: unknown, headers: Record<string, string> = { Origin: origin }) =>
    fetch(`${origin}/ui/session`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const cookieOf = (res: Response) => res.headers.get('set-cookie')!.split(';')[0]!;

  it('the ready line and the start-up log carry a one-time login link, not the token', async () => {
    assert.ok(code(emu.ready.ui), emu.ready.ui);
    assert.ok(emu.ready.ui.startsWith(`${origin}/#login=`));
    assert.ok(!emu.ready.ui.includes(emu.ready.token));
    // The log line follows the ready line on another pipe.
    const readyLog = () =>
      emu
        .stderr()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .find((l) => l.msg === 'ready');
    for (let i = 0; i < 100 && !readyLog(); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(readyLog()?.ui, emu.ready.ui);
  });

  it('the pages are public, hold no data, and carry a strict CSP with a fresh nonce', async () => {
    const domain = await fetch(`${origin}/api/domains`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${emu.ready.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ domain: { domain_name: 'secret-shop.test' } }),
    });
    assert.equal(domain.status, 200);
    const nonces = new Set<string>();
    for (const path of ['/', '/ui/inspector', '/ui/form', '/ui/message', '/', '/ui/inspector']) {
      const res = await fetch(origin + path);
      const html = await res.text();
      assert.equal(res.status, 200, path);
      const csp = res.headers.get('content-security-policy')!;
      const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
      assert.ok(nonce, csp);
      nonces.add(nonce);
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /frame-ancestors 'self'/);
      assert.ok(!/unsafe-inline|unsafe-eval/.test(csp), csp);
      assert.ok(html.includes(`<script nonce="${nonce}" src="/ui/assets/`), 'the one script carries the nonce');
      assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      for (const secret of [emu.ready.token, 'secret-shop.test', String(emu.ready.smtpPort)]) assert.ok(!html.includes(secret), `${path} reveals ${secret}`);
    }
    assert.equal(nonces.size, 6, 'a new nonce per response');
    const js = await fetch(`${origin}/ui/assets/web.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type')!, /javascript/);
    assert.ok(!(await js.text()).includes(emu.ready.token));
    for (const bad of ['/ui/assets/server.js', '/ui/assets/..%2f..%2fpackage.json', '/ui/assets/web.js.map', '/ui/other']) {
      assert.equal((await fetch(origin + bad)).status, 404, bad);
    }
  });

  it('a login code opens one session, once; the cookie is HttpOnly, SameSite=Strict and named after the port', async () => {
    const first = await fetch(`${origin}/emulator/ui/login`, { method: 'POST', headers: { Authorization: `Bearer ${emu.ready.token}` } });
    const link = ((await first.json()) as { url: string }).url;
    assert.ok(link.startsWith(`${origin}/#login=`));
    assert.equal((await login({ code: code(link) }, {})).status, 403, 'no Origin: refused');
    assert.equal((await login({ code: code(link) }, { Origin: 'http://127.0.0.1:1' })).status, 403, 'another port: refused');
    const ok = await login({ code: code(link) });
    assert.equal(ok.status, 204);
    const setCookie = ok.headers.get('set-cookie')!;
    assert.match(setCookie, new RegExp(`^mt_emulator_${emu.ready.httpPort}=[0-9a-f]{48}; Path=/; HttpOnly; SameSite=Strict$`));
    const again = await login({ code: code(link) });
    assert.equal(again.status, 401, 'a code works once');
    assert.deepEqual(await again.json(), { success: false, errors: ['Unauthorized'] });
    assert.equal((await login({ code: 'f'.repeat(48) })).status, 401);
    assert.equal((await login({ token: 'wrong' })).status, 401);
    assert.equal((await login({})).status, 401);
    assert.equal((await login({ token: emu.ready.token })).status, 204, 'the API token opens a session too');
  });

  it('a session reads with GET; a state change needs the own Origin; a dead or forged cookie is a 401', async () => {
    const res = await login({ code: code(emu.ready.ui) });
    assert.equal(res.status, 204);
    const cookie = cookieOf(res);
    const status = await fetch(`${origin}/emulator/status`, { headers: { Cookie: cookie } });
    assert.equal(status.status, 200);
    assert.equal(((await status.json()) as { smtpPort: number }).smtpPort, emu.ready.smtpPort);

    const create = (headers: Record<string, string>, name: string) =>
      fetch(`${origin}/api/accounts/1/sending_domains`, {
        method: 'POST',
        headers: { Cookie: cookie, 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify({ sending_domain: { domain_name: name } }),
      });
    const names = async () => ((await (await fetch(`${origin}/api/domains`, { headers: { Cookie: cookie } })).json()) as any).data.map((d: { domain_name: string }) => d.domain_name);
    const noOrigin = await create({}, 'no-origin.test');
    assert.equal(noOrigin.status, 403);
    assert.deepEqual(await noOrigin.json(), { error: 'Cross-origin request refused' });
    assert.equal((await create({ Origin: 'http://127.0.0.1:3000' }, 'other-port.test')).status, 403);
    assert.equal((await create({ Origin: origin, 'Sec-Fetch-Site': 'same-site' }, 'same-site.test')).status, 403);
    assert.equal((await create({ Origin: origin }, 'own-origin.test')).status, 200);
    const send = await fetch(`${origin}/api/send`, { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/json' }, body: '{}' });
    assert.equal(send.status, 403, 'the Send API too');
    assert.deepEqual((await names()).filter((n: string) => n.endsWith('.test') && n !== 'secret-shop.test'), ['own-origin.test']);

    const forged = `mt_emulator_${emu.ready.httpPort}=${'a'.repeat(48)}`;
    assert.equal((await fetch(`${origin}/emulator/status`, { headers: { Cookie: forged } })).status, 401);
    const otherPort = cookie.replace(`mt_emulator_${emu.ready.httpPort}`, 'mt_emulator_1');
    assert.equal((await fetch(`${origin}/emulator/status`, { headers: { Cookie: otherPort } })).status, 401, 'another emulator\'s cookie');

    const out = await fetch(`${origin}/ui/logout`, { method: 'POST', headers: { Cookie: cookie, Origin: origin } });
    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie')!, /Max-Age=0/);
    assert.equal((await fetch(`${origin}/emulator/status`, { headers: { Cookie: cookie } })).status, 401, 'logged out');
  });

  it('the bundled samples are listed and readable for replay (behind auth)', async () => {
    const auth = { Authorization: `Bearer ${emu.ready.token}` };
    assert.equal((await fetch(`${origin}/emulator/samples`)).status, 401);
    const list = ((await (await fetch(`${origin}/emulator/samples`, { headers: auth })).json()) as any).data as { name: string; format: string }[];
    assert.deepEqual(list.map((s) => s.name), ['all-event-types.json', 'bounce-storm.jsonl', 'engagement.json']);
    assert.equal(list[1]!.format, 'jsonlines');
    const text = await (await fetch(`${origin}/emulator/samples/all-event-types.json`, { headers: auth })).text();
    assert.ok(Array.isArray(JSON.parse(text).events));
    assert.equal((await fetch(`${origin}/emulator/samples/..%2Fpackage.json`, { headers: auth })).status, 404);
  });
});
