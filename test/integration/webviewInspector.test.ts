/** The payload inspector in real headless Chromium: 10,000 batches virtualised, filters, live updates, detail, escaping. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DeliveryDto } from '../../emulator/http/dto';
import { toDeliverySummary } from '../../emulator/http/deliveryWire';
import { delivery } from '../helpers/fakeEmulatorServer';
import { chromiumMissing, startWebviewHarness, type Host, type WebviewHarness } from '../helpers/webviewPage';

/** Browser globals inside page.evaluate callbacks (this tsconfig has no DOM lib). */
declare const window: any, document: any;

const WEBHOOKS = [{ id: 1, url: 'http://127.0.0.1:9/sink/demo', active: true, webhook_type: 'email_sending', payload_format: 'json', sending_stream: 'transactional', domain_id: null, event_types: ['bounce'] }];

/** A host serving `all` (newest first) with the emulator's paging contract; records list queries. */
function inspectorHost(all: DeliveryDto[], queries: any[] = []): Host {
  return (msg) => {
    if (msg.type === 'ready') return [{ type: 'init', data: { webhooks: WEBHOOKS, filter: {} } }];
    if (msg.type !== 'request') return [];
    const { method, params, id } = msg;
    if (method === 'deliveries.list') {
      queries.push(params);
      const f = params.filter ?? {};
      const matching = all.filter((d) => (!f.status || d.status === f.status) && (!f.event || d.eventTypes.includes(f.event)) && (params.before === undefined || d.id < params.before));
      // Summaries, as the emulator's `?summary=true` page has them: no batch body, attempts without bodies.
      const data = matching.slice(0, params.limit).map(toDeliverySummary);
      const total = all.filter((d) => (!f.status || d.status === f.status) && (!f.event || d.eventTypes.includes(f.event))).length;
      return [{ type: 'response', id, result: { data, next_before: matching.length > params.limit ? data.at(-1)!.id : null, total } }];
    }
    if (method === 'delivery.get') return [{ type: 'response', id, result: all.find((d) => d.id === params.id) }];
    if (method === 'delivery.resend') return [{ type: 'response', id, result: { id: params.id, note: `Resent as batch #${params.id}: HTTP 200` } }];
    if (method === 'delivery.copyBody') return [{ type: 'response', id, result: { note: 'Copied the exact body: 123 bytes' } }];
    if (method === 'delivery.copyCurl') return [{ type: 'response', id, result: { note: 'Copied as curl, with the basic-auth password: it works as copied.' } }];
    return [{ type: 'response', id, result: null }];
  };
}

