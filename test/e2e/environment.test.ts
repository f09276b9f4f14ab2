/**
 * The extension beside a developer's everyday setup (issue #17), in a real VS Code through
 * Chromium: two windows on two folders, both with a running emulator and their own working API;
 * a built-in-sink webhook still delivering after an HTTP port change; "Copy payload" bytes that
 * verify against Mailtrap-Signature; a basic-auth webhook whose password never shows and whose
 * copied curl works; deleting a domain saying what goes with it; a port-in-use start recovering
 * once the setting is fixed; the emulator's ports never auto-forwarded by code-server (no "Your
 * application running on port … is available" prompt) while another program's port is.
 * Screenshots in test-results/vscode/environment/.
 *
 * The ports are fixed here on purpose (found free by the test, never 8780/2525): a second window
 * only meets the first one's emulator on a port both are configured with.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, before, describe } from 'node:test';
import { promisify } from 'node:util';
import { verifyWebhookSignature } from 'mailtrap';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchBrowser } from './support/browser';
import { startCodeServer, type CodeServer } from './support/codeServer';
import { alive, e2ePaths, emulatorRecords, packageVsix, RESULTS, tempWorkspace } from './support/prepare';
import { sel } from './support/selectors';
import { Workbench } from './support/workbench';
import { storySteps } from './support/steps';

const CONTAINER = 'Mailtrap Emulator';
const SHOTS = path.join(RESULTS, 'vscode', 'environment');
const PASSWORD = 's3cret-Pa55';
const USER = 'ann@example.com';

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * A free port below 10000 (never 8780/2525/9229): VS Code prompts about an auto-forwarded port only
 * when it is below 10000 or a multiple of 1000 (its "likely a user's server" heuristic), as the
 * emulator's defaults are; an ephemeral port would be forwarded without the prompt.
 */
async function freeLowPort(): Promise<number> {
  for (;;) {
    const port = 9100 + Math.floor(Math.random() * 890);
    if (port === 9229) continue;
    const srv = net.createServer();
    const ok = await new Promise<boolean>((r) => srv.once('error', () => r(false)).listen(port, '127.0.0.1', () => r(true)));
    if (ok) {
      await new Promise((r) => srv.close(r));
      return port;
    }
  }
}

