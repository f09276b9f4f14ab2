/** Sending test mail, triggering events, replaying sample batches, opening messages. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { PAYLOAD_EVENT_NAMES } from '../protocol/wire';
import { needApi, showFailure, type CommandContext, type Handler } from './context';
import { SCENARIOS, scenarioAddress, testEmailBody } from './scenarios';

async function sendTest(ctx: CommandContext, scenarioId?: unknown): Promise<void> {
  const api = await needApi(ctx);
  if (!api) return;
  const scenario =
    SCENARIOS.find((s) => s.id === scenarioId) ??
    (await vscode.window.showQuickPick(
      SCENARIOS.map((s) => ({ label: s.label, description: scenarioAddress(s), detail: s.detail, scenario: s })),
      { placeHolder: 'Send a test email that ends in…', matchOnDetail: true },
    ))?.scenario;
  if (!scenario) return;
  try {
    const domains = await api.listDomains();
    // A verified domain if there is one: mail from an unverified one is suspended (unless that is the point).
    const domain = (domains.find((d) => d.dns_verified !== false) ?? domains[0])?.domain_name ?? 'example.test';
    const r = await api.send(testEmailBody(scenario, domain));
    void vscode.window.showInformationMessage(
      `Sent a ${scenario.label.toLowerCase()} test to ${scenarioAddress(scenario)} (message ${r.message_ids[0]}). Events are batched every batch interval; advance the clock to deliver now.`,
    );
  } catch (err) {
    await showFailure('Sending the test email', err);
  }
}

async function triggerEvent(ctx: CommandContext): Promise<void> {
  const api = await needApi(ctx);
  if (!api) return;
  const type = await vscode.window.showQuickPick([...PAYLOAD_EVENT_NAMES], { placeHolder: 'Event type to trigger' });
  if (!type) return;
  const target = await vscode.window.showInputBox({
    prompt: `Trigger "${type}" for a message id or an email address`,
    placeHolder: 'message id (uuid) or someone@example.com',
    validateInput: (v) => (v.trim() ? undefined : 'Enter a message id or an email address'),
  });
  if (!target) return;
  const t = target.trim();
  try {
    const r = await api.triggerEvent({ type, ...(t.includes('@') ? { email: t } : { message_id: t }) });
    void vscode.window.showInformationMessage(`Triggered ${type} (event ${r.data.event_id}).`);
  } catch (err) {
    await showFailure('Triggering the event', err);
  }
}

async function replay(ctx: CommandContext, uri?: vscode.Uri): Promise<void> {
  const api = await needApi(ctx);
  if (!api) return;
  let file = uri?.fsPath;
  if (!file) {
    const samplesDir = vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'samples').fsPath;
    const bundled = fs.existsSync(samplesDir) ? fs.readdirSync(samplesDir).filter((f) => /\.jsonl?$/.test(f)) : [];
    const items = [
      ...bundled.map((f) => ({ label: `$(package) ${f}`, description: 'bundled sample', file: path.join(samplesDir, f) })),
      { label: '$(folder-opened) Choose a .json or .jsonl file…', description: '', file: '' },
    ];
    const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Sample batch to replay' });
    if (!pick) return;
    file = pick.file;
    if (!file) {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false,
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
        filters: { 'Event batches': ['json', 'jsonl'] },
        openLabel: 'Replay',
      });
      file = picked?.[0]?.fsPath;
      if (!file) return;
    }
  }
  try {
    const text = fs.readFileSync(file, 'utf8');
    const r = await api.replay(text, file.endsWith('.jsonl'));
    void vscode.window.showInformationMessage(`Replayed ${r.data.recorded} events from ${path.basename(file)}.`);
  } catch (err) {
    await showFailure(`Replaying ${path.basename(file)}`, err);
  }
}

async function openMessage(ctx: CommandContext): Promise<void> {
  const api = await needApi(ctx);
  if (!api) return;
  try {
    const page = await api.listMessages({ limit: 50 });
    if (!page.data.length) {
      void vscode.window.showInformationMessage('No messages yet. Send a test email first.');
      return;
    }
    const pick = await vscode.window.showQuickPick(
      page.data.map((m) => ({ label: m.subject ?? '(no subject)', description: m.recipients.join(', '), detail: `${m.id} · ${new Date(m.createdAt).toISOString()}`, id: m.id })),
      { placeHolder: 'Open a message in the browser (tracking links are live)', matchOnDescription: true, matchOnDetail: true },
    );
    if (pick) await vscode.env.openExternal(vscode.Uri.parse(api.messageHtmlUrl(pick.id)));
  } catch (err) {
    await showFailure('Listing messages', err);
  }
}

export const mailCommands: Record<string, Handler> = {
  'mailtrapEmulator.mail.sendTest': sendTest,
  'mailtrapEmulator.event.trigger': triggerEvent,
  'mailtrapEmulator.replay.sample': (ctx, uri?: unknown) => replay(ctx, uri instanceof vscode.Uri ? uri : undefined),
  'mailtrapEmulator.message.open': openMessage,
};
