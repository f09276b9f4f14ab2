/**
 * The extension as a person uses it, in a real VS Code (code-server, the packaged .vsix installed)
 * through headless Chromium: the done-when flow of the extension issue, then the tree's context
 * menu, then a failing endpoint. One workbench for the whole story; each step is a test and leaves
 * a screenshot in test-results/vscode/.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './support/browser';
import { startCodeServer, type CodeServer } from './support/codeServer';
import { alive, e2ePaths, emulatorRecords, packageVsix, RESULTS, TEST_SETTINGS, tempWorkspace } from './support/prepare';
import { sel } from './support/selectors';
import { Workbench } from './support/workbench';
import { storySteps } from './support/steps';

const CONTAINER = 'Mailtrap Emulator';
const SHOTS = path.join(RESULTS, 'vscode');

/** The running emulator as the extension recorded it (its URL and token), for scripting the sink. */
function emulatorRecord(userDataDir: string): { pid: number; http: string; token: string } {
  return emulatorRecords(userDataDir)[0]!;
}

async function emulatorApi(userDataDir: string, method: string, route: string, body?: unknown): Promise<any> {
  const r = emulatorRecord(userDataDir);
  const res = await fetch(r.http + route, {
    method,
    headers: { Authorization: `Bearer ${r.token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `${method} ${route} → ${res.status}`);
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

describe('real VS Code: UI', { timeout: 600_000 }, () => {
  let cs: CodeServer;
  let browser: Browser;
  let wb: Workbench;
  let sinkLabel: RegExp;
  let workspace: string | undefined;

  /** A step of the story (support/steps.ts): after a failure the rest fail at once. */
  const step = storySteps(() => [wb]);

  before(async () => {
    // This suite's screenshots only (test/e2e/environment.test.ts keeps its own in environment/).
    for (const f of fs.existsSync(SHOTS) ? fs.readdirSync(SHOTS) : []) if (f.endsWith('.png')) fs.rmSync(path.join(SHOTS, f));
    const paths = await e2ePaths();
    const vsix = packageVsix();
    workspace = tempWorkspace();
    cs = await startCodeServer({ paths, workspace, vsix, settings: { ...TEST_SETTINGS, 'workbench.colorTheme': 'Default Dark Modern' } });
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
    wb = new Workbench(await context.newPage(), SHOTS);
    await wb.open(`${cs.url}/?folder=${encodeURIComponent(workspace)}`);
  });

  after(async () => {
    await browser?.close();
    await cs?.stop();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  step('opens the Mailtrap Emulator container from the activity bar', async () => {
    await wb.openContainer(CONTAINER);
    await wb.page.locator(sel.sidebar).getByText('Emulator', { exact: false }).first().waitFor();
  });

  step('the tree shows the running emulator, its API, SMTP port and clock', async () => {
    await wb.waitRowDescription('Mailtrap emulator', /^running/);
    for (const label of ['API', 'SMTP', 'Clock']) await wb.row(label).waitFor();
    assert.match(await wb.rowDescription('API'), /^http:\/\/127\.0\.0\.1:\d+$/);
    const port = /:(\d+)$/.exec(await wb.rowDescription('API'))![1];
    await wb.statusBarItem(new RegExp(`Mailtrap :${port} · SMTP \\d+`)).waitFor();
    await wb.row('Add a sending domain…').waitFor();
    await wb.screenshot('tree-running');
  });

  step('adds a sending domain through its form', async () => {
    await wb.row('Add a sending domain…').click();
    const form = wb.webview();
    await form.locator(sel.form.domainName).fill('acme.test');
    await wb.screenshot('domain-form');
    await form.locator(sel.form.submit).click();
    await wb.waitRowDescription('acme.test', /no webhooks/);
    // Domains start unverified (mail from them is suspended); there is no DNS here, so verify it.
    const domains = await emulatorApi(cs.userDataDir, 'GET', '/api/accounts/1/sending_domains');
    await emulatorApi(cs.userDataDir, 'POST', `/emulator/domains/${domains.data[0].id}/verify`);
  });

  step('creates a webhook through the form, pointing at the built-in sink; its secret is shown once', async () => {
    await wb.contextMenu(wb.row('acme.test'), 'Add Webhook…');
    const form = wb.webview();
    const url = form.locator(sel.form.url);
    await url.waitFor();
    const value = await url.inputValue();
    assert.match(value, /^http:\/\/127\.0\.0\.1:\d+\/sink\/demo$/, 'the URL defaults to the built-in sink');
    // On the emulator itself, a webhook's row starts with what tells it apart: its path.
    sinkLabel = /^\/sink\/demo$/;
    await wb.screenshot('webhook-form');
    await form.locator(sel.form.submit).click();
    const secret = form.locator(sel.form.secret);
    await secret.waitFor();
    assert.match((await secret.textContent()) ?? '', /^\S{16,}$/);
    await wb.screenshot('webhook-secret');
    await form.locator(sel.form.done).click();
    await wb.waitRowDescription(sinkLabel, /^active · all events/);
    await wb.waitRowDescription('acme.test', /^1 webhook$/);
  });

  step('sends a test email from the command palette', async () => {
    await wb.command('Mailtrap Emulator: Send Test Email…');
    await wb.pick('Bounce');
    await wb.toast(/Sent a bounce test to test\+bounce@example\.com/).waitFor();
    await wb.screenshot('test-email-sent');
  });

  step('advances the clock from the command palette; the batch is delivered (200)', async () => {
    await wb.clearNotifications();
    await wb.command('Mailtrap Emulator: Advance Clock…');
    await wb.pick('+5 minutes');
    await wb.waitRowDescription(sinkLabel, /^active · all events · 200 /);
    await wb.screenshot('clock-advanced-delivered');
  });

  step('the inspector shows the signed batch and the sink’s 200', async () => {
    await wb.row(sinkLabel).click(); // a webhook row opens the inspector filtered to it
    const inspector = wb.webview();
    const row = inspector.locator(sel.inspector.row).filter({ hasText: 'bounce' }).first();
    await row.waitFor();
    assert.equal(await row.locator(sel.inspector.rowCode).textContent(), '200');
    await row.click();
    const detail = inspector.locator(sel.inspector.detail);
    await detail.getByText('mailtrap-signature', { exact: false }).first().waitFor();
    await detail.locator(sel.inspector.attemptOk).getByText('HTTP 200').first().waitFor();
    await detail.getByText('"event": "bounce"', { exact: false }).first().waitFor();
    await wb.screenshot('inspector-signed-batch');
    await wb.closeAllEditors();
  });

  step('the Messages view: the bounced message’s timeline, and one click to the batch that carried its bounce', async () => {
    const bounced = 'test+bounce@example.com';
    await wb.waitRowDescription(bounced, /^Not delivered · /);
    await wb.row(bounced).click();
    const timeline = wb.webview();
    const bounce = timeline.locator(sel.timeline.event('bounce'));
    await bounce.waitFor();
    assert.equal(await timeline.locator(sel.timeline.status).textContent(), 'Not delivered');
    await bounce.getByText('badrecipient').waitFor();
    const batch = bounce.locator(sel.timeline.batchButton).first();
    const label = (await batch.textContent()) ?? '';
    const batchId = /^Batch #(\d+) · delivered 200$/.exec(label)?.[1];
    assert.ok(batchId, `the bounce was carried by a delivered batch: "${label}"`);
    await wb.screenshot('message-timeline-bounce');
    await batch.click();
    const inspector = wb.webview();
    await inspector.locator(sel.inspector.detail).getByText(`Batch #${batchId}`, { exact: true }).waitFor();
    await inspector.locator(sel.inspector.selectedRow).filter({ hasText: `#${batchId}` }).waitFor();
    assert.match(await inspector.locator(sel.inspector.search).inputValue(), /^[0-9a-f-]{36}$/, 'filtered to the message');
    await inspector.locator(sel.inspector.detail).getByText('"event": "bounce"', { exact: false }).first().waitFor();
    await wb.screenshot('message-batch-in-inspector');
    await wb.closeAllEditors();
  });

  step('tests the webhook from the tree’s context menu', async () => {
    await wb.contextMenu(wb.row(sinkLabel), 'Test Webhook');
    await wb.toast(/Webhook test passed: 200 in \d+ ms/).waitFor();
    await wb.screenshot('webhook-test-passed');
  });

  step('pauses and resumes the webhook from the context menu', async () => {
    await wb.contextMenu(wb.row(sinkLabel), 'Pause Webhook');
    await wb.waitRowDescription(sinkLabel, /^paused/);
    await wb.screenshot('webhook-paused');
    await wb.contextMenu(wb.row(sinkLabel), 'Resume Webhook');
    await wb.waitRowDescription(sinkLabel, /^active/);
  });

  step('deletes the webhook from the context menu, after confirming', async () => {
    await wb.contextMenu(wb.row(sinkLabel), 'Delete Webhook…');
    await wb.dialog().getByText('Delete the webhook', { exact: false }).waitFor();
    await wb.screenshot('webhook-delete-confirm');
    await wb.dialogButton('Delete');
    await wb.row(sinkLabel).waitFor({ state: 'detached' });
    await wb.waitRowDescription('acme.test', /no webhooks/);
  });

  step('a webhook whose endpoint answers 500 shows as failing', async () => {
    await emulatorApi(cs.userDataDir, 'PUT', '/emulator/sinks/failing', { responses: [{ status: 500, body: 'down for maintenance' }] });
    const domains = await emulatorApi(cs.userDataDir, 'GET', '/api/accounts/1/sending_domains');
    const { http } = emulatorRecord(cs.userDataDir);
    await emulatorApi(cs.userDataDir, 'POST', '/api/accounts/1/webhooks', {
      webhook: { url: `${http}/sink/failing`, webhook_type: 'email_sending', sending_stream: 'transactional', domain_id: domains.data[0].id, event_types: ['delivery'] },
    });
    const failing = new RegExp(`/sink/failing$`);
    await wb.waitRowDescription(failing, /^active · Delivery$/);
    await wb.command('Mailtrap Emulator: Send Test Email…');
    await wb.pick('Delivery');
    await wb.command('Mailtrap Emulator: Advance Clock…');
    await wb.pick('+5 minutes');
    await wb.waitRowDescription(failing, /^failing · Delivery · 500 /);
    await wb.clearNotifications();
    await wb.row(failing).click();
    const row = wb.webview().locator(sel.inspector.row).filter({ hasText: 'delivery' }).first();
    await row.waitFor();
    assert.equal(await row.locator(sel.inspector.rowCode).textContent(), '500');
    await row.click();
    await wb.webview().locator(sel.inspector.detail).getByText('down for maintenance').first().waitFor();
    await wb.screenshot('webhook-failing');
  });

  step('when its last retry fails the webhook is paused: the notification names it as the tree does; Resume makes it active again', async () => {
    await wb.closeAllEditors();
    await wb.clearNotifications();
    const failing = /\/sink\/failing$/;
    // As the tree labels a webhook on the emulator's own sink: just its path.
    const label = '\\/sink\\/failing';
    const paused = new RegExp(`Webhook ${label} \\(#\\d+\\) was paused: batch #\\d+ failed after 41 attempts \\(status 500\\)`);
    // Mailtrap's schedule: 40 retries 5 minutes apart; four virtual hours run it out.
    for (let i = 0; i < 4; i++) {
      await wb.command('Mailtrap Emulator: Advance Clock…');
      await wb.pick('+1 hour');
    }
    await wb.toast(paused).waitFor();
    await wb.waitRowDescription(failing, /^paused · Delivery/);
    await wb.screenshot('webhook-paused-notification');
    // The endpoint is fixed, then the user resumes from the notification: new mail is delivered again.
    await emulatorApi(cs.userDataDir, 'PUT', '/emulator/sinks/failing', { responses: [{ status: 200 }] });
    await wb.toastAction(paused, 'Resume Webhook');
    await wb.waitRowDescription(failing, /^(active|failing) · Delivery/);
    await wb.clearNotifications();
    await wb.command('Mailtrap Emulator: Send Test Email…');
    await wb.pick('Delivery');
    await wb.command('Mailtrap Emulator: Advance Clock…');
    await wb.pick('+5 minutes');
    await wb.waitRowDescription(failing, /^active · Delivery · 200 /);
    await wb.screenshot('webhook-resumed-active');
  });

  step('closing the window ends the extension host, which stops the emulator: no orphan process', async () => {
    const { pid } = emulatorRecord(cs.userDataDir);
    assert.ok(alive(pid), `the emulator (pid ${pid}) runs while the window is open`);
    await wb.page.context().close();
    // code-server keeps the extension host for its reconnection grace time (5 s here), then
    // deactivates the extension; the emulator must exit with it (checked before code-server stops).
    const deadline = Date.now() + 60_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    assert.ok(!alive(pid), `emulator pid ${pid} still runs after the extension host was shut down`);
  });
});
