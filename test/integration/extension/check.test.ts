/**
 * **Check Endpoint…** through the extension's host code (fake `vscode` at the edge, the real
 * emulator process, real handlers): the same verdicts as the CLI and the route, the report opened
 * with each failure's fix, on a URL, on a webhook of the tree, and from the palette.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EmulatorController } from '../../../src/emulator/controller';
import { CASES, SECRET, startCheckReceiver, type CheckReceiver } from '../../helpers/checkReceivers';
import { activateExtension, fake, waitFor } from '../../helpers/extensionHarness';

type Report = { ok: boolean; checks: { id: string; ok: boolean; severity: string; fix?: string }[] };

describe('Check Endpoint…', () => {
  let h: Awaited<ReturnType<typeof activateExtension>>;
  let c: EmulatorController;
  const receivers: CheckReceiver[] = [];
  const run = (...args: unknown[]) => fake.commands.get('mailtrapEmulator.webhook.check')!(...args) as Promise<Report | undefined>;

  before(async () => {
    h = await activateExtension();
    const { EmulatorController } = await import('../../../src/emulator/controller');
    c = h.context.subscriptions.find((d) => d instanceof EmulatorController) as EmulatorController;
    await waitFor(() => c.state === 'running', 'the emulator');
  });
  after(async () => {
    await h.dispose();
    for (const r of receivers) await r.close();
  });

  it('gives each handler exactly its verdicts and opens the report with every failure explained', async () => {
    const urls = await Promise.all(CASES.map(async (k) => {
      const r = await startCheckReceiver(k.flaws);
      receivers.push(r);
      return r.url;
    }));
    const reports = await Promise.all(CASES.map((k, i) => run({ url: urls[i], secret: SECRET, ...k.args })));
    CASES.forEach((k, i) => {
      const report = reports[i]!;
      assert.deepEqual(report.checks.filter((x) => !x.ok).map((x) => x.id), k.failing, k.name);
      assert.equal(report.ok, k.ok, k.name);
      const doc = fake.documents.find((d) => d.content.includes(`\`${urls[i]}\``))!;
      assert.ok(doc.shown, `${k.name}: the report is shown`);
      assert.equal(doc.language, 'markdown');
      assert.match(doc.content, new RegExp(`^# Mailtrap endpoint check: ${k.ok ? 'ready' : 'not ready'}$`, 'm'));
      for (const x of report.checks.filter((y) => !y.ok)) {
        const mark = x.severity === 'warning' ? '⚠ warning' : '✗ failed';
        assert.ok(doc.content.includes(`## ${x.id}: ${mark}`), `${k.name}: ${x.id} is marked`);
        assert.ok(doc.content.includes(`**Fix:** ${x.fix}`), `${k.name}: ${x.id} has its fix`);
      }
    });
    const summaries = fake.shown.filter((s) => s.message.startsWith('Endpoint check: '));
    assert.equal(summaries.length, CASES.length);
    assert.ok(summaries.some((s) => s.level === 'warning' && s.message === 'Endpoint check: Not ready for Mailtrap: 1 required check failed (status-200).'));
    assert.ok(summaries.some((s) => s.level === 'info' && s.message === 'Endpoint check: Ready for Mailtrap: every required check passed (warning: signature).'));
  });

  it("on a webhook of the tree: its own URL, signing secret and payload format, which the emulator knows", async () => {
    // The handler is configured after the webhook exists, with the secret Mailtrap showed once.
    const api = c.api!;
    const created = await api.request<{ data: { id: number; signing_secret: string } }>('POST', '/api/webhooks', {
      webhook: { url: 'http://127.0.0.1:9/placeholder', webhook_type: 'email_sending', sending_stream: 'transactional', payload_format: 'jsonlines', event_types: ['bounce'] },
    });
    const r = await startCheckReceiver({ secret: created.data.signing_secret });
    receivers.push(r);
    const hook = await api.updateWebhook(created.data.id, { url: r.url });
    const report = await run({ kind: 'webhook', webhook: hook });
    assert.equal(report!.ok, true);
    assert.deepEqual(report!.checks.filter((x) => !x.ok), []);
    assert.match(fake.documents.at(-1)!.content, /Payload format: jsonlines; timeout: 30 s/);
  });

  it('from the palette: another URL, its secret and format asked for; dismissing asks nothing more', async () => {
    const r = await startCheckReceiver({ okStatus: 202 });
    receivers.push(r);
    fake.quickPicks.push((items: { label: string }[]) => items.find((i) => i.label === '$(link) Another URL…'));
    fake.inputBoxes.push(r.url, SECRET);
    fake.quickPicks.push((items: { label: string }[]) => items.find((i) => i.label === 'json'));
    const report = await run();
    assert.deepEqual(report!.checks.filter((x) => !x.ok).map((x) => x.id), ['status-200']);
    assert.match(fake.documents.at(-1)!.content, /answered 202 instead of 200/);

    const before = fake.documents.length;
    fake.quickPicks.push(() => undefined);
    assert.equal(await run(), undefined);
    assert.equal(fake.documents.length, before);
  });
});
