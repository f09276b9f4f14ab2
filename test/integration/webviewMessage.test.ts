/**
 * The message timeline webview in real headless Chromium, fed what the real emulator answers
 * (a bounced message and the signed batch that carried its bounce): status, events with details,
 * the batch buttons and what they ask the host, escaping, live reload.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EmulatorApi } from '../../src/emulator/apiClient';
import type { MessageTimeline } from '../../src/protocol/messages';
import { loadTimeline } from '../../src/webviews/messageHandlers';
import { startEmulatorProcess, type RunningEmulator } from '../helpers/emulatorProcess';
import { chromiumMissing, startWebviewHarness, type Host, type WebviewHarness } from '../helpers/webviewPage';

describe('message timeline (Chromium)', { skip: chromiumMissing }, () => {
  let hx: WebviewHarness;
  let emu: RunningEmulator;
  let api: EmulatorApi;
  let bounced: string;
  let delivered: string;

  before(async () => {
    [hx, emu] = await Promise.all([startWebviewHarness(), startEmulatorProcess(['--memory'])]);
    api = new EmulatorApi(emu.ready.http, emu.ready.token);
    await api.createWebhook({ url: `${emu.ready.http}/sink/timeline`, active: true, payload_format: 'json', sending_stream: 'transactional', event_types: ['delivery', 'bounce', 'click', 'open'] });
    const sent = await api.send({
      from: { email: 'app@shop.test' },
      to: [{ email: 'ann+bounce@example.com' }, { email: 'bob+click@example.com' }],
      subject: 'Hello <img src=x onerror="window.__pwned=1">',
      html: '<a href="https://shop.test">Shop</a>',
    });
    [bounced, delivered] = sent.message_ids as [string, string];
    // Past the first batch window (30 s), not far beyond: an attempt still in flight when the clock
    // jumps past its 30 s timeout would count as timed out.
    await api.advanceClock(40);
    // The sink's 200 may land a moment after the advance answered.
    for (let i = 0; i < 200 && (await api.listDeliveries({ message_id: bounced })).data[0]?.status !== 'delivered'; i++) await new Promise((r) => setTimeout(r, 50));
  });
  after(async () => {
    await hx?.close();
    await emu?.stop();
  });

  /** A host answering like the extension's (messageHandlers.ts) over the real emulator; records requests. */
  function host(id: string, requests: any[]): Host {
    return async (msg) => {
      if (msg.type === 'ready') return [{ type: 'init', data: { messageId: id } }];
      if (msg.type !== 'request') return [];
      requests.push({ method: msg.method, params: msg.params });
      if (msg.method === 'message.load') return [{ type: 'response', id: msg.id, result: await loadTimeline(api, msg.params.id) }];
      return [{ type: 'response', id: msg.id, result: null }];
    };
  }

  test('a bounced message: its status, the bounce with its details, and the batch that carried it', async () => {
    const requests: any[] = [];
    const page = await hx.open('message', host(bounced, requests));
    await page.waitForSelector('#timeline li.ev-bounce');
    assert.equal(await page.textContent('#status'), 'Not delivered');
    const bounce = page.locator('#timeline li.ev-bounce');
    const text = (await bounce.textContent())!;
    assert.match(text, /bounce_category\s*badrecipient/);
    assert.match(text, /response_code\s*550/);
    const t: MessageTimeline = await loadTimeline(api, bounced);
    const batch = t.deliveries[0]!;
    assert.match((await page.textContent(`#batch-${batch.id}`))!, new RegExp(`^Batch #${batch.id} · delivered 200$`));
    await page.click(`#batch-${batch.id}`);
    assert.deepEqual(requests.at(-1), { method: 'inspector.open', params: { messageId: bounced, deliveryId: batch.id } });
    assert.equal(await page.locator('table.batches tr').count(), 2, 'one batch row under its header');
    // The subject is text, never markup.
    assert.match((await page.textContent('h1'))!, /Hello <img src=x onerror="window.__pwned=1">/);
    assert.equal(await page.evaluate(() => (globalThis as any).__pwned), undefined);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('the actions ask the host; a pushed change reloads; another message can be shown in the same page', async () => {
    const requests: any[] = [];
    const page = await hx.open('message', host(delivered, requests));
    await page.waitForSelector('#timeline li.ev-click');
    assert.equal(await page.textContent('#status'), 'Delivered');
    assert.deepEqual(await page.locator('#timeline li.ev .badge').allTextContents(), ['sent', 'delivery', 'open', 'click']);
    for (const id of ['open-browser', 'trigger', 'copy-id', 'open-inspector']) await page.click(`#${id}`);
    assert.deepEqual(
      requests.filter((r) => r.method !== 'message.load').map((r) => r.method),
      ['message.openInBrowser', 'message.trigger', 'message.copyId', 'inspector.open'],
    );
    await api.triggerEvent({ type: 'spam', message_id: delivered });
    await page.push({ type: 'event', name: 'changed', data: null });
    await page.waitForSelector('#timeline li.ev-spam');
    assert.equal(await page.textContent('#status'), 'Opted out');
    assert.match((await page.textContent('#timeline li.ev-spam'))!, /Not in a webhook batch yet/);
    await page.push({ type: 'event', name: 'show', data: { messageId: bounced } });
    await page.waitForSelector('#timeline li.ev-bounce');
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
