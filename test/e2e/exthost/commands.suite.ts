/**
 * Every command the manifest contributes is registered, and runs: with the arguments the tree
 * passes (checked by its effect on the emulator) or, as from the palette, with its quick pick or
 * input box dismissed. Commands that only open a modal confirmation are exercised in the UI suite.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionExports } from '../../../src/extension';
import type { WebhookWire } from '../../../src/protocol/wire';
import { EXTENSION_ID, alive, extensionExports, getJson, running, runDismissing, tabLabels, waitFor } from './support';

type Check = (x: ExtensionExports, hook: WebhookWire) => Promise<void>;

async function total(x: ExtensionExports, route: string): Promise<number> {
  const { ready } = await running(x);
  return (await getJson<{ total: number }>(ready.http, ready.token, route)).body.total;
}

async function sinkCount(x: ExtensionExports, name: string): Promise<number> {
  const { ready } = await running(x);
  const r = await getJson<{ data: { requests: unknown[] } }>(ready.http, ready.token, `/emulator/sinks/${name}`);
  return r.status === 200 ? r.body.data.requests.length : 0;
}

const opensTab = (command: string, label: RegExp, ...args: unknown[]): Check => async () => {
  await vscode.commands.executeCommand(command, ...args);
  await waitFor(`a tab matching ${label}`, () => tabLabels().some((l) => label.test(l)));
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
};

const dismissed = (command: string): Check => async () => {
  await runDismissing(command);
};

/** A fresh message's id (what the Messages view passes its commands). */
async function aMessage(x: ExtensionExports): Promise<string> {
  const { api } = await running(x);
  return (await api.send({ from: { email: 'app@commands.test' }, to: [{ email: 'reader@example.com' }], subject: 'Commands', text: 't' })).message_ids[0]!;
}

