/**
 * Commands as a user runs them (quick picks and confirmations answered through the fake vscode):
 * against the real emulator where its routes exist, else against the fake emulator server.
 */
import { activateExtension, fake, waitFor, REPO_ROOT } from '../../helpers/extensionHarness';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tempDir } from '../../helpers/emulatorProcess';
import { always, startReceiver } from '../../helpers/receiver';
import { delivery, startFakeEmulator, type FakeEmulator } from '../../helpers/fakeEmulatorServer';
import { EventEmitter, FakeLogChannel, Uri } from '../../helpers/fakeVscode';
import { COMMANDS } from '../../../src/commands';
import type { CommandContext } from '../../../src/commands/context';
import { EmulatorApi } from '../../../src/emulator/apiClient';
import type { EmulatorController } from '../../../src/emulator/controller';
import type { StreamMessage } from '../../../src/emulator/sseClient';
import { SigningSecrets } from '../../../src/emulator/secrets';
import type { Node } from '../../../src/views/treeProvider';

const run = (ctx: CommandContext, id: string, ...args: unknown[]) => COMMANDS[id]!(ctx, ...args);
const pickLabel = (label: string) => (items: ({ label: string } | string)[]) =>
  items.find((i) => (typeof i === 'string' ? i === label : i.label === label || i.label.endsWith(label)));