describe('payload inspector (Chromium)', { skip: chromiumMissing }, () => {
  let hx: WebviewHarness;
  before(async () => {
    hx = await startWebviewHarness();
  });
  after(() => hx?.close());

  test('10,000 batches: the count is right, only visible rows are in the DOM, scrolling to the end loads and shows the oldest', async () => {
    const all = Array.from({ length: 10_000 }, (_, i) => delivery(10_000 - i, { status: i % 7 === 0 ? 'failed' : 'delivered' }));
    const queries: any[] = [];
    const page = await hx.open('inspector', inspectorHost(all, queries));
    await page.waitForSelector('.row[data-id="10000"]');
    assert.equal(await page.textContent('#count'), '10000 batches');
    const rows = await page.locator('.vlist .row').count();
    assert.ok(rows > 10 && rows < 80, `${rows} rows in the DOM`);
    const scrollHeight = await page.$eval('.vlist', (el) => el.scrollHeight);
    assert.ok(scrollHeight >= 10_000 * 28, 'the scroll height stands for every batch');

    await page.$eval('.vlist', (el) => (el.scrollTop = el.scrollHeight));
    await page.waitForSelector('.row[data-id="1"]', { timeout: 60_000 });
    assert.ok((await page.locator('.vlist .row').count()) < 80);
    assert.equal(queries.length, 20, 'pages of 500 fetched as needed');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('filters go to the host; keyboard moves the selection; live updates insert and update rows', async () => {
    const all = [delivery(3, { status: 'failed', lastStatus: 500, eventTypes: ['bounce'] }), delivery(2), delivery(1)];
    const queries: any[] = [];
    const page = await hx.open('inspector', inspectorHost(all, queries));
    await page.waitForSelector('.row[data-id="3"]');
    await page.selectOption('#f-status', 'failed');
    await page.waitForFunction(() => document.querySelectorAll('.vlist .row').length === 1);
    assert.deepEqual(JSON.parse(JSON.stringify(queries.at(-1).filter)), { status: 'failed' });
    await page.fill('#f-search', 'someone@example.com');
    for (let i = 0; i < 200 && queries.at(-1).filter.search !== 'someone@example.com'; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(queries.at(-1).filter.search, 'someone@example.com', 'the search reaches the host (debounced)');
    await page.selectOption('#f-status', '');
    await page.fill('#f-search', '');
    // The search box is debounced: wait until its (last) query has gone out before going on.
    for (let i = 0; i < 200 && (queries.at(-1).filter.search !== undefined || queries.at(-1).filter.status !== undefined); i++) await new Promise((r) => setTimeout(r, 25));
    await page.waitForSelector('.row[data-id="1"]');

    // A new batch arrives over the stream: it appears on top; an update changes its status in place.
    const fresh = delivery(4, { status: 'pending', lastStatus: null, attempts: [], attemptCount: 0 });
    all.unshift(fresh);
    await page.push({ type: 'event', name: 'delivery', data: { ...fresh, body: undefined } });
    await page.waitForSelector('.row[data-id="4"] .badge:text("pending")');
    assert.equal(await page.textContent('#count'), '4 batches');
    await page.push({ type: 'event', name: 'delivery', data: { ...fresh, status: 'delivered', lastStatus: 200, body: undefined } });
    await page.waitForSelector('.row[data-id="4"] .badge:text("delivered")');
    assert.equal(await page.locator('.row[data-id="4"]').count(), 1);

    await page.click('.row[data-id="4"]');
    await page.waitForSelector('h2:text("Batch #4")');
    await page.focus('.vlist');
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector('h2:text("Batch #3")');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('a filter pushed by the host (Open Inspector on a webhook) applies once; later changes still query once', async () => {
    const all = [delivery(3, { status: 'failed' }), delivery(2), delivery(1)];
    const queries: any[] = [];
    const page = await hx.open('inspector', inspectorHost(all, queries));
    await page.waitForSelector('.row[data-id="3"]');
    await page.push({ type: 'event', name: 'filter', data: { webhook_id: 1, status: 'failed' } });
    await page.waitForFunction(() => document.querySelectorAll('.vlist .row').length === 1);
    assert.equal(await page.inputValue('#f-status'), 'failed');
    assert.equal(await page.inputValue('#f-webhook'), '1');
    const before = queries.length;
    await page.selectOption('#f-status', '');
    await page.waitForSelector('.row[data-id="1"]');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(queries.length, before + 1, 'one change, one query');
    await page.click('.row[data-id="3"]');
    await page.waitForSelector('h2:text("Batch #3")');
    await page.focus('.vlist');
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector('h2:text("Batch #2")');
    await page.close();
  });

  test('detail: pretty JSON, signature header, response, resend and copy as curl post the right requests', async () => {
    const all = [delivery(1)];
    const page = await hx.open('inspector', inspectorHost(all));
    await page.click('.row[data-id="1"]');
    await page.waitForSelector('h2:text("Batch #1")');
    const json = await page.textContent('pre.json');
    assert.equal(json, JSON.stringify(JSON.parse(all[0]!.body), null, 2));
    assert.ok((await page.locator('pre.json .j-key').count()) > 0, 'keys highlighted');
    assert.equal(await page.textContent('table.headers tr:has(th:text("mailtrap-signature")) td'), 'sig1');
    assert.match((await page.textContent('details.attempt summary'))!, /Attempt 1 .* 12 ms · 200/);
    // Every action says what it did; Resend shows the new batch.
    await page.click('#resend');
    await page.waitForSelector('#notice:text("Resent as batch #1: HTTP 200")');
    await page.waitForSelector('h2:text("Batch #1")');
    await page.click('#copy-curl');
    await page.waitForSelector('#notice:text("Copied as curl, with the basic-auth password")');
    // Copy payload asks the host for the exact bytes (not a pretty-printed copy made here).
    await page.click('#copy-payload');
    await page.waitForSelector('#notice:text("Copied the exact body: 123 bytes")');
    const posted = (await page.posted()).filter((m) => m.type === 'request' && /resend|copy/.test(m.method)).map((m) => [m.method, m.params]);
    assert.deepEqual(posted, [['delivery.resend', { id: 1 }], ['delivery.copyCurl', { id: 1 }], ['delivery.copyBody', { id: 1 }]]);
    await page.close();
  });

  test('XSS probes in a category, a custom variable, a URL and a response body render as text', async () => {
    const probe = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;
    const body = JSON.stringify({ events: [{ event: 'click', category: probe, custom_variables: { [probe]: probe }, url: `javascript:alert(1)//${probe}` }] });
    const d = delivery(1, { body, webhookUrl: `http://127.0.0.1:9/${probe}`, eventTypes: ['click'] });
    d.attempts[0]!.response!.body = probe;
    d.attempts[0]!.request.headers['x-probe'] = probe;
    const page = await hx.open('inspector', inspectorHost([d]));
    await page.waitForSelector('.row[data-id="1"]');
    // The URL column shows the path (URL-encoded, as the URL carries it), as text.
    assert.match((await page.textContent('.row[data-id="1"] .url'))!, /^:9\/%3Cimg/);
    await page.click('.row[data-id="1"]');
    await page.waitForSelector('h2:text("Batch #1")');
    const text = (await page.textContent('#detail'))!;
    assert.ok(text.includes(JSON.stringify(probe)), 'the category shows literally');
    assert.ok(text.includes(`javascript:alert(1)//`));
    assert.equal(await page.locator('#app img, #app script').count(), 0, 'no element was created from payload text');
    assert.equal(await page.evaluate(() => (window as any).__xss), undefined);
    await page.close();
  });

  test('a host error (no deliveries API) is shown in place of the count', async () => {
    const page = await hx.open('inspector', (msg) =>
      msg.type === 'ready'
        ? [{ type: 'init', data: { webhooks: [], filter: {} } }]
        : msg.type === 'request'
          ? [{ type: 'error', id: msg.id, message: 'This emulator version does not record deliveries yet (GET /emulator/deliveries answered 404).' }]
          : [],
    );
    await page.waitForSelector('#count.error-text');
    assert.match((await page.textContent('#count'))!, /does not record deliveries yet/);
    await page.close();
  });
});