/** command id → how to run it and what to check. */
const CHECKS: Record<string, Check> = {
  'mailtrapEmulator.emulator.menu': dismissed('mailtrapEmulator.emulator.menu'),
  'mailtrapEmulator.emulator.showLogs': async () => {
    await vscode.commands.executeCommand('mailtrapEmulator.emulator.showLogs');
  },
  'mailtrapEmulator.emulator.openSettings': opensTab('mailtrapEmulator.emulator.openSettings', /Settings/),
  'mailtrapEmulator.tree.refresh': async (x) => {
    let fired = false;
    const sub = x.tree.onDidChangeTreeData(() => (fired = true));
    await vscode.commands.executeCommand('mailtrapEmulator.tree.refresh');
    sub.dispose();
    assert.ok(fired, 'the tree was asked to refresh');
  },
  'mailtrapEmulator.domain.add': opensTab('mailtrapEmulator.domain.add', /^New sending domain$/),
  'mailtrapEmulator.domain.delete': dismissed('mailtrapEmulator.domain.delete'),
  'mailtrapEmulator.domain.verify': async (x) => {
    // A domain added through the API starts unverified, as on Mailtrap; the tree's action verifies it.
    const { api, ready } = await running(x);
    const domain = await api.createDomain(`verify-${Date.now()}.test`);
    assert.equal(domain.dns_verified, false);
    await vscode.commands.executeCommand('mailtrapEmulator.domain.verify', { kind: 'domain', domain });
    const after = await getJson<{ dns_verified: boolean; compliance_status: string }>(ready.http, ready.token, `/api/domains/${domain.id}`);
    assert.deepEqual([after.body.dns_verified, after.body.compliance_status], [true, 'compliant']);
  },
  'mailtrapEmulator.webhook.add': opensTab('mailtrapEmulator.webhook.add', /^New webhook$/),
  'mailtrapEmulator.webhook.edit': async (x, hook) => opensTab('mailtrapEmulator.webhook.edit', new RegExp(`^Edit webhook #${hook.id}$`), { kind: 'webhook', webhook: hook })(x, hook),
  'mailtrapEmulator.webhook.test': async (x, hook) => {
    const before = await sinkCount(x, 'commands');
    await vscode.commands.executeCommand('mailtrapEmulator.webhook.test', { kind: 'webhook', webhook: hook });
    assert.ok((await sinkCount(x, 'commands')) > before, 'the sink received the signed test POST');
  },
  'mailtrapEmulator.webhook.check': async (_x, hook) => {
    // The sink answers 200 to everything, a wrongly signed batch too: ready, with one warning.
    const report = (await vscode.commands.executeCommand('mailtrapEmulator.webhook.check', { kind: 'webhook', webhook: hook })) as { ok: boolean; checks: { id: string; ok: boolean }[] };
    assert.equal(report.ok, true);
    assert.deepEqual(report.checks.filter((c) => !c.ok).map((c) => c.id), ['signature']);
    const text = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.match(text, /^# Mailtrap endpoint check: ready/);
    assert.match(text, /## signature: ⚠ warning[\s\S]*\*\*Fix:\*\* Verify Mailtrap-Signature/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  },
  'mailtrapEmulator.webhook.pause': async (x, hook) => {
    await vscode.commands.executeCommand('mailtrapEmulator.webhook.pause', { kind: 'webhook', webhook: hook });
    assert.equal((await x.controller.api!.getWebhook(hook.id)).active, false);
  },
  'mailtrapEmulator.webhook.resume': async (x, hook) => {
    await vscode.commands.executeCommand('mailtrapEmulator.webhook.resume', { kind: 'webhook', webhook: { ...hook, active: false } });
    assert.equal((await x.controller.api!.getWebhook(hook.id)).active, true);
  },
  'mailtrapEmulator.webhook.delete': async (x, hook) => {
    await runDismissing('mailtrapEmulator.webhook.delete');
    assert.ok(await x.controller.api!.getWebhook(hook.id), 'dismissing the pick deletes nothing');
  },
  'mailtrapEmulator.webhook.copySecret': dismissed('mailtrapEmulator.webhook.copySecret'),
  'mailtrapEmulator.settings.copySnippet': async (x) => {
    const { ready } = await running(x);
    await vscode.commands.executeCommand('mailtrapEmulator.settings.copySnippet', 'env');
    const text = await vscode.env.clipboard.readText();
    assert.ok(text.includes(`MAILTRAP_API_URL=${ready.http}`) && text.includes(`SMTP_PORT=${ready.smtpPort}`), text);
  },
  'mailtrapEmulator.settings.copyToken': async (x) => {
    const { ready } = await running(x);
    await vscode.commands.executeCommand('mailtrapEmulator.settings.copyToken');
    assert.equal(await vscode.env.clipboard.readText(), ready.token);
  },
  'mailtrapEmulator.mail.sendTest': async (x) => {
    const before = await total(x, '/emulator/messages');
    await vscode.commands.executeCommand('mailtrapEmulator.mail.sendTest', 'delivery');
    assert.equal(await total(x, '/emulator/messages'), before + 1);
  },
  'mailtrapEmulator.event.trigger': dismissed('mailtrapEmulator.event.trigger'),
  'mailtrapEmulator.replay.sample': async (x) => {
    const before = await total(x, '/emulator/events');
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const sample = vscode.Uri.file(path.join(ext.extensionPath, 'dist', 'samples', 'all-event-types.json'));
    await vscode.commands.executeCommand('mailtrapEmulator.replay.sample', sample);
    assert.ok((await total(x, '/emulator/events')) > before, 'the sample events were recorded');
  },
  'mailtrapEmulator.clock.advance': async (x) => {
    const { api } = await running(x);
    const before = (await api.status()).clock.now;
    await vscode.commands.executeCommand('mailtrapEmulator.clock.advance', 3600);
    assert.ok((await api.status()).clock.now - before >= 3600_000, 'the virtual clock moved an hour');
  },
  'mailtrapEmulator.message.open': dismissed('mailtrapEmulator.message.open'),
  'mailtrapEmulator.inspector.open': opensTab('mailtrapEmulator.inspector.open', /^Payload Inspector$/),
  'mailtrapEmulator.message.timeline': async (x, hook) => opensTab('mailtrapEmulator.message.timeline', /^Message Timeline$/, await aMessage(x))(x, hook),
  'mailtrapEmulator.message.showBatches': async (x, hook) => opensTab('mailtrapEmulator.message.showBatches', /^Payload Inspector$/, await aMessage(x))(x, hook),
  'mailtrapEmulator.message.copyId': async (x) => {
    const id = await aMessage(x);
    await vscode.commands.executeCommand('mailtrapEmulator.message.copyId', id);
    assert.equal(await vscode.env.clipboard.readText(), id);
  },
  'mailtrapEmulator.message.openInBrowser': dismissed('mailtrapEmulator.message.openInBrowser'),
  'mailtrapEmulator.message.trigger': dismissed('mailtrapEmulator.message.trigger'),
  'mailtrapEmulator.messages.refresh': async (x) => {
    let fired = false;
    const sub = x.messages.onDidChangeTreeData(() => (fired = true));
    await vscode.commands.executeCommand('mailtrapEmulator.messages.refresh');
    await waitFor('the Messages view to refresh', () => fired);
    sub.dispose();
  },
  'mailtrapEmulator.messages.loadMore': async (x) => {
    const id = await aMessage(x);
    await vscode.commands.executeCommand('mailtrapEmulator.messages.refresh');
    await waitFor('the message in the view', () => x.messages.messages.some((m) => m.id === id));
    // Fewer than a page: everything is loaded, and loading more keeps it so.
    await vscode.commands.executeCommand('mailtrapEmulator.messages.loadMore');
    assert.equal(x.messages.messages.length, x.messages.totalCount);
  },
  'mailtrapEmulator.browser.open': async (x) => {
    // The browser it opens is outside this test (test/integration/extension/openInBrowser.test.ts
    // checks the link logs in); here: the command mints a link and hands it to VS Code, without error.
    const { ready } = await running(x);
    await vscode.commands.executeCommand('mailtrapEmulator.browser.open');
    assert.equal((await getJson(ready.http, ready.token, '/emulator/status')).status, 200);
  },
  // Last: the emulator keeps its data in memory here, so a stop forgets the webhook above.
  'mailtrapEmulator.emulator.stop': async (x) => {
    const { pid } = await running(x);
    await vscode.commands.executeCommand('mailtrapEmulator.emulator.stop');
    assert.equal(x.controller.state, 'stopped');
    await waitFor(`pid ${pid} to exit`, () => !alive(pid));
  },
  'mailtrapEmulator.emulator.start': async (x) => {
    await vscode.commands.executeCommand('mailtrapEmulator.emulator.start');
    const { ready } = await running(x);
    assert.equal((await getJson(ready.http, ready.token, '/emulator/status')).status, 200);
  },
  'mailtrapEmulator.emulator.restart': async (x) => {
    const before = (await running(x)).pid;
    await vscode.commands.executeCommand('mailtrapEmulator.emulator.restart');
    const after = await running(x);
    assert.notEqual(after.pid, before, 'a new emulator process');
    assert.ok(!alive(before), 'the old one has exited');
  },
};

export function commandsSuite(): void {
  describe('commands', () => {
    const contributed: string[] = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON.contributes.commands ?? []).map((c: { command: string }) => c.command);
    let hook: WebhookWire | undefined;

    /** The webhook the tree would pass (created once per emulator run). */
    async function ensureHook(x: ExtensionExports): Promise<WebhookWire> {
      const { api } = await running(x);
      if (hook && (await api.getWebhook(hook.id).catch(() => undefined))) return hook;
      hook = await api.createWebhook({ url: `${api.baseUrl}/sink/commands`, sending_stream: 'transactional', domain_id: null, event_types: ['delivery'] } as never);
      return hook;
    }

    it('every contributed command is registered, and every registered one is contributed', async () => {
      assert.ok(contributed.length >= 20, `the manifest contributes ${contributed.length} commands`);
      // VS Code adds its own commands for each contributed view (`<view id>.focus`, `.open`, …): not ours.
      const views: string[] = Object.values(vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.views as Record<string, { id: string }[]>).flat().map((v) => v.id);
      const ours = (c: string) => c.startsWith('mailtrapEmulator.') && (contributed.includes(c) || !views.some((v) => c.startsWith(`${v}.`)));
      const registered = new Set((await vscode.commands.getCommands(true)).filter(ours));
      for (const c of contributed) assert.ok(registered.has(c), `${c} is registered`);
      assert.deepEqual([...registered].sort(), [...contributed].sort());
      assert.deepEqual(Object.keys(CHECKS).sort(), [...contributed].sort(), 'this suite runs each of them');
    });

    for (const id of Object.keys(CHECKS)) {
      it(`runs ${id}`, async () => {
        const x = await extensionExports();
        const w = id === 'mailtrapEmulator.emulator.start' ? hook! : await ensureHook(x);
        await CHECKS[id]!(x, w);
      });
    }

    after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));
  });
}