describe('commands against the real emulator', { concurrency: false }, () => {
  let h: Awaited<ReturnType<typeof activateExtension>>;
  let ctx: CommandContext;
  let controller: EmulatorController;
  before(async () => {
    // No retries: a batch's first failed attempt is its last, so a webhook is paused after one batch interval.
    process.env.MT_EMULATOR_RETRIES = '0';
    h = await activateExtension();
    const { EmulatorController } = await import('../../../src/emulator/controller');
    const { EmulatorTreeProvider } = await import('../../../src/views/treeProvider');
    controller = h.context.subscriptions.find((d) => d instanceof EmulatorController) as EmulatorController;
    const tree = h.context.subscriptions.find((d) => d instanceof EmulatorTreeProvider) as InstanceType<typeof EmulatorTreeProvider>;
    await waitFor(() => controller.state === 'running', 'the emulator');
    ctx = { extensionUri: Uri.file(REPO_ROOT) as never, controller, tree, secrets: new SigningSecrets(undefined) };
  });
  after(async () => {
    delete process.env.MT_EMULATOR_RETRIES;
    await h.dispose();
  });

  test('advance the clock: +5 minutes and a custom "1h30m" move the virtual clock', async () => {
    const t0 = (await controller.api!.status()).clock.now;
    fake.quickPicks.push(pickLabel('+5 minutes'));
    await run(ctx, 'mailtrapEmulator.clock.advance');
    const t1 = (await controller.api!.status()).clock.now;
    assert.ok(t1 - t0 >= 300_000, `advanced ${t1 - t0} ms`);
    fake.quickPicks.push(pickLabel('Custom…'));
    fake.inputBoxes.push('1h30m');
    await run(ctx, 'mailtrapEmulator.clock.advance');
    assert.ok((await controller.api!.status()).clock.now - t1 >= 5_400_000);
    assert.ok(fake.shown.some((s) => /Clock advanced 1h30m → \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/.test(s.message)));
  });

  test('open a message in the browser through a one-time link: no token in the URL, and it works once', async () => {
    const api = controller.api!;
    const sent = await api.send({ from: { email: 'app@links.test' }, to: [{ email: 'ann@example.com' }], subject: 'Hi', html: '<p>Hello <a href="https://example.com/">link</a></p>' });
    fake.quickPicks.push((items: { id: string }[]) => items.find((i) => i.id === sent.message_ids[0]));
    await run(ctx, 'mailtrapEmulator.message.open');
    const url = fake.opened.at(-1)!;
    assert.ok(url.startsWith(`${controller.ready!.http}/emulator/messages/${sent.message_ids[0]}/html?link=`), url);
    assert.ok(!url.includes(controller.ready!.token), 'the token is not in the URL');
    const first = await fetch(url);
    assert.equal(first.status, 200);
    assert.match(await first.text(), /Hello/);
    assert.equal((await fetch(url)).status, 401, 'a used link is dead');
  });

  test('pause, resume and delete (only after the modal confirm)', async () => {
    const api = controller.api!;
    const w = await api.createWebhook({ url: 'http://127.0.0.1:9/x', active: true, payload_format: 'json', sending_stream: 'transactional', event_types: ['delivery'] });
    const node: Node = { kind: 'webhook', webhook: w };
    await run(ctx, 'mailtrapEmulator.webhook.pause', node);
    assert.equal((await api.getWebhook(w.id)).active, false);
    await run(ctx, 'mailtrapEmulator.webhook.resume', node);
    assert.equal((await api.getWebhook(w.id)).active, true);

    await run(ctx, 'mailtrapEmulator.webhook.delete', node); // the user dismisses the dialog
    assert.equal((await api.getWebhook(w.id)).id, w.id);
    const dialog = fake.shown.at(-1)!;
    assert.match(dialog.message, /^Delete the webhook http:\/\/127\.0\.0\.1:9\/x\?$/);
    fake.answers.push({ match: 'Delete the webhook', pick: 'Delete' });
    await run(ctx, 'mailtrapEmulator.webhook.delete', node);
    await assert.rejects(api.getWebhook(w.id), /Not Found/);
  });

  test('from the palette, a webhook is picked from a list', async () => {
    const api = controller.api!;
    const w = await api.createWebhook({ url: 'http://127.0.0.1:9/palette', active: true, payload_format: 'json', sending_stream: 'transactional', event_types: ['delivery'] });
    fake.quickPicks.push((items: { webhook: { id: number } }[]) => items.find((i) => i.webhook.id === w.id));
    await run(ctx, 'mailtrapEmulator.webhook.pause');
    assert.equal((await api.getWebhook(w.id)).active, false);
  });

  test('a webhook paused after its last attempt failed is named as the tree shows it; Resume resumes it, Open Inspector filters to it', async () => {
    const api = controller.api!;
    const receiver = await startReceiver(always(500));
    try {
      const w = await api.createWebhook({ url: `${receiver.url}/hooks/paused`, active: true, payload_format: 'json', sending_stream: 'transactional', event_types: ['delivery'] });
      // Another local port: named by port and path, as the tree shows it.
      const label = `:${receiver.port}/hooks/paused`;
      const failOnce = async () => {
        await api.send({ from: { email: 'app@pause.test' }, to: [{ email: 'ann@example.com' }], subject: 'Hi', text: 'Hi' });
        await api.advanceClock(40); // the delivery event (2 s), one batch interval (30 s), the attempt's 500
      };
      const shown = (n: number) => fake.shown.filter((m) => m.message.startsWith(`Webhook ${label} (#${w.id}) was paused`)).length >= n;

      fake.answers.push({ match: `Webhook ${label} (#${w.id}) was paused`, pick: 'Resume Webhook' });
      await failOnce();
      await waitFor(() => shown(1), 'the paused notification');
      const note = fake.shown.find((m) => m.message.includes(`(#${w.id}) was paused`))!;
      assert.equal(note.level, 'warning');
      assert.match(note.message, new RegExp(`^Webhook ${label.replace(/\./g, '\\.')} \\(#${w.id}\\) was paused: batch #\\d+ failed after 1 attempt \\(status 500\\)\\.$`));
      assert.deepEqual(note.items, ['Open Inspector', 'Resume Webhook']);
      await waitFor(async () => (await api.getWebhook(w.id)).active, 'Resume to make the webhook active again');

      fake.answers.push({ match: `Webhook ${label} (#${w.id}) was paused`, pick: 'Open Inspector' });
      await failOnce();
      await waitFor(() => shown(2), 'the second paused notification');
      const panel = await waitFor(() => fake.panels.find((p) => p.viewType === 'mailtrapEmulator.inspector' && !p.disposed), 'the inspector');
      panel.webview.send({ type: 'ready' });
      const init = await waitFor(() => panel.webview.posted.find((m) => m.type === 'init'), 'init');
      assert.deepEqual(init.data.filter, { webhook_id: w.id });
      assert.equal((await api.getWebhook(w.id)).active, false, 'Open Inspector leaves it paused');
      panel.dispose();
    } finally {
      await receiver.close();
    }
  });

  test('copy settings: the nodemailer snippet carries the running SMTP port and token', async () => {
    fake.quickPicks.push(pickLabel('nodemailer (SMTP)'));
    await run(ctx, 'mailtrapEmulator.settings.copySnippet');
    assert.match(fake.clipboard, new RegExp(`port: ${controller.ready!.smtpPort},`));
    assert.ok(fake.clipboard.includes(`pass: '${controller.ready!.token}'`));
  });

  test('status bar menu lists the actions and runs the chosen one', async () => {
    fake.quickPicks.push((items: { label: string }[]) => {
      assert.ok(items.some((i) => /Stop emulator/.test(i.label)));
      return items.find((i) => /Show logs/.test(i.label));
    });
    await run(ctx, 'mailtrapEmulator.emulator.menu');
    assert.ok(fake.channels[0]!.shown);
  });
});

