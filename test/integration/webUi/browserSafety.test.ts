/**
 * The web UI in real headless Chromium, the hostile and the large (issue 15): XSS probes in
 * payloads, subjects, names, categories, custom variables and URLs stay text in every view; the
 * inspector keeps 10,000 batches virtualised (only the visible rows in the DOM).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import type { DeliveryDto } from '../../../emulator/http/dto';
import { api, startEmulatorProcess, type RunningEmulator } from '../../helpers/emulatorProcess';
import { chromiumMissing, inspector, shot, startBrowser, until, type WebUiBrowser } from '../../helpers/webUi';

const PROBE = `<img src=x onerror="window.top.__xss=1"><script>window.top.__xss=2</script>`;

/** Elements that payload text would have created, in the page and every frame. */
async function injected(page: Page): Promise<{ xss: unknown; elements: number }> {
  let elements = 0;
  for (const f of page.frames() as Frame[]) {
    elements += await f.evaluate(() => document.querySelectorAll('#app img:not([src="/ui/assets/icon.svg"]), #app script, #app iframe:not([src^="/ui/"])').length);
  }
  return { xss: await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), elements };
}

/** Browser globals inside page.evaluate callbacks (this tsconfig has no DOM lib). */
declare const window: any, document: any, navigator: any;

describe('web UI in Chromium: hostile text and 10,000 batches', { skip: chromiumMissing }, () => {
  let emu: RunningEmulator;
  let web: WebUiBrowser;
  before(async () => {
    emu = await startEmulatorProcess(['--memory']);
    web = await startBrowser();
  });
  after(async () => {
    await web?.close();
    await emu?.stop();
  });

  it('XSS probes in a subject, a sender name, a category, custom variables, an event URL and a webhook URL stay inert text', { timeout: 90_000 }, async () => {
    const call = api(emu.ready);
    const hookUrl = `${emu.ready.http}/sink/probe?note=${PROBE}`;
    const w = await call('POST', '/api/webhooks', { webhook: { url: hookUrl, webhook_type: 'email_sending', sending_stream: 'transactional', event_types: ['delivery', 'click'] } });
    assert.equal(w.status, 200, w.text);
    const sent = await call('POST', '/api/send', {
      from: { email: 'app@probe.test', name: PROBE },
      to: [{ email: 'ann@example.com' }],
      subject: PROBE,
      text: PROBE,
      category: PROBE,
      custom_variables: { [PROBE]: PROBE },
    });
    assert.equal(sent.status, 200, sent.text);
    const messageId = sent.json.message_ids[0] as string;
    assert.equal((await call('POST', '/emulator/events', { type: 'click', message_id: messageId, overrides: { url: `javascript:window.top.__xss=3//${PROBE}` } })).status, 200);
    assert.equal((await call('POST', '/emulator/clock/advance', { seconds: 40 })).status, 200);

    const { page, context, errors } = await web.page();
    await page.goto(emu.ready.ui);
    const row = page.locator(`.web-webhook[data-webhook-id="${w.json.data.id}"]`);
    await row.waitFor();
    assert.ok((await row.locator('.url').textContent())!.includes('/sink/probe?note='), 'the URL shows as text');

    await page.click('#tab-messages');
    await page.click(`.row[data-message-id="${messageId}"]`);
    assert.equal(await page.textContent(`.row[data-message-id="${messageId}"] .subject`), PROBE);
    const timeline = page.frameLocator('#message-frame');
    await timeline.locator('#timeline .ev-click').waitFor();
    assert.equal(await timeline.locator('h1 span').first().textContent(), PROBE);
    const detail = (await timeline.locator('.timeline-page').textContent())!;
    for (const text of ['<img src=x onerror=', '<app@probe.test>', `javascript:window.top.__xss=3//${PROBE}`]) assert.ok(detail.includes(text), `shows ${text}`);

    await page.click('#tab-inspector');
    const batch = inspector(page).locator('.row', { hasText: 'click' });
    await batch.waitFor({ timeout: 20_000 });
    await batch.click();
    await inspector(page).locator('h2:text("Batch #")').waitFor();
    const payload = (await inspector(page).locator('pre.json').first().textContent())!;
    assert.ok(payload.includes(JSON.stringify(PROBE)), 'the category shows literally');
    assert.ok(payload.includes('javascript:window.top.__xss=3//'));
    await shot(page, 'xss-probes');

    assert.deepEqual(await injected(page), { xss: undefined, elements: 0 });
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('10,000 batches: the count is right, only the visible rows are in the DOM, scrolling to the end pages in the oldest', { timeout: 120_000 }, async () => {
    // One real batch from the emulator is the template; the list answers are its clones, served to
    // the page's real fetch (a real run of 10,000 one-event batches takes minutes on a shared 2-core box).
    const call = api(emu.ready);
    const real = (await call('GET', '/emulator/deliveries?limit=1')).json.data[0] as DeliveryDto;
    assert.ok(real, 'the emulator made a batch');
    const all = Array.from({ length: 10_000 }, (_, i) => ({ ...real, id: 10_000 - i, status: i % 7 === 0 ? 'failed' : 'delivered', body: '' }));
    const { page, context, errors } = await web.page();
    const lists: URLSearchParams[] = [];
    await context.route(/\/emulator\/deliveries\?/, async (route) => {
      const q = new URL(route.request().url()).searchParams;
      if (q.has('webhook_id')) return route.continue(); // the webhooks view's "last delivery" reads stay real
      lists.push(q);
      const beforeId = q.has('before') ? Number(q.get('before')) : Infinity;
      const limit = Number(q.get('limit'));
      const rest = all.filter((d) => d.id < beforeId);
      const data = rest.slice(0, limit);
      await route.fulfill({ json: { data, next_before: rest.length > limit ? data.at(-1)!.id : null, total: all.length } });
    });
    await page.goto(emu.ready.ui.replace(/#.*/, '')); // the link was used: log in with the token
    await page.fill('#login-token', emu.ready.token);
    await page.click('#login-submit');
    await page.click('#tab-inspector');
    const frame = inspector(page);
    await frame.locator('.row[data-id="10000"]').waitFor();
    assert.equal(await frame.locator('#count').textContent(), '10000 batches');
    const rows = await frame.locator('.vlist .row').count();
    assert.ok(rows > 10 && rows < 80, `${rows} rows in the DOM`);
    assert.ok((await frame.locator('.vlist').evaluate((el) => el.scrollHeight)) >= 10_000 * 28, 'the scroll height stands for every batch');
    for (let i = 0; i < 40 && !(await frame.locator('.row[data-id="1"]').count()); i++) {
      await frame.locator('.vlist').evaluate((el) => (el.scrollTop = el.scrollHeight));
      await new Promise((r) => setTimeout(r, 150));
    }
    await frame.locator('.row[data-id="1"]').waitFor();
    assert.ok((await frame.locator('.vlist .row').count()) < 80, 'still only the visible rows');
    await until(async () => lists.length >= 20, '20 pages of 500');
    assert.equal(lists.length, 20, 'pages of 500 fetched as needed, no more');
    assert.deepEqual(errors, []);
    await context.close();
  });
});
