/** Domains and webhooks: forms, test, pause/resume, delete, signing secret, inspector. */
import * as vscode from 'vscode';
import type { Node } from '../views/treeProvider';
import type { WebhookTestResult } from '../../emulator/http/dto';
import { displayUrl, webhookLabel } from '../views/format';
import { FormPanel } from '../webviews/formPanel';
import { InspectorPanel } from '../webviews/inspectorPanel';
import { needApi, pickDomain, pickWebhook, showFailure, type CommandContext, type Handler } from './context';

async function openForm(ctx: CommandContext, target: Parameters<typeof FormPanel.createOrShow>[1]): Promise<void> {
  const api = await needApi(ctx);
  if (!api) return;
  FormPanel.createOrShow({ extensionUri: ctx.extensionUri, api, secrets: ctx.secrets, log: ctx.controller.log }, target, () => ctx.tree.refreshSoon());
}

export const OPEN_INSPECTOR = 'Open Inspector';

/** A failed test in words: the status and time when there was an answer, else what happened (refused, timed out…). */
export function testOutcome(r: WebhookTestResult): string {
  if (r.status !== null) return `${r.status} in ${Math.round(r.durationMs)} ms${r.error ? ` (${r.error})` : ''}`;
  const e = r.error ?? 'no response';
  if (/ECONNREFUSED|refused/i.test(e)) return `connection refused (nothing listens at that address): ${e}`;
  if (/timed? ?out|ETIMEDOUT|abort/i.test(e)) return `no response within ${Math.round(r.durationMs / 1000)} s: ${e}`;
  return e;
}

async function testWebhook(ctx: CommandContext, node?: Node): Promise<void> {
  const w = await pickWebhook(ctx, node, 'Webhook to test');
  const api = ctx.controller.api;
  if (!w || !api) return;
  try {
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Testing ${displayUrl(w.url)}…` },
      () => api.testWebhook(w.id),
    );
    if (r.ok) {
      void vscode.window.showInformationMessage(`Webhook test passed: ${r.status} in ${Math.round(r.durationMs)} ms.`);
    } else {
      const pick = await vscode.window.showWarningMessage(`Webhook test failed: ${testOutcome(r)}.`, OPEN_INSPECTOR);
      if (pick === OPEN_INSPECTOR) InspectorPanel.createOrShow(ctx.extensionUri, ctx.controller, { webhook_id: w.id }, r.deliveryId);
    }
  } catch (err) {
    await showFailure('Testing the webhook', err, 'the webhook');
  }
}

async function setActive(ctx: CommandContext, node: Node | undefined, active: boolean): Promise<void> {
  const w = await pickWebhook(ctx, node, active ? 'Webhook to resume' : 'Webhook to pause', (x) => x.active !== active, () =>
    active ? 'none is paused' : 'all are paused already',
  );
  const api = ctx.controller.api;
  if (!w || !api) return;
  try {
    await api.updateWebhook(w.id, { active });
    ctx.tree.refreshSoon();
  } catch (err) {
    await showFailure(active ? 'Resuming the webhook' : 'Pausing the webhook', err, 'the webhook');
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
    await showFailure('Deleting the webhook', err, 'the webhook');
  }
}

async function deleteDomain(ctx: CommandContext, node?: Node): Promise<void> {
  const d = await pickDomain(ctx, node, 'Domain to delete');
  const api = ctx.controller.api;
  if (!d || !api) return;
  // What goes with it, counted now (the tree may be a moment old): its webhooks are deleted too.
  const hooks = (await api.listWebhooks()).filter((w) => w.domain_id === d.id);
  const n = hooks.length;
  const detail = n
    ? `Its ${n} webhook${n === 1 ? '' : 's'} (${hooks.map((w) => webhookLabel(w.url, api.baseUrl)).join(', ')}) ${n === 1 ? 'is' : 'are'} deleted with it, and their queued batches dropped. This cannot be undone.`
    : 'It has no webhooks. This cannot be undone.';
  const ok = await vscode.window.showWarningMessage(
    n ? `Delete the sending domain ${d.domain_name} and its ${n} webhook${n === 1 ? '' : 's'}?` : `Delete the sending domain ${d.domain_name}?`,
    { modal: true, detail },
    'Delete',
  );
  if (ok !== 'Delete') return;
  try {
    await api.deleteDomain(d.id);
    for (const w of hooks) await ctx.secrets.delete(w.id);
    ctx.tree.refreshSoon();
  } catch (err) {
    await showFailure('Deleting the domain', err, 'the domain');
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
  const w = await pickWebhook(ctx, node, 'Webhook whose signing secret to copy', (x) => ctx.secrets.has(x.id), () => 'none was created in VS Code (a signing secret is only shown when a webhook is created)');
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