/** What a user does in Settings, as VS Code sees it: the folder's .vscode/settings.json changes. */
function setFolderSettings(folder: string, values: Record<string, unknown>): void {
  fs.mkdirSync(path.join(folder, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(folder, '.vscode', 'settings.json'), JSON.stringify(values, null, 2));
}

async function call(http: string, token: string, method: string, route: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(http + route, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** Parses `KEY=value` lines of the .env snippet. */
const envOf = (text: string) => Object.fromEntries(text.trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));

describe('real VS Code: a developer’s environment', { timeout: 900_000 }, () => {
  let cs: CodeServer;
  let browser: Browser;
  let context: BrowserContext;
  let a: Workbench;
  let b: Workbench;
  const folderA = tempWorkspace();
  const folderB = tempWorkspace();
  let httpPort: number;
  let smtpPort: number;
  let tokenA = '';
  let secret = '';
  const step = storySteps(() => [a, b]);

  before(async () => {
    fs.rmSync(SHOTS, { recursive: true, force: true });
    [httpPort, smtpPort] = [await freePort(), await freePort()];
    const paths = await e2ePaths();
    cs = await startCodeServer({
      paths,
      workspace: folderA,
      vsix: packageVsix(),
      settings: {
        'workbench.colorTheme': 'Default Dark Modern',
        'mailtrapEmulator.httpPort': httpPort,
        'mailtrapEmulator.smtpPort': smtpPort,
        'mailtrapEmulator.dataLocation': 'workspace',
      },
    });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
    a = new Workbench(await context.newPage(), SHOTS, 'a');
  });

  after(async () => {
    await browser?.close();
    await cs?.stop();
    for (const f of [folderA, folderB]) fs.rmSync(f, { recursive: true, force: true });
  });

  step('window A on folder A runs its emulator on the configured ports', async () => {
    await a.open(`${cs.url}/?folder=${encodeURIComponent(folderA)}`);
    await a.openContainer(CONTAINER);
    await a.statusBarItem(new RegExp(`Mailtrap :${httpPort} · SMTP ${smtpPort}(?!\\d)`)).waitFor({ timeout: 90_000 });
    await a.waitRowDescription('API', new RegExp(`^http://127\\.0\\.0\\.1:${httpPort}$`));
    await a.command('Mailtrap Emulator: Copy API Token');
    await a.toast(/Copied the API token of this window's emulator/).waitFor();
    tokenA = await a.clipboard();
    assert.match(tokenA, /^[0-9a-f]{32}$/);
    await a.screenshot('window-a-running');
  });

  step('window B on folder B gets its own emulator on free ports, says so, and both APIs work with their own tokens', async () => {
    // Its own browser window (context): a background tab would not render its webviews.
    const windowB = await browser.newContext({ viewport: { width: 1440, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
    b = new Workbench(await windowB.newPage(), SHOTS, 'b');
    await b.open(`${cs.url}/?folder=${encodeURIComponent(folderB)}`);
    await b.openContainer(CONTAINER);
    const note = b.toast(new RegExp(`HTTP port ${httpPort} is used by the emulator of the VS Code window "${path.basename(folderA)}"`));
    await note.waitFor({ timeout: 90_000 });
    await b.screenshot('window-b-own-emulator-note');
    const api = await b.rowDescription('API');
    const portB = Number(/:(\d+)$/.exec(api)![1]);
    assert.notEqual(portB, httpPort);
    await b.statusBarItem(new RegExp(`Mailtrap :${portB} · SMTP \\d`)).waitFor();
    // B's snippets and token are B's emulator's.
    await b.command('Mailtrap Emulator: Copy SMTP / API Settings…');
    await b.pick('.env variables');
    await b.toast(/Copied the env settings/).waitFor();
    const env = envOf(await b.clipboard());
    assert.equal(env.MAILTRAP_API_URL, `http://127.0.0.1:${portB}`);
    assert.notEqual(env.SMTP_PORT, String(smtpPort));
    assert.equal((await call(env.MAILTRAP_API_URL!, env.MAILTRAP_TOKEN!, 'GET', '/emulator/status')).status, 200);
    assert.notEqual(env.MAILTRAP_TOKEN, tokenA, 'each workspace has its own token');
    // A is untouched: still running on its ports, its token still works there, no crash message.
    assert.equal((await call(`http://127.0.0.1:${httpPort}`, tokenA, 'GET', '/emulator/status')).status, 200);
    await a.statusBarItem(new RegExp(`Mailtrap :${httpPort} · SMTP ${smtpPort}(?!\\d)`)).waitFor();
    assert.equal(await a.toast(/stopped unexpectedly/).count(), 0);
    const records = emulatorRecords(cs.userDataDir);
    assert.equal(records.length, 2);
    assert.ok(records.every((r) => alive(r.pid)), 'both emulators run');
    await b.screenshot('window-b-running');
    await a.screenshot('window-a-still-running');
  });

  step('window A: a webhook on the built-in sink, created in the form, keeps delivering after the HTTP port changes', async () => {
    await a.row('Add a sending domain…').click();
    await a.webview().locator(sel.form.domainName).fill('acme.test');
    await a.webview().locator(sel.form.submit).click();
    await a.waitRowDescription('acme.test', /no webhooks/);
    // Domains start unverified (mail from them is suspended); there is no DNS here, so verify it.
    const [domain] = (await call(`http://127.0.0.1:${httpPort}`, tokenA, 'GET', '/api/accounts/1/sending_domains')).json.data;
    assert.equal((await call(`http://127.0.0.1:${httpPort}`, tokenA, 'POST', `/emulator/domains/${domain.id}/verify`)).status, 200);
    await a.contextMenu(a.row('acme.test'), 'Add Webhook…');
    const form = a.webview();
    assert.equal(await form.locator(sel.form.url).inputValue(), `http://127.0.0.1:${httpPort}/sink/demo`);
    await form.locator(sel.form.submit).click();
    secret = (await form.locator(sel.form.secret).textContent())!;
    await form.locator(sel.form.done).click();
    await a.waitRowDescription('/sink/demo', /^active · all events/);

    const newPort = await freePort();
    setFolderSettings(folderA, { 'mailtrapEmulator.httpPort': newPort });
    await a.statusBarItem(new RegExp(`Mailtrap :${newPort} · SMTP ${smtpPort}(?!\\d)`)).waitFor({ timeout: 60_000 });
    await a.waitRowDescription('API', new RegExp(`:${newPort}$`));
    await a.command('Mailtrap Emulator: Send Test Email…');
    await a.pick('Delivery');
    await a.command('Mailtrap Emulator: Advance Clock…');
    await a.pick('+5 minutes');
    await a.waitRowDescription('/sink/demo', /^active · all events · 200 /);
    const hooks = (await call(`http://127.0.0.1:${newPort}`, tokenA, 'GET', '/api/webhooks')).json.data;
    assert.equal(hooks[0].url, `http://127.0.0.1:${newPort}/sink/demo`, 'the webhook follows the emulator');
    await a.clearNotifications();
    await a.screenshot('sink-delivering-after-port-change');
  });

  step('"Copy payload" copies the exact signed bytes: their HMAC is the Mailtrap-Signature', async () => {
    await a.row('/sink/demo').click();
    const inspector = a.webview();
    const row = inspector.locator(sel.inspector.row).filter({ hasText: 'Delivery' }).first();
    await row.waitFor();
    await row.click();
    const signature = (await inspector.locator(sel.inspector.signature).first().textContent())!.trim();
    await inspector.locator(sel.inspector.copyPayload).click();
    await inspector.locator(sel.inspector.notice).getByText(/Copied the exact body: [\d,]+ bytes/).waitFor();
    const body = await a.clipboard();
    assert.equal(createHmac('sha256', secret).update(body).digest('hex'), signature);
    assert.ok(verifyWebhookSignature(body, signature, secret), "the SDK's verifyWebhookSignature accepts it");
    await a.screenshot('copy-payload-exact-bytes');
    await a.closeAllEditors();
  });

  step('a basic-auth webhook never shows its password, and its copied curl (with the password, chosen) works', async () => {
    await a.contextMenu(a.row('acme.test'), 'Add Webhook…');
    const form = a.webview();
    const self = (await form.locator(sel.form.url).inputValue()).replace(/\/sink\/demo$/, '');
    await form.locator(sel.form.url).fill(`${self}/sink/private`);
    await form.locator(sel.form.username).fill(USER);
    await form.locator(sel.form.password).fill(PASSWORD);
    await form.locator(sel.form.submit).click();
    await form.locator(sel.form.done).click();
    await a.waitRowDescription('/sink/private', /^active/);
    await a.command('Mailtrap Emulator: Send Test Email…');
    await a.pick('Bounce');
    await a.command('Mailtrap Emulator: Advance Clock…');
    await a.pick('+5 minutes');
    await a.waitRowDescription('/sink/private', /· 200 /);
    await a.clearNotifications();
    await a.row('/sink/private').click();
    const inspector = a.webview();
    const row = inspector.locator(sel.inspector.row).filter({ hasText: 'Bounce' }).first();
    await row.waitFor();
    await row.click();
    await inspector.locator(sel.inspector.detail).getByText('Basic [redacted]').first().waitFor();
    const options = await inspector.locator(`${sel.inspector.webhookFilter} option`).allTextContents();
    assert.ok(options.some((o) => o.includes(`/sink/private (basic auth: ${USER})`)), options.join(' | '));
    // Nowhere on screen: the workbench (tree, tooltips rendered, notifications) and the inspector.
    assert.ok(!(await a.page.locator('body').innerText()).includes(PASSWORD));
    assert.ok(!(await inspector.locator('body').innerText()).includes(PASSWORD));
    assert.ok(!options.join(' ').includes(PASSWORD));
    await a.screenshot('basic-auth-masked');

    await inspector.locator('#copy-curl').click();
    await a.dialog().getByText(`This webhook uses basic auth (user ${USER})`).waitFor();
    await a.screenshot('basic-auth-curl-choice');
    await a.dialogButton('Copy with Password');
    await inspector.locator(sel.inspector.notice).getByText('with the basic-auth password').waitFor();
    const curl = await a.clipboard();
    const before = (await call(self, tokenA, 'GET', '/emulator/sinks/private')).json.data.requests.length;
    await promisify(execFile)('sh', ['-c', `${curl} --silent --fail`]);
    const got = (await call(self, tokenA, 'GET', '/emulator/sinks/private')).json.data.requests;
    assert.equal(got.length, before + 1, 'the copied curl reached the webhook');
    const sent = got.at(-1);
    assert.equal(Buffer.from(sent.headers.authorization.replace(/^Basic /, ''), 'base64').toString(), `${USER}:${PASSWORD}`);
    assert.equal(sent.body, got[0].body, 'the same bytes as the recorded attempt');
    await a.closeAllEditors();
  });

  step('deleting a domain says which webhooks go with it', async () => {
    await a.contextMenu(a.row('acme.test'), 'Delete Sending Domain…');
    await a.dialog().getByText('Delete the sending domain acme.test and its 2 webhooks?').waitFor();
    await a.dialog().getByText('/sink/demo, /sink/private', { exact: false }).waitFor();
    await a.screenshot('delete-domain-says-what-goes');
    await a.dialogButton('Delete');
    await a.row('acme.test').waitFor({ state: 'detached' });
    await a.row('/sink/demo').waitFor({ state: 'detached' });
  });

  step('window B: a port in use says which one, once; fixing the setting starts the emulator', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
        await b.clearNotifications().catch(() => undefined);
      setFolderSettings(folderB, { 'mailtrapEmulator.httpPort': taken });
      const error = b.toast(new RegExp(`HTTP port ${taken} is already in use by another program`));
      await error.waitFor({ timeout: 60_000 });
      assert.equal(((await error.first().innerText()).match(/already in use/g) ?? []).length, 1, 'said once');
      await b.toastButton(/already in use/, 'Use a Free Port').first().waitFor();
      await b.toastButton(/already in use/, 'Open Setting').first().waitFor();
      await b.statusBarItem(/Mailtrap failed/).waitFor();
      await b.screenshot('port-in-use');
      const fixed = await freePort();
      setFolderSettings(folderB, { 'mailtrapEmulator.httpPort': fixed });
      await b.statusBarItem(new RegExp(`Mailtrap :${fixed} · SMTP \\d`)).waitFor({ timeout: 60_000 });
      await b.screenshot('port-fixed-running');
      // Window A never noticed.
      await a.statusBarItem(/Mailtrap :\d+ · SMTP \d/).waitFor();
    } finally {
      blocker.close();
    }
  });

  step('code-server does not auto-forward the emulator’s ports (no prompt), while it does forward another program’s', async () => {
    // New ports for window A's emulator, so they appear after code-server's port finder started
    // (ports already listening when it starts are never prompted for).
    const api = await freeLowPort();
    let smtp = await freeLowPort();
    while (smtp === api) smtp = await freeLowPort();
    await a.clearNotifications().catch(() => undefined);
    setFolderSettings(folderA, { 'mailtrapEmulator.httpPort': api, 'mailtrapEmulator.smtpPort': smtp });
    await a.statusBarItem(new RegExp(`Mailtrap :${api} · SMTP ${smtp}(?!\\d)`)).waitFor({ timeout: 60_000 });
    // The control: a plain server started after the emulator. Once code-server has forwarded it, its
    // port finder has also seen the emulator's ports (each scan lists every listening port).
    const other = createHttpServer((_, res) => res.end('hi'));
    const otherPort = await freeLowPort();
    await new Promise<void>((r) => other.listen(otherPort, '127.0.0.1', r));
    try {
      await a.command('Ports: Focus on Ports View');
      await a.forwardedPort(otherPort).filter({ hasText: 'Auto Forwarded' }).first().waitFor({ timeout: 60_000 });
      for (const port of [api, smtp]) {
        assert.equal(await a.forwardedPort(port).count(), 0, `the emulator's port ${port} is auto-forwarded`);
        assert.equal(await a.toast(new RegExp(`running on port ${port} is available`)).count(), 0, `a prompt for the emulator's port ${port}`);
      }
      // The prompt the emulator is spared, shown for the other program.
      await a.toast(new RegExp(`running on port ${otherPort} is available`)).waitFor({ timeout: 30_000 });
      await a.screenshot('ports-emulator-not-forwarded');
    } finally {
      other.close();
    }
  });
});