describe('commands against routes served by the fake emulator server', () => {
  let emu: FakeEmulator;
  let ctx: CommandContext;
  const stream = new EventEmitter<StreamMessage>();
  before(async () => {
    emu = await startFakeEmulator();
    const api = new EmulatorApi(emu.url, emu.token);
    const ready = { ready: true as const, http: emu.url, httpPort: 1, smtpPort: 2, token: emu.token, accountId: 1, dataDir: null };
    const controller = {
      api, ready, state: 'running', log: new FakeLogChannel('t'), ownership: {},
      ensureApi: async () => api, start: async () => ready,
      onStream: stream.event, onDidChangeState: new EventEmitter().event,
    } as unknown as EmulatorController;
    ctx = { extensionUri: Uri.file(REPO_ROOT) as never, controller, tree: { refresh() {} } as never, secrets: new SigningSecrets(undefined) };
  });
  after(() => emu.close());

  const webhookNode: Node = { kind: 'webhook', webhook: { id: 1, url: 'http://127.0.0.1:9/sink/demo', active: true, webhook_type: 'email_sending', payload_format: 'json', sending_stream: 'transactional', domain_id: 1, event_types: ['bounce'] } };

  test('test webhook: a pass is a notification with status and time', async () => {
    emu.testResult = { ok: true, status: 200, durationMs: 12.4, error: null, responseBody: 'ok' };
    await run(ctx, 'mailtrapEmulator.webhook.test', webhookNode);
    assert.equal(fake.shown.at(-1)!.message, 'Webhook test passed: 200 in 12 ms.');
  });

  test('test webhook: a failure offers Open Inspector, which opens the inspector on that webhook', async () => {
    emu.testResult = { ok: false, status: 500, durationMs: 40, error: 'status 500', responseBody: 'boom' };
    fake.answers.push({ match: 'Webhook test failed', pick: 'Open Inspector' });
    await run(ctx, 'mailtrapEmulator.webhook.test', webhookNode);
    const shown = fake.shown.at(-1)!;
    assert.deepEqual([shown.level, shown.message, shown.items], ['warning', 'Webhook test failed: 500 in 40 ms (status 500).', ['Open Inspector']]);
    const panel = await waitFor(() => fake.panels.find((p) => p.viewType === 'mailtrapEmulator.inspector' && !p.disposed), 'the inspector');
    assert.match(panel.webview.html, /default-src 'none'/);
    assert.match(panel.webview.html, /script-src 'nonce-([A-Za-z0-9]+)'[\s\S]*<script nonce="\1"/);
    assert.deepEqual(panel.options.localResourceRoots.map((u: Uri) => u.fsPath), [path.join(REPO_ROOT, 'media')]);
    panel.webview.send({ type: 'ready' });
    const init = await waitFor(() => panel.webview.posted.find((m) => m.type === 'init'), 'init');
    assert.deepEqual(init.data.filter, { webhook_id: 1 });
    // Live: a delivery announced on the stream is forwarded to the webview.
    const d42 = delivery(42, { status: 'delivered' });
    stream.fire({ name: 'delivery.updated', data: d42 });
    const ev = await waitFor(() => panel.webview.posted.find((m) => m.type === 'event' && m.name === 'delivery'), 'the forwarded delivery');
    assert.deepEqual(ev.data, d42);
    panel.dispose();
  });

  test('a 404 says the thing is not there (deleted meanwhile), not "this version does not support it"', async () => {
    emu.missing = ['/emulator/webhooks/'];
    try {
      await run(ctx, 'mailtrapEmulator.webhook.test', webhookNode);
      assert.equal(fake.shown.at(-1)!.message, 'Testing the webhook failed: the webhook was not found (deleted meanwhile?).');
    } finally {
      emu.missing = [];
    }
  });

  test('a refused connection reads as refused, not as "no response in 1 ms"', async () => {
    emu.testResult = { ok: false, status: null, durationMs: 1, error: 'connect ECONNREFUSED 127.0.0.1:9', responseBody: null };
    await run(ctx, 'mailtrapEmulator.webhook.test', webhookNode);
    assert.equal(fake.shown.at(-1)!.message, 'Webhook test failed: connection refused (nothing listens at that address): connect ECONNREFUSED 127.0.0.1:9.');
  });

  test('the status bar counts pending deliveries, refreshed by the stream', async () => {
    const { EmulatorStatusBar } = await import('../../../src/views/statusBar');
    const bar = new EmulatorStatusBar(ctx.controller, 0);
    assert.equal(bar.item.text, '$(mail) Mailtrap :1 · SMTP 2');
    emu.deliveries = [delivery(2, { status: 'retrying' }), delivery(1, { status: 'pending' })];
    stream.fire({ name: 'delivery.created', data: delivery(3) });
    await waitFor(() => bar.item.text.endsWith('· 2 pending'), 'the pending count');
    assert.match(String(bar.item.tooltip), /2 deliveries pending/);
    emu.deliveries = [];
    bar.dispose();
  });

  test('send test email by scenario: the bounce scenario sends to a +bounce address from the first domain', async () => {
    fake.quickPicks.push(pickLabel('Bounce'));
    await run(ctx, 'mailtrapEmulator.mail.sendTest');
    const sent = emu.requests.find((r) => r.path === '/api/send')!;
    const body = JSON.parse(sent.body);
    assert.deepEqual(body.to, [{ email: 'test+bounce@example.com' }]);
    assert.equal(body.from.email, 'hello@acme.test');
    assert.match(fake.shown.at(-1)!.message, /Sent a bounce test to test\+bounce@example\.com \(message msg-1\)/);
  });

  test('trigger an event: picked from the recent messages, or typed as an address', async () => {
    fake.quickPicks.push(pickLabel('Soft bounce'));
    fake.quickPicks.push((items: { detail?: string }[]) => items.find((i) => i.detail === 'msg-1'));
    await run(ctx, 'mailtrapEmulator.event.trigger');
    let req = emu.requests.filter((r) => r.path === '/emulator/events' && r.method === 'POST').at(-1)!;
    assert.deepEqual(JSON.parse(req.body), { type: 'soft bounce', message_id: 'msg-1' });
    assert.equal(fake.shown.at(-1)!.message, 'Triggered Soft bounce for b@example.com (event ev-1).');
    fake.quickPicks.push(pickLabel('Soft bounce'));
    fake.quickPicks.push((items: { label: string }[]) => items.at(-1));
    fake.inputBoxes.push('someone@example.com');
    await run(ctx, 'mailtrapEmulator.event.trigger');
    req = emu.requests.filter((r) => r.path === '/emulator/events' && r.method === 'POST').at(-1)!;
    assert.deepEqual(JSON.parse(req.body), { type: 'soft bounce', email: 'someone@example.com' });
  });

  test('replay a .jsonl file from the workspace as JSON Lines', async () => {
    const file = path.join(tempDir(), 'batch.jsonl');
    fs.writeFileSync(file, '{"event":"delivery"}\n{"event":"bounce"}\n');
    await run(ctx, 'mailtrapEmulator.replay.sample', Uri.file(file));
    const req = emu.requests.find((r) => r.path === '/emulator/replay')!;
    assert.equal(req.headers['content-type'], 'application/jsonl');
    assert.match(fake.shown.at(-1)!.message, /Replayed 2 events from batch\.jsonl/);
  });

});
