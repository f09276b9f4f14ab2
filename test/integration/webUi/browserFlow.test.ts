/**
 * The emulator's web UI in real headless Chromium, through the same flow as the VS Code UI suite
 * (issue 15): logged in by the ready line's link, a domain and a webhook created through the
 * forms (the media/ components in frames), the signing secret copied once, a bounce sent, the
 * clock advanced, the signed batch and the sink's 200 in the inspector, the message's timeline,
 * pause / resume / delete; and, without logging in, no data and no API answers.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { api, startEmulatorProcess, type RunningEmulator } from '../../helpers/emulatorProcess';
import { chromiumMissing, form, inspector, shot, startBrowser, until, type WebUiBrowser } from '../../helpers/webUi';

/** Browser globals inside page.evaluate callbacks (this tsconfig has no DOM lib). */
declare const window: any, document: any, navigator: any;

describe('web UI in Chromium: the VS Code flow', { skip: chromiumMissing }, () => {
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

  it('domain → webhook (secret copied once) → bounce → clock → signed batch and the sink\'s 200 → timeline → pause, resume, delete', { timeout: 240_000 }, async () => {
    const call = api(emu.ready);
    const { page, context, errors } = await web.page();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: emu.ready.http });

    // The ready line's link logs in and leaves the address bar.
    await page.goto(emu.ready.ui);
    await page.waitForSelector('.web-header');
    assert.ok(!page.url().includes('login='), page.url());
    // The header fills in from the status request after it appears.
    await page.waitForFunction(() => document.querySelector('#state-smtp')?.textContent !== '');
    assert.equal(await page.textContent('#state-smtp'), `127.0.0.1:${emu.ready.smtpPort}`);
    await page.waitForSelector('#live.on');

    // A domain through its form.
    await page.click('#add-domain');
    await form(page).locator('#domain_name').fill('acme.test');
    await form(page).locator('button[type=submit]').click();
    await page.waitForSelector('[data-domain="acme.test"]');
    assert.equal(await page.locator('#form-dialog').count(), 0, 'the dialog closed');

    // A webhook on it: the URL defaults to the built-in sink; the secret is shown once and copied.
    await page.click('[data-domain="acme.test"] [data-action="add-webhook"]');
    assert.equal(await form(page).locator('#url').inputValue(), `${emu.ready.http}/sink/demo`);
    assert.equal(await form(page).locator('#domain_id option:checked').textContent(), 'acme.test');
    await form(page).locator('button[type=submit]').click();
    const secret = (await form(page).locator('#signing-secret').textContent())!;
    assert.match(secret, /^[0-9a-f]{32}$/);
    await shot(page, 'webhook-secret');
    await form(page).locator('#copy-secret').click();
    await form(page).locator('#copy-secret:text("Copied")').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
    await form(page).locator('#done').click();
    const row = page.locator('.web-webhook[data-webhook-id="1"]');
    await row.waitFor();
    assert.equal(await row.locator('.badge').textContent(), 'active');
    assert.ok((await row.textContent())!.includes(`/sink/demo`));
    const hook = (await call('GET', '/api/webhooks/1')).json.data;
    assert.equal(hook.domain_id, (await call('GET', '/api/domains')).json.data.find((d: { domain_name: string }) => d.domain_name === 'acme.test').id);
    assert.equal(hook.signing_secret, undefined, 'the secret is never served again');
    await shot(page, 'webhooks');

    // A bounce, by scenario.
    await page.click('#tab-tools');
    await page.waitForSelector('#send-domain option[value="acme.test"]', { state: 'attached' });
    await page.selectOption('#send-scenario', 'bounce');
    assert.equal(await page.inputValue('#send-to'), 'test+bounce@example.com');
    await page.selectOption('#send-domain', 'acme.test');
    await page.click('#send-submit');
    await page.waitForSelector('#send-result.ok-text');
    const messageId = /message ([0-9a-f-]{36})/.exec((await page.textContent('#send-result'))!)![1]!;
    await shot(page, 'send');

    // The clock: +30 s, then a custom 1m; the batch goes out.
    const before = await page.textContent('#clock-now');
    await page.click('button[data-seconds="30"]');
    await until(async () => (await page.textContent('#clock-now')) !== before, 'the clock to move');
    await page.fill('#clock-custom', '1m');
    await page.click('#clock-advance');
    await page.waitForSelector('#clock-result:text("Advanced 60 s")');

    // The inspector (the VS Code component in its frame) shows the signed batch and the sink's 200, live.
    await page.click('#tab-inspector');
    const batch = inspector(page).locator('.row', { hasText: 'bounce' });
    await batch.locator('.badge:text("delivered")').waitFor({ timeout: 60_000 });
    assert.equal(await batch.locator('.code').textContent(), '200');
    await batch.click();
    await inspector(page).locator('h2:text("Batch #")').waitFor();
    const delivery = (await call('GET', '/emulator/deliveries?webhook_id=1')).json.data.find((d: { eventTypes: string[] }) => d.eventTypes.includes('bounce'));
    const signature = await inspector(page).locator('table.headers tr:has(th:text("mailtrap-signature")) td').first().textContent();
    assert.equal(signature, createHmac('sha256', secret).update(delivery.body).digest('hex'), 'signed with the secret the form showed');
    assert.match((await inspector(page).locator('details.attempt summary').first().textContent())!, /Attempt 1 .* 200$/);
    assert.ok((await inspector(page).locator('pre.json').first().textContent())!.includes(messageId));
    await shot(page, 'inspector');
    // Copy as curl goes to the browser's clipboard; Resend makes a new batch, which appears live.
    await inspector(page).locator('#copy-curl').click();
    await until(async () => /^curl -X POST '.*\/sink\/demo'/.test(await page.evaluate(() => navigator.clipboard.readText())), 'the curl command on the clipboard');
    assert.match(await page.evaluate(() => navigator.clipboard.readText()), new RegExp(`-H 'mailtrap-signature: ${signature}'`, 'i'));
    await inspector(page).locator('#resend').click();
    await inspector(page).locator('.row', { hasText: 'bounce' }).nth(1).waitFor();
    assert.equal(await inspector(page).locator('#count').textContent(), '2 batches');

    // The message's timeline (the extension's component in its frame), a triggered event, a jump to the batch.
    await page.click('#tab-messages');
    await page.click(`.row[data-message-id="${messageId}"]`);
    const timeline = page.frameLocator('#message-frame');
    const bounce = timeline.locator('#timeline .ev-bounce');
    await bounce.waitFor();
    assert.match((await bounce.textContent())!, /550 5\.1\.1.*badrecipient/);
    assert.match((await bounce.locator('.carriers').textContent())!, new RegExp(`Batch #${delivery.id} · delivered 200`));
    await shot(page, 'messages');
    await timeline.locator('#trigger').click();
    await page.selectOption('#trigger-type', 'spam');
    await page.click('#trigger-ok');
    await timeline.locator('#timeline .ev-spam').waitFor();
    await timeline.locator(`#batch-${delivery.id}`).click();
    await inspector(page).locator(`h2:text("Batch #${delivery.id}")`).waitFor();
    assert.equal(await inspector(page).locator('#f-search').inputValue(), messageId, 'the inspector filtered to the message');

    // Edit through the form: fewer event types.
    await page.click('#tab-webhooks');
    await row.locator('[data-action="edit"]').click();
    await form(page).locator('h1:text("Edit webhook #1")').waitFor();
    for (const t of ['open', 'click', 'unsubscribe']) await form(page).locator(`input[name=event_types][value=${t}]`).uncheck();
    await form(page).locator('button[type=submit]').click();
    await page.locator('#form-dialog').waitFor({ state: 'detached' });
    await until(async () => !(await row.locator('.sub').textContent())!.includes('open'), 'the row to show the new event types');
    assert.deepEqual((await call('GET', '/api/webhooks/1')).json.data.event_types, ['delivery', 'soft_bounce', 'bounce', 'suspension', 'spam_complaint', 'reject']);

    // Pause, resume, delete (confirmed in place).
    await row.locator('[data-action="test"]').click();
    await row.locator('[data-role="result"]:text-matches("Test: 200 in \\\\d+ ms")').waitFor();
    await row.locator('[data-action="pause"]').click();
    await row.locator('.badge:text("paused")').waitFor();
    assert.equal((await call('GET', '/api/webhooks/1')).json.data.active, false);
    await row.locator('[data-action="resume"]').click();
    await row.locator('.badge:text("active")').waitFor();
    assert.equal((await call('GET', '/api/webhooks/1')).json.data.active, true);
    await row.locator('[data-action="delete"]').click();
    await row.locator('#delete-webhook-1-confirm').click();
    await row.waitFor({ state: 'detached' });
    assert.equal((await call('GET', '/api/webhooks/1')).status, 404);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('Send & replay: a bundled sample and an uploaded JSON Lines file are replayed; a bad file says why', { timeout: 60_000 }, async () => {
    const call = api(emu.ready);
    const before = (await call('GET', '/emulator/events?limit=1')).json.total as number;
    const { page, context, errors } = await web.page();
    await page.goto(emu.ready.http + '/');
    await page.fill('#login-token', emu.ready.token);
    await page.click('#login-submit');
    await page.click('#tab-tools');
    await page.waitForSelector('#replay-sample option[value="all-event-types.json"]', { state: 'attached' });
    await page.selectOption('#replay-sample', 'all-event-types.json');
    await page.click('#replay-bundled');
    await page.waitForSelector('#replay-result.ok-text:text-matches("Replayed all-event-types\\\\.json: \\\\d+ events recorded")');
    const bundled = Number(/(\d+) events/.exec((await page.textContent('#replay-result'))!)![1]);
    assert.ok(bundled >= 9, `${bundled} events`);

    const line = (i: number) => JSON.stringify({ event: 'delivery', message_id: `up-${i}`, event_id: `e-${i}`, timestamp: 1764150000, email: `u${i}@example.net`, sending_stream: 'transactional', sending_domain_name: 'acme.test' });
    await page.setInputFiles('#replay-file', { name: 'mine.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(`${line(1)}\n${line(2)}\n`) });
    await page.click('#replay-upload');
    await page.waitForSelector('#replay-result:text("Replayed mine.jsonl: 2 events recorded.")');
    assert.equal((await call('GET', '/emulator/events?limit=1')).json.total, before + bundled + 2);

    await page.setInputFiles('#replay-file', { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"events": [') });
    await page.click('#replay-upload');
    await page.waitForSelector('#replay-result.error-text:text-matches("^Failed: ")');
    assert.equal((await call('GET', '/emulator/events?limit=1')).json.total, before + bundled + 2, 'nothing half-recorded');
    await shot(page, 'replay');
    // The browser logs the refused replay's 400 itself; nothing else went wrong.
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
    await context.close();
  });

  it('without logging in: a login form, no data, no API answers; a used link says so; the token logs in', { timeout: 60_000 }, async () => {
    const { page, context } = await web.page({ colorScheme: 'dark' });
    await page.goto(emu.ready.http + '/');
    await page.waitForSelector('#login');
    const text = (await page.textContent('body'))!;
    for (const secret of ['acme.test', emu.ready.token, String(emu.ready.smtpPort), 'sink/demo']) assert.ok(!text.includes(secret), `shows ${secret}`);
    assert.equal(await page.locator('.web-header, #inspector-frame').count(), 0);
    const statuses = await page.evaluate(async () =>
      Promise.all(['/emulator/status', '/api/domains', '/emulator/deliveries', '/emulator/stream', '/emulator/messages'].map(async (p) => (await fetch(p)).status)),
    );
    assert.deepEqual(statuses, [401, 401, 401, 401, 401]);
    await shot(page, 'login');

    // The ready line's link was used by the first test: it does not log in again, and leaves the bar.
    await page.goto('about:blank');
    await page.goto(emu.ready.ui);
    await page.waitForSelector('#login:has-text("already been used")');
    assert.ok(!page.url().includes('login='));
    await page.fill('#login-token', 'not-the-token');
    await page.click('#login-submit');
    await page.waitForSelector('#login-error:text("not the emulator")');
    await page.fill('#login-token', emu.ready.token);
    await page.click('#login-submit');
    await page.waitForSelector('[data-domain="acme.test"]');
    await page.click('#tab-inspector');
    await inspector(page).locator('.row').first().waitFor();
    await shot(page, 'inspector-dark');
    // Log out: the session is gone for the API too.
    await page.click('#logout');
    await page.waitForSelector('#login');
    assert.equal(await page.evaluate(async () => (await fetch('/emulator/status')).status), 401);
    await context.close();
  });
});
