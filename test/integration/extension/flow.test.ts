/**
 * The "done when" flow through the extension's host code (fake `vscode` at the edge, real
 * emulator): start, add a domain and a webhook on the built-in sink, send a bouncing test email,
 * advance the clock, and find the signed batch with its 200 in the inspector.
 *
 * Needs the emulator with sending and delivery (main after the merges); not part of `npm test` on
 * the extension branch, whose emulator lacks those routes. Run: `npm run build && node --import tsx --test test/integration/extension/flow.test.ts`.
 */
import { activateExtension, fake, waitFor } from '../../helpers/extensionHarness';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import type { EmulatorController } from '../../../src/emulator/controller';
import type { SigningSecrets } from '../../../src/emulator/secrets';
import type { EmulatorTreeProvider } from '../../../src/views/treeProvider';
import { formHandlers } from '../../../src/webviews/formPanel';
import { inspectorHandlers } from '../../../src/webviews/inspectorHandlers';

const header = (h: Record<string, string>, name: string) => Object.entries(h).find(([k]) => k.toLowerCase() === name)?.[1];

test('start → domain → webhook on the sink → bouncing email → advance clock → signed batch with 200 in the inspector', async () => {
  const h = await activateExtension();
  try {
    const { EmulatorController } = await import('../../../src/emulator/controller');
    const { EmulatorTreeProvider } = await import('../../../src/views/treeProvider');
    const c = h.context.subscriptions.find((d) => d instanceof EmulatorController) as EmulatorController;
    const tree = h.context.subscriptions.find((d) => d instanceof EmulatorTreeProvider) as EmulatorTreeProvider;
    await waitFor(() => c.state === 'running', 'the emulator', 30_000);
    const secrets = (tree as unknown as { secrets: SigningSecrets }).secrets;

    const form = formHandlers({ api: c.api!, secrets }, () => {}, async () => {});
    const domain = await form['domain.create']({ domainName: 'acme.test' });
    // Domains start unverified (mail from them is suspended); verify it as a user would.
    await c.api!.request('POST', `/emulator/domains/${domain.id}/verify`);
    const { webhook, signingSecret } = await form['webhook.save']({
      url: `${c.ready!.http}/sink/demo`, username: '', password: '', token: '',
      active: true, payload_format: 'json', sending_stream: 'transactional', domain_id: domain.id,
      event_types: ['delivery', 'soft_bounce', 'bounce', 'suspension', 'unsubscribe', 'open', 'spam_complaint', 'click', 'reject'],
    });

    fake.quickPicks.push((items: { label: string }[]) => items.find((i) => i.label === 'Bounce'));
    await fake.commands.get('mailtrapEmulator.mail.sendTest')!();
    assert.match(fake.shown.at(-1)!.message, /^Sent a bounce test to test\+bounce@example\.com/);
    for (let i = 0; i < 2; i++) {
      fake.quickPicks.push((items: { label: string }[]) => items.find((x) => x.label === '+30 seconds'));
      await fake.commands.get('mailtrapEmulator.clock.advance')!();
    }

    const inspector = inspectorHandlers(() => c.api!, async () => {});
    const page = await inspector['deliveries.list']({ filter: { webhook_id: webhook.id, event: 'bounce' } });
    assert.equal(page.data.length, 1);
    // The list's rows are summaries (a page of 500 whole batches of 500 events is over 100 MB); the detail has the body.
    assert.equal('body' in page.data[0]!, false);
    const d = await inspector['delivery.get']({ id: page.data[0]!.id });
    assert.deepEqual([d.status, d.lastStatus], ['delivered', 200]);
    const attempt = d.attempts[0]!;
    assert.equal(attempt.response?.status, 200);
    assert.equal(header(attempt.request.headers, 'mailtrap-signature'), createHmac('sha256', signingSecret!).update(attempt.request.body).digest('hex'));
    assert.equal(JSON.parse(attempt.request.body).events[0].event, 'bounce');

    tree.refresh();
    const [root] = await tree.getChildren();
    const domainNode = (await tree.getChildren(root)).find((n) => n.kind === 'domain')!;
    const [hookNode] = await tree.getChildren(domainNode);
    const item = await tree.getTreeItem(hookNode!);
    assert.match(String(item.description), /^active · all events · 200 /);
    assert.equal(item.contextValue, 'webhook.active.secret');

    await fake.commands.get('mailtrapEmulator.webhook.test')!(hookNode);
    assert.match(fake.shown.at(-1)!.message, /^Webhook test passed: 200 in \d+ ms\.$/);
    assert.deepEqual(fake.shown.filter((s) => s.level !== 'info'), []);
  } finally {
    await h.dispose();
  }
});
