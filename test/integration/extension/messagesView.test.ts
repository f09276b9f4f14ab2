/**
 * The Messages view and a message's timeline, in the extension's host code against the real
 * emulator (the `vscode` API faked at the edge): live statuses, paging over 10,000 messages, the
 * timeline's events and the batch that carried them, the jump to the inspector, the actions.
 */
import { activateExtension, fake, waitFor } from '../../helpers/extensionHarness';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MessageDto } from '../../../emulator/http/dto';
import type { EmulatorController } from '../../../src/emulator/controller';
import type { MessageTimeline } from '../../../src/protocol/messages';
import type { MessageNode, MessagesTreeProvider } from '../../../src/views/messagesProvider';
import type { FakeWebviewPanel, ThemeIcon } from '../../helpers/fakeVscode';

describe('Messages view', { concurrency: false }, () => {
  let h: Awaited<ReturnType<typeof activateExtension>>;
  let view: MessagesTreeProvider;
  let controller: EmulatorController;
  const ids: Record<string, string> = {};

  before(async () => {
    h = await activateExtension();
    const { MessagesTreeProvider } = await import('../../../src/views/messagesProvider');
    view = h.context.subscriptions.find((d) => d instanceof MessagesTreeProvider) as MessagesTreeProvider;
    const { EmulatorController } = await import('../../../src/emulator/controller');
    controller = h.context.subscriptions.find((d) => d instanceof EmulatorController) as EmulatorController;
    await waitFor(() => controller.state === 'running', 'the emulator');
  });
  after(() => h.dispose());

  /** The rows as a user reads them: label, description, icon. */
  const rows = async () =>
    Promise.all(
      (await view.getChildren()).map(async (n) => {
        const item = view.getTreeItem(n);
        return { node: n, label: String(item.label), description: String(item.description ?? ''), icon: (item.iconPath as ThemeIcon | undefined)?.id, context: item.contextValue };
      }),
    );
  const rowOf = async (email: string) => (await rows()).find((r) => r.label === email);

  test('sent messages appear live, newest first, and their status badges change as events arrive', async () => {
    const api = controller.api!;
    const { http } = controller.ready!;
    await api.createWebhook({ url: `${http}/sink/messages`, active: true, payload_format: 'json', sending_stream: 'transactional', event_types: ['delivery', 'bounce', 'spam_complaint'] });
    const sent = await api.send({ from: { email: 'app@shop.test' }, to: [{ email: 'ann+bounce@example.com' }, { email: 'bob@example.com' }], subject: 'Order shipped', text: 'On its way' });
    [ids.ann, ids.bob] = sent.message_ids;
    await waitFor(async () => (await rows()).length >= 2, 'two rows');
    const first = await rows();
    assert.deepEqual(first.map((r) => r.label), ['bob@example.com', 'ann+bounce@example.com']);
    assert.ok(first.every((r) => r.icon === 'clock' && r.description.startsWith('Enqueued · Order shipped')), JSON.stringify(first));

    await api.advanceClock(60);
    await waitFor(async () => (await rowOf('ann+bounce@example.com'))?.icon === 'error', 'the bounce badge');
    const ann = (await rowOf('ann+bounce@example.com'))!;
    assert.match(ann.description, /^Not delivered · Order shipped/);
    assert.equal(ann.context, 'message.not_delivered');
    const bob = (await rowOf('bob@example.com'))!;
    assert.equal(bob.icon, 'pass-filled');
    assert.match(bob.description, /^Delivered/);
    assert.equal(view.getTreeItem(ann.node).command?.command, 'mailtrapEmulator.message.timeline');
  });

  test('the timeline: each event with its time and details, the batch that carried it, and one click to that batch in the inspector', async () => {
    const node = (await rowOf('ann+bounce@example.com'))!.node;
    await fake.commands.get('mailtrapEmulator.message.timeline')!(node);
    const panel = fake.panels.find((p) => p.viewType === 'mailtrapEmulator.message') as FakeWebviewPanel;
    assert.ok(panel, 'a timeline panel opened');
    assert.match(panel.webview.html, /Content-Security-Policy/);
    // The sink's 200 may land a moment after the clock advance answered: wait for what a user would see.
    const timeline = await waitFor(async () => {
      const t = (await rpc(panel, 'message.load', { id: ids.ann })) as MessageTimeline;
      return t.deliveries[0]?.status === 'delivered' ? t : undefined;
    }, 'the bounce batch delivered');
    const m: MessageDto = timeline.message;
    assert.equal(m.status, 'not_delivered');
    assert.deepEqual(m.events.map((e) => e.event), ['bounce']);
    assert.equal(m.events[0]!.bounce_category, 'badrecipient');
    assert.equal(timeline.deliveries.length, 1, 'one webhook batch carried its bounce');
    const batch = timeline.deliveries[0]!;
    assert.equal(batch.status, 'delivered');
    assert.deepEqual(timeline.carriedBy[m.events[0]!.event_id], [batch.id]);

    await rpc(panel, 'inspector.open', { messageId: ids.ann, deliveryId: batch.id });
    const inspector = fake.panels.find((p) => p.viewType === 'mailtrapEmulator.inspector') as FakeWebviewPanel;
    assert.ok(inspector, 'the inspector opened');
    inspector.webview.send({ type: 'ready' });
    const init = await waitFor(() => inspector.webview.posted.find((x) => x.type === 'init'), 'the inspector init');
    assert.deepEqual(init.data.filter, { search: ids.ann });
    assert.equal(init.data.select, batch.id);
  });

  test('actions on a message: copy its id, open it in the browser, trigger an event (its badge follows)', async () => {
    const node = (await rowOf('bob@example.com'))!.node;
    await fake.commands.get('mailtrapEmulator.message.copyId')!(node);
    assert.equal(fake.clipboard, ids.bob);
    await fake.commands.get('mailtrapEmulator.message.openInBrowser')!(node);
    // A one-time link, never the token in a URL (issue #17).
    assert.ok(fake.opened.some((u) => u.includes(`/emulator/messages/${ids.bob}/html?link=`) && !u.includes('token=')), fake.opened.join('\n'));
    fake.quickPicks.push((items) => items.find((i: string) => i === 'spam'));
    await fake.commands.get('mailtrapEmulator.message.trigger')!(node);
    assert.ok(fake.shown.some((s) => s.message.startsWith('Triggered spam for bob@example.com')));
    await waitFor(async () => (await rowOf('bob@example.com'))?.context === 'message.opted_out', 'the opted-out badge');
  });

  test('10,000 messages: one page at first, more on demand, and a live refresh keeps what is loaded', async () => {
    const api = controller.api!;
    const earlier = (await api.listMessages({ limit: 1 })).total;
    const n = (k: number) => (earlier + k).toLocaleString('en');
    for (let i = 0; i < 10; i++) {
      const to = Array.from({ length: 1000 }, (_, j) => ({ email: `r${i}-${j}@example.net` }));
      await api.send({ from: { email: 'bulk@shop.test' }, to, subject: `Digest ${i}`, text: 'd' });
    }
    // The stream's refresh after those sends has run once the last recipient is on top.
    await waitFor(async () => (await rows())[0]?.label === 'r9-999@example.net', 'the sends in the view');
    // Count what the view asks the emulator for.
    const calls: unknown[] = [];
    const list = api.listMessages;
    api.listMessages = (q) => (calls.push(q), list(q));
    view.reset();
    let r = await rows();
    assert.equal(r.filter((x) => x.node.kind === 'message').length, 100);
    const more = r.at(-1)!;
    assert.equal(more.node.kind, 'loadMore');
    assert.equal(more.label, 'Load 100 more…');
    assert.equal(more.description, `100 of ${n(10_000)}`);
    // Live refreshes may re-read (the lifecycles run on the clock meanwhile): always one page, the newest.
    assert.ok(calls.length >= 1, 'the view read the emulator');
    for (const c of calls) assert.deepEqual(c, { limit: 100 }, 'only the first page was read');

    await fake.commands.get('mailtrapEmulator.messages.loadMore')!();
    r = await rows();
    assert.equal(r.filter((x) => x.node.kind === 'message').length, 200);
    assert.equal(r.at(-1)!.description, `200 of ${n(10_000)}`);

    const sent = await api.send({ from: { email: 'app@shop.test' }, to: [{ email: 'latest@example.com' }], subject: 'Latest', text: 'l' });
    await waitFor(async () => (await rows())[0]?.label === 'latest@example.com', 'the new message on top');
    r = await rows();
    assert.equal(r.filter((x) => x.node.kind === 'message').length, 200, 'still two pages');
    assert.equal(r.at(-1)!.description, `200 of ${n(10_001)}`);
    assert.equal((r[0]!.node as Extract<MessageNode, { kind: 'message' }>).message.id, sent.message_ids[0]);
    api.listMessages = list;
  });
});

/** Sends a request as the webview script would and waits for its answer. */
async function rpc(panel: FakeWebviewPanel, method: string, params: unknown): Promise<unknown> {
  const id = Math.floor(Math.random() * 1e9);
  panel.webview.send({ type: 'request', id, method, params });
  const reply = await waitFor(() => panel.webview.posted.find((m) => m.id === id), `the answer to ${method}`);
  if (reply.type === 'error') throw new Error(reply.message);
  return reply.result;
}
