/**
 * Crash points (issue 8): kill -9 at random moments under a steady load, restart on the same data
 * dir each time; nothing acknowledged is lost. CI runs 50 kill points; `MT_CRASH_KILLS=500` (and
 * `MT_CRASH_SEED`) for a long local run.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { api, tempDir } from '../../helpers/emulatorProcess';
import { CrashHarness } from './crashHarness';

const KILLS = Number(process.env.MT_CRASH_KILLS ?? 50);
const SEED = Number(process.env.MT_CRASH_SEED ?? Date.now() % 1_000_000);

describe(`crash points (${KILLS} kill -9, seed ${SEED})`, () => {
  const h = new CrashHarness(tempDir('mt-crash-'), SEED);
  after(() => h.tearDown());

  it('every acknowledged send has its events delivered, no webhook or domain lost or resurrected, the store opens cleanly each time', { timeout: 30 * 60_000 }, async () => {
    await h.setUp();
    for (let i = 0; i < KILLS; i++) await h.round();
    const emu = await h.settle();
    const call = api(emu.ready);
    try {
      assert.deepEqual(h.ledger.unexpected, [], 'a live emulator refused or failed a valid request');
      assert.ok(h.ledger.messages.length > KILLS, `load too light: ${h.ledger.messages.length} messages acknowledged`);
      for (const t of h.targets) assert.deepEqual(h.ledger.missing(t.name, t.stream), [], `missing at ${t.name}`);
      // At-least-once delivery, exactly-once recording: an event resent after a crash keeps its event_id.
      assert.deepEqual(h.ledger.regenerated(), []);

      const webhooks = new Set(((await call('GET', '/api/webhooks')).json.data as { id: number }[]).map((w) => w.id));
      for (const [id, fate] of h.ledger.webhooks) {
        if (fate === 'exists') assert.ok(webhooks.has(id), `acknowledged webhook ${id} is gone`);
        if (fate === 'deleted') assert.ok(!webhooks.has(id), `deleted webhook ${id} is back`);
      }
      const domains = new Set(((await call('GET', '/api/domains')).json.data as { domain_name: string }[]).map((d) => d.domain_name));
      for (const [name, d] of h.ledger.domains) {
        if (d.fate === 'exists') assert.ok(domains.has(name), `acknowledged domain ${name} is gone`);
        if (d.fate === 'deleted') assert.ok(!domains.has(name), `deleted domain ${name} is back`);
      }
      const s = h.stats;
      console.log(
        `crash harness: ${s.kills} kill -9 survived, ${s.starts} clean opens, ${h.ledger.messages.length} acknowledged messages ` +
          `(http ${s.acked.http}, batch ${s.acked.batch}, smtp ${s.acked.smtp}, events of ${s.acked.replay} replays), ${s.acked.webhookOps} webhook and ${s.acked.domainOps} domain changes, ` +
          `${s.tornTails} torn journal tails cut, ${s.aheadCuts} journals' pages written ahead cut, ${s.snapshotFallbacks} snapshot fallbacks`,
      );
    } finally {
      assert.equal(await emu.stop(), 0);
    }
  });
});
