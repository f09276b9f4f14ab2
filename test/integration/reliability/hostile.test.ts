/**
 * Hostile receivers (issue 8): endpoints that hang, drip a byte a second, reset mid-response, talk
 * garbage, send 10 MB, redirect or refuse. Each gets its failed attempts and retries (200 only is
 * success) and is paused when they are spent; the emulator's memory stays bounded; a healthy
 * webhook beside them gets every batch one batch interval after its events, on the virtual clock.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { api, startEmulatorProcess, type RunningEmulator } from '../../helpers/emulatorProcess';
import { startReceiver, type Receiver } from '../../helpers/receiver';
import { advance, mail, send } from '../../helpers/sending';
import { hostiles, refusing, rssMiB, type Hostile } from './hostileReceivers';

const RSS_BOUND_MIB = 400;

describe('hostile receivers', () => {
  const closers: (() => Promise<unknown>)[] = [];
  let emu: RunningEmulator | undefined;
  after(async () => {
    if (emu) await emu.stop();
    await Promise.all(closers.map((c) => c()));
  });

  it('each fails and is retried, memory stays bounded, a healthy webhook beside them is on time', { timeout: 120_000 }, async () => {
    emu = await startEmulatorProcess(['--memory', '--retries', '2']);
    const call = api(emu.ready);
    const healthy: Receiver = await startReceiver();
    const redirectTarget: Receiver = await startReceiver();
    closers.push(healthy.close, redirectTarget.close);
    const bad: Hostile[] = [
      await hostiles.hang(),
      await hostiles.drip(),
      await hostiles.resetMidBody(),
      await hostiles.garbage(),
      await hostiles.hugeBody(),
      await hostiles.redirect(`${redirectTarget.url}/moved`),
    ];
    bad.forEach((h) => closers.push(h.close));
    const targets = [...bad, await refusing()];
    const expectedError: Record<string, RegExp> = {
      hang: /^timeout after 30 s$/,
      drip: /^timeout after 30 s$/,
      reset: /cut short|ECONNRESET|socket/i,
      garbage: /parse|invalid|HPE|expected/i,
      huge: /^status 500$/,
      redirect: /^status 302$/,
      refuse: /ECONNREFUSED/,
    };
    const hook = async (url: string) =>
      (await call('POST', '/api/webhooks', { webhook: { url, webhook_type: 'email_sending', sending_stream: 'transactional', event_types: ['delivery'] } })).json.data;
    const healthyHook = await hook(`${healthy.url}/ok`);
    const ids: Record<string, number> = {};
    for (const t of targets) ids[t.name] = (await hook(t.url)).id;

    const rss: number[] = [rssMiB(emu.proc.pid!)];
    // Three rounds: a send, then 32 virtual seconds (delivery event at +2 s, flush 30 s later).
    // The healthy receiver has the batch right then, while the hostile ones hang, drip, fail.
    for (let round = 1; round <= 3; round++) {
      const r = await send(call, mail({ to: [{ email: `r${round}@example.net` }] }));
      await advance(call, 32);
      await healthy.waitFor(round);
      assert.equal(JSON.parse(healthy.requests[round - 1].body).events[0].message_id, r.json.message_ids[0], `round ${round} on time`);
      rss.push(rssMiB(emu.proc.pid!));
    }
    // Timeouts (30 s), then the two retries 5 minutes apart: every hostile batch spends its 3 attempts.
    for (let i = 0; i < 8; i++) {
      await advance(call, 100);
      rss.push(rssMiB(emu.proc.pid!));
    }
    await advance(call, 60);

    for (const t of targets) {
      const ds = (await call('GET', `/emulator/deliveries?webhook_id=${ids[t.name]}`)).json.data;
      assert.equal(ds.length, 3, `${t.name}: one batch a round`);
      const first = ds[ds.length - 1];
      assert.equal(first.status, 'failed', `${t.name}: ${JSON.stringify(first.attempts.map((a: { error: string }) => a.error))}`);
      assert.equal(first.attempts.length, 3, `${t.name}: first attempt and 2 retries`);
      for (const a of first.attempts) {
        assert.equal(a.ok, false);
        assert.match(a.error, expectedError[t.name], t.name);
      }
      const w = (await call('GET', `/api/webhooks/${ids[t.name]}`)).json.data;
      assert.equal(w.active, false, `${t.name} paused after the last attempt`);
    }
    for (const h of bad) assert.ok(h.requests >= 3, `${h.name} got ${h.requests} requests`);
    const huge = (await call('GET', `/emulator/deliveries?webhook_id=${ids.huge}`)).json.data[0].attempts[0].response;
    assert.equal(huge.truncated, true);
    assert.ok(huge.body.length <= 64 * 1024, 'at most 64 KiB of a 10 MB body is kept');
    assert.equal(redirectTarget.requests.length, 0, 'redirects are not followed');
    assert.equal(healthy.requests.length, 3, 'the healthy webhook got each batch once');
    assert.equal((await call('GET', `/api/webhooks/${healthyHook.id}`)).json.data.active, true);
    const max = Math.max(...rss);
    console.log(`hostile receivers: ${targets.length} hostile + 1 healthy webhook; emulator RSS ${rss[0].toFixed(0)} MiB at start, max ${max.toFixed(0)} MiB`);
    assert.ok(max < RSS_BOUND_MIB, `RSS ${max} MiB`);
  });
});
