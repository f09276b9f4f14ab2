/** The domain and webhook forms in real headless Chromium: validation, the exact messages posted, 422s inline, the secret shown once. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromiumMissing, startWebviewHarness, type Host, type WebviewHarness } from '../helpers/webviewPage';

/** Browser globals inside page.evaluate callbacks (this tsconfig has no DOM lib). */
declare const window: any, document: any;

const DOMAINS = [{ id: 1, domain_name: 'acme.test' }, { id: 2, domain_name: 'other.test' }];
const SINK = 'http://127.0.0.1:8780/sink/demo';

/** A host that answers ready with `init` and requests with `answer(method, params)`. */
function host(init: unknown, answer: (method: string, params: any) => { result?: unknown; error?: string; fields?: Record<string, string[]> }): Host {
  return (msg) => {
    if (msg.type === 'ready') return [{ type: 'init', data: init }];
    if (msg.type !== 'request') return [];
    const a = answer(msg.method, msg.params);
    return a.error ? [{ type: 'error', id: msg.id, message: a.error, fields: a.fields }] : [{ type: 'response', id: msg.id, result: a.result ?? null }];
  };
}
const requests = (posted: any[], method?: string) => posted.filter((m) => m.type === 'request' && (!method || m.method === method));

describe('webview forms (Chromium)', { skip: chromiumMissing }, () => {
  let hx: WebviewHarness;
  before(async () => {
    hx = await startWebviewHarness();
  });
  after(() => hx?.close());

  test('webhook form: defaults to the sink, sends ready first, and validates before posting', async () => {
    const page = await hx.open('form', host({ kind: 'webhook', domains: DOMAINS, sinkUrl: SINK, domainId: 2 }, () => ({})));
    await page.waitForSelector('form');
    const posted = await page.posted();
    assert.deepEqual(posted[0], { type: 'ready' });
    assert.equal(await page.inputValue('#url'), SINK);
    assert.equal(await page.inputValue('#domain_id'), '2');
    assert.equal(await page.locator('input[name=event_types]:checked').count(), 9);

    await page.fill('#url', '');
    for (const box of await page.locator('input[name=event_types]').all()) await box.uncheck();
    await page.click('button[type=submit]');
    assert.equal(await page.textContent('#url-error'), 'is required');
    assert.equal(await page.textContent('#event_types-error'), 'select at least one event type');
    assert.equal(await page.getAttribute('#url', 'aria-invalid'), 'true');

    await page.fill('#url', 'ftp://files.example.com');
    await page.check('input[value=bounce]');
    await page.click('button[type=submit]');
    assert.equal(await page.textContent('#url-error'), 'must start with http:// or https://');
    assert.equal(await page.textContent('#event_types-error'), '');
    assert.deepEqual(requests(await page.posted(), 'webhook.save'), [], 'nothing posted while invalid');
    await page.close();
  });

  test('webhook form: posts the exact values, then shows the signing secret once with a copy button', async () => {
    const secret = '0123456789abcdef0123456789abcdef';
    const page = await hx.open(
      'form',
      host({ kind: 'webhook', domains: DOMAINS, sinkUrl: SINK }, (method) =>
        method === 'webhook.save' ? { result: { webhook: { id: 5 }, signingSecret: secret } } : { result: null },
      ),
    );
    await page.waitForSelector('form');
    await page.fill('#url', 'https://hooks.example.com/mt');
    await page.fill('#username', 'me');
    await page.fill('#password', 'pw');
    await page.fill('#token', 'tok');
    await page.selectOption('#sending_stream', 'bulk');
    await page.selectOption('#domain_id', '1');
    await page.selectOption('#payload_format', 'jsonlines');
    for (const t of ['delivery', 'open', 'click', 'unsubscribe', 'spam_complaint', 'suspension', 'reject']) await page.uncheck(`input[value=${t}]`);
    await page.uncheck('#active');
    await page.click('button[type=submit]');
    await page.waitForSelector('#signing-secret');
    const [save] = requests(await page.posted(), 'webhook.save');
    assert.deepEqual(save.params, {
      url: 'https://hooks.example.com/mt',
      username: 'me',
      password: 'pw',
      token: 'tok',
      sending_stream: 'bulk',
      domain_id: 1,
      payload_format: 'jsonlines',
      event_types: ['soft_bounce', 'bounce'],
      active: false,
    });
    assert.equal(await page.textContent('#signing-secret'), secret);
    await page.click('#copy-secret');
    await page.waitForSelector('#copy-secret:text("Copied")');
    assert.deepEqual(requests(await page.posted(), 'clipboard.write').map((r) => r.params), [{ text: secret }]);
    await page.click('#done');
    assert.equal(requests(await page.posted(), 'panel.close').length, 1);
    await page.close();
  });

  test('webhook form: the emulator\'s 422 field errors appear under their fields', async () => {
    const page = await hx.open(
      'form',
      host({ kind: 'webhook', domains: DOMAINS, sinkUrl: SINK }, () => ({ error: 'url is invalid; domain_id does not exist', fields: { url: ['is invalid'], domain_id: ['does not exist'], other: ['is odd'] } })),
    );
    await page.waitForSelector('form');
    await page.click('button[type=submit]');
    await page.waitForSelector('#url-error:text("is invalid")');
    assert.equal(await page.textContent('#domain_id-error'), 'does not exist');
    assert.equal(await page.textContent('.form-error'), 'other is odd');
    assert.equal(await page.isEnabled('button[type=submit]'), true, 'the button comes back after the error');
    await page.close();
  });

  test('webhook form in edit mode: fields split from the URL, stream and domain locked', async () => {
    const webhook = { id: 9, url: 'https://me:pw@h.example/x?token=tok', active: false, webhook_type: 'email_sending', payload_format: 'json', sending_stream: 'transactional', domain_id: 1, event_types: ['delivery'] };
    const page = await hx.open('form', host({ kind: 'webhook', domains: DOMAINS, webhook }, (method) => (method === 'webhook.save' ? { result: { webhook } } : { result: null })));
    await page.waitForSelector('form');
    assert.equal(await page.textContent('h1'), 'Edit webhook #9');
    assert.deepEqual(
      [await page.inputValue('#url'), await page.inputValue('#username'), await page.inputValue('#password'), await page.inputValue('#token')],
      ['https://h.example/x', 'me', 'pw', 'tok'],
    );
    assert.equal(await page.isDisabled('#sending_stream'), true);
    assert.equal(await page.isDisabled('#domain_id'), true);
    assert.equal(await page.isChecked('#active'), false);
    await page.click('button[type=submit]');
    await page.waitForFunction(() => (window as any).__posted.some((m: any) => m.method === 'panel.close'));
    const [save] = requests(await page.posted(), 'webhook.save');
    assert.equal(save.params.id, 9);
    await page.close();
  });

  test('domain form: a duplicate shows the 422 on the form; a good name is created and the panel closes', async () => {
    const page = await hx.open(
      'form',
      host({ kind: 'domain', domains: [] }, (method, params) =>
        method === 'domain.create' && params.domainName === 'acme.test'
          ? // What the emulator answers (test/integration/management.test.ts), as the API client hands it on.
            { error: 'Validation failed: Domain name has already been taken', fields: { base: ['Validation failed: Domain name has already been taken'] } }
          : { result: { id: 3, domain_name: params?.domainName } },
      ),
    );
    await page.waitForSelector('#domain_name');
    await page.click('button[type=submit]');
    assert.equal(await page.textContent('#domain_name-error'), 'is required');
    await page.fill('#domain_name', 'not a domain');
    await page.click('button[type=submit]');
    assert.equal(await page.textContent('#domain_name-error'), 'must be a domain like example.com');
    await page.fill('#domain_name', 'acme.test');
    await page.click('button[type=submit]');
    await page.waitForSelector('.form-error:text("Validation failed: Domain name has already been taken")');
    await page.fill('#domain_name', 'new.acme.test');
    await page.click('button[type=submit]');
    await page.waitForFunction(() => (window as any).__posted.some((m: any) => m.method === 'panel.close'));
    assert.deepEqual(
      requests(await page.posted(), 'domain.create').map((r) => [r.params.domainName, r.params.verified]),
      [['acme.test', true], ['new.acme.test', true]],
      'Mark DNS verified now is ticked by default',
    );
    await page.close();
  });
});
