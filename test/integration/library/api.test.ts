/** The library's handle against the real emulator process (lib/ sources; the packed package is package.test.ts). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EmulatorApiError, startEmulator, type Emulator } from '../../../lib';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('startEmulator', () => {
  let emu: Emulator;
  before(async () => {
    // A variable meant for the user's own dev emulator must not leak into this one.
    process.env.MT_EMULATOR_DATA = '/nonexistent/should-not-be-used';
    try {
      emu = await startEmulator({ batchInterval: 10 });
    } finally {
      delete process.env.MT_EMULATOR_DATA;
    }
  });
  after(() => emu.stop());

  it('scripts a sink, delivers to it with retries on the virtual clock, and reads the events back', async () => {
    const sink = emu.sink('lib');
    await sink.script([{ status: 503 }, { status: 200 }]);
    const hook = await emu.createWebhook({ url: sink.url, event_types: ['bounce'] });
    assert.match(hook.signing_secret, /^[0-9a-f]{32}$/);
    const sent = await emu.send({ from: { email: 'app@lib.test' }, to: [{ email: 'zoe+bounce@example.com' }], subject: 'Hi', text: 'Hi' });
    await emu.clock.advance('30s');
    const retrying = await emu.waitForDelivery({ webhook_id: hook.id, status: 'retrying' });
    assert.equal(retrying.lastStatus, 503);
    await emu.clock.advance('5m');
    const done = await emu.waitForDelivery({ webhook_id: hook.id, event: 'bounce', message_id: sent.message_ids[0] });
    assert.deepEqual(done.attempts.map((a) => a.response?.status), [503, 200]);
    const events = await sink.events();
    assert.deepEqual(events.map((e) => [e.event, e.email]), [['bounce', 'zoe+bounce@example.com'], ['bounce', 'zoe+bounce@example.com']]);
    await sink.clear();
    assert.deepEqual(await sink.requests(), []);
  });

  it('createDomain: verified by default, so its mail is delivered; unverified on request, so it is suspended', async () => {
    const ok = await emu.createDomain('verified.test');
    assert.equal(ok.dns_verified, true);
    const raw = await emu.createDomain('pending.test', { verified: false });
    assert.equal(raw.compliance_status, 'unverified_dns');
    const hook = await emu.createWebhook({ url: emu.sink('domains').url, event_types: ['delivery', 'suspension'] });
    await emu.send({ from: { email: 'a@verified.test' }, to: [{ email: 'x@example.com' }], subject: 'Hi', text: 'Hi' });
    await emu.send({ from: { email: 'a@pending.test' }, to: [{ email: 'y@example.com' }], subject: 'Hi', text: 'Hi' });
    await emu.clock.advance('1m');
    await emu.waitForDelivery({ webhook_id: hook.id, email: 'y@example.com' });
    const events = await emu.sink('domains').events();
    assert.deepEqual(events.map((e) => [e.sending_domain_name, e.event]).sort(), [['pending.test', 'suspension'], ['verified.test', 'delivery']]);
  });

  it('waitForDelivery says what it found instead; API errors carry Mailtrap\'s body', async () => {
    await assert.rejects(emu.waitForDelivery({ email: 'nobody@example.com' }, { timeout: 200 }), /no delivered delivery matching \{"email":"nobody@example.com"\} within 200 ms; none matches yet \(did you advance the clock/);
    const err = await emu.createWebhook({ url: 'not a url' }).catch((e: unknown) => e);
    assert.ok(err instanceof EmulatorApiError);
    assert.equal(err.status, 422);
    assert.deepEqual(err.body, { errors: { url: ['is invalid'] } });
    await assert.rejects(emu.clock.advance('soon'), /not a duration: "soon"/);
  });

  it('a test file that forgets stop() still exits, and takes its emulator with it', async () => {
    const script = `require(${JSON.stringify(path.resolve(__dirname, '../../../lib'))}).startEmulator().then((e) => console.log(e.pid));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const pid = Number(r.stdout.trim());
    assert.ok(pid > 0, r.stdout);
    // The emulator got SIGTERM as its test process exited, and stops cleanly by itself.
    for (let i = 0; i < 200 && alive(pid); i++) await new Promise((res) => setTimeout(res, 50));
    assert.ok(!alive(pid), `emulator ${pid} exited`);
  });
});
