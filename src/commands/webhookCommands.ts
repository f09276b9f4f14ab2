/** Domains and webhooks: forms, test, pause/resume, delete, signing secret, inspector. */
import * as vscode from 'vscode';
import type { Node } from '../views/treeProvider';
import { displayUrl } from '../views/format';
import { FormPanel } from '../webviews/formPanel';
import { InspectorPanel } from '../webviews/inspectorPanel';
import { needApi, pickDomain, pickWebhook, showFailure, type CommandContext, type Handler } from './context';

async function openForm(ctx: CommandContext, target: Parameters<typeof FormPanel.createOrShow>[1]): Promise<void> {
  const api = await needApi(ctx);
  if (!api) return;
  FormPanel.createOrShow({ extensionUri: ctx.extensionUri, api, secrets: ctx.secrets, log: ctx.controller.log }, target, () => ctx.tree.refreshSoon());
}

export const OPEN_INSPECTOR = 'Open Inspector';

async function testWebhook(ctx: CommandContext, node?: Node): Promise<void> {
  const w = await pickWebhook(ctx, node, 'Webhook to test');
  const api = ctx.controller.api;
  if (!w || !api) return;
  try {
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Testing ${displayUrl(w.url)}…` },
      () => api.testWebhook(w.id),
    );
    const summary = `${r.status ?? 'no response'} in ${Math.round(r.durationMs)} ms`;
    if (r.ok) {
      void vscode.window.showInformationMessage(`Webhook test passed: ${summary}.`);
    } else {
      const pick = await vscode.window.showWarningMessage(`Webhook test failed: ${summary}${r.error ? ` (${r.error})` : ''}.`, OPEN_INSPECTOR);
      if (pick === OPEN_INSPECTOR) InspectorPanel.createOrShow(ctx.extensionUri, ctx.controller, { webhook_id: w.id });
    }
  } catch (err) {
    await showFailure('Testing the webhook', err);
  }
}

async function setActive(ctx: CommandContext, node: Node | undefined, active: boolean): Promise<void> {
  const w = await pickWebhook(ctx, node, active ? 'Webhook to resume' : 'Webhook to pause', (x) => x.active !== active);
  const api = ctx.controller.api;
  if (!w || !api) return;
  try {
    await api.updateWebhook(w.id, { active });
    ctx.tree.refreshSoon();
  } catch (err) {
    await showFailure(active ? 'Resuming the webhook' : 'Pausing the webhook', err);
  }
}

async function deleteWebhook(ctx: CommandContext, node?: Node): Promise<void> {
  const w = await pickWebhook(ctx, node, 'Webhook to delete');
  const api = ctx.controller.api;
  if (!w || !api) return;
  const ok = await vscode.window.showWarningMessage(
    `Delete the webhook ${displayUrl(w.url)}?`,
    { modal: true, detail: 'Its queued batches are dropped. This cannot be undone.' },
    'Delete',
  );
  if (ok !== 'Delete') return;
  try {
    await api.deleteWebhook(w.id);
    await ctx.secrets.delete(w.id);
    ctx.tree.refreshSoon();
  } catch (err) {
    await showFailure('Deleting the webhook', err);
  }
}

async function deleteDomain(ctx: CommandContext, node?: Node): Promise<void> {
  const d = await pickDomain(ctx, node, 'Domain to delete');
  const api = ctx.controller.api;
  if (!d || !api) return;
  const ok = await vscode.window.showWarningMessage(`Delete the sending domain ${d.domain_name}?`, { modal: true, detail: 'This cannot be undone.' }, 'Delete');
  if (ok !== 'Delete') return;
  try {
    await api.deleteDomain(d.id);
    ctx.tree.refreshSoon();
  } catch (err) {
    await showFailure('Deleting the domain', err);
  }
}

/** There is no DNS to check: this stands for adding the records and Mailtrap finding them. */
async function verifyDomain(ctx: CommandContext, node?: Node): Promise<void> {
  const d = await pickDomain(ctx, node, 'Domain to mark DNS verified', (x) => x.dns_verified === false);
  const api = ctx.controller.api;
  if (!d || !api) return;
  try {
    await api.verifyDomain(d.id);
    ctx.tree.refreshSoon();
    vscode.window.setStatusBarMessage(`$(pass) ${d.domain_name}: DNS verified`, 3000);
  } catch (err) {
    await showFailure('Marking the domain verified', err);
  }
}

async function copySecret(ctx: CommandContext, node?: Node): Promise<void> {
  const w = await pickWebhook(ctx, node, 'Webhook whose signing secret to copy', (x) => ctx.secrets.has(x.id));
  if (!w) return;
  const secret = ctx.secrets.get(w.id);
  if (!secret) {
    void vscode.window.showInformationMessage('The signing secret is only shown when a webhook is created; this one was created elsewhere.');
    return;
  }
  await vscode.env.clipboard.writeText(secret);
  vscode.window.setStatusBarMessage('$(key) Signing secret copied', 3000);
}

export const webhookCommands: Record<string, Handler> = {
  'mailtrapEmulator.domain.add': (ctx) => openForm(ctx, { kind: 'domain' }),
  'mailtrapEmulator.domain.delete': deleteDomain,
  'mailtrapEmulator.domain.verify': verifyDomain,
  'mailtrapEmulator.webhook.add': (ctx, node?: Node) =>
    openForm(ctx, { kind: 'webhook', domainId: node?.kind === 'domain' ? node.domain.id : node?.kind === 'allDomains' ? null : undefined }),
  'mailtrapEmulator.webhook.edit': async (ctx, node?: Node) => {
    const w = await pickWebhook(ctx, node, 'Webhook to edit');
    if (w) await openForm(ctx, { kind: 'webhook', webhook: w });
  },
  'mailtrapEmulator.webhook.test': testWebhook,
  'mailtrapEmulator.webhook.pause': (ctx, node?: Node) => setActive(ctx, node, false),
  'mailtrapEmulator.webhook.resume': (ctx, node?: Node) => setActive(ctx, node, true),
  'mailtrapEmulator.webhook.delete': deleteWebhook,
  'mailtrapEmulator.webhook.copySecret': copySecret,
  'mailtrapEmulator.inspector.open': (ctx, node?: Node) =>
    InspectorPanel.createOrShow(ctx.extensionUri, ctx.controller, node?.kind === 'webhook' ? { webhook_id: node.webhook.id } : {}),
};
