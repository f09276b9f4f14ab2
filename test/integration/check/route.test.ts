/** `POST /emulator/check` on the real emulator process: the same report as the CLI, for a URL or for one of its webhooks. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CASES, SECRET, startCheckReceiver, type CheckReceiver } from '../../helpers/checkReceivers';
import { useEmulatorProcess } from '../../helpers/emulatorProcess';

describe('POST /emulator/check', () => {
  const t = useEmulatorProcess(['--memory', '--time-scale', '3600']);
  const receivers = new Map<string, CheckReceiver>();
  before(async () => {
    for (const c of CASES) receivers.set(c.name, await startCheckReceiver(c.flaws));
  });
  after(async () => {
    for (const r of receivers.values()) await r.close();
  });

  it('gives each handler exactly its verdicts (timeouts in real seconds, whatever the time scale)', async () => {
    const answers = await Promise.all(
      CASES.map((c) => t.call('POST', '/emulator/check', { url: receivers.get(c.name)!.url, secret: SECRET, ...c.args })),
    );
    CASES.forEach((c, i) => {
      assert.equal(answers[i].status, 200, c.name);
      const report = answers[i].json;
      assert.equal(report.ok, c.ok, c.name);
      assert.deepEqual(report.checks.filter((x: { ok: boolean }) => !x.ok).map((x: { id: string }) => x.id), c.failing, `${c.name}: ${answers[i].text}`);
    });
  });

  it('checks a webhook of the emulator with its own URL, signing secret and payload format', async () => {
    const good = receivers.get('good')!;
    const hook = await t.call('POST', '/api/webhooks', {
      webhook: { url: good.url, webhook_type: 'email_sending', sending_stream: 'transactional', payload_format: 'jsonlines', event_types: ['delivery'] },
    });
    assert.equal(hook.status, 200);
    // The good receiver verifies with SECRET, not this webhook's secret: every signed batch is refused.
    const own = await t.call('POST', '/emulator/check', { webhook_id: hook.json.data.id });
    assert.equal(own.json.ok, false);
    const status = own.json.checks.find((x: { id: string }) => x.id === 'status-200');
    assert.match(status.detail, /^answered 401 to a one-event batch/);
    assert.match(status.fix, /check that --secret is this webhook's signing secret/);
    // With the receiver's secret given beside the webhook, its URL and JSON Lines format are used.
    const withSecret = await t.call('POST', '/emulator/check', { webhook_id: hook.json.data.id, secret: SECRET });
    assert.equal(withSecret.json.ok, true);
    assert.match(withSecret.json.checks.find((x: { id: string }) => x.id === 'format').detail, /^accepted JSON Lines/);
  });

  it('bad input: 422 with field errors, 404 for an unknown webhook, 401 without the token', async () => {
    const bad = await t.call('POST', '/emulator/check', { url: 'ftp://x', format: 'xml', timeout: -1 });
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.json, { errors: { url: ['must be http or https'], secret: ["can't be blank"], format: ['must be json or jsonlines'], timeout: ['must be a number of seconds from 0 to 300'] } });
    const missing = await t.call('POST', '/emulator/check', { webhook_id: 9999 });
    assert.equal(missing.status, 404);
    const anon = await fetch(`${t.emu.ready.http}/emulator/check`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    assert.equal(anon.status, 401);
  });
});
