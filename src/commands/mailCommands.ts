/** Sending test mail, triggering events, replaying sample batches, opening messages. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { eventLabel } from '../protocol/eventLabels';
import { PAYLOAD_EVENT_NAMES } from '../protocol/wire';
import { needApi, showFailure, type CommandContext, type Handler } from './context';
import { SCENARIOS, scenarioAddress, testEmailBody } from './scenarios';

/** The sender's domain of a test email when there is no sending domain yet. */
export const FALLBACK_DOMAIN = 'example.test';

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
    const domain = (domains.find((d) => d.dns_verified !== false) ?? domains[0])?.domain_name ?? FALLBACK_DOMAIN;
    const r = await api.send(testEmailBody(scenario, domain));
    // Said, not done silently: with no domain yet, the send creates one (the emulator's --domains auto).
    const created = domains.length ? '' : ` There was no sending domain, so it was sent from ${FALLBACK_DOMAIN}, which the emulator created for it.`;
    void vscode.window.showInformationMessage(
      `Sent a ${scenario.label.toLowerCase()} test to ${scenarioAddress(scenario)} (message ${r.message_ids[0]}). Events are batched every batch interval; advance the clock to deliver now.${created}`,
    );
  } catch (err) {
    await showFailure('Sending the test email', err);
  }
}

async function triggerEvent(ctx: CommandContext): Promise<void> {
  const api = await needApi(ctx);
  if (!api) return;
  const picked = await vscode.window.showQuickPick(
    PAYLOAD_EVENT_NAMES.map((t) => ({ label: eventLabel(t), description: t, type: t })),
    { placeHolder: 'Event type to trigger' },
  );
  if (!picked) return;
  const type = picked.type;
  // A pick list of recent messages, as in "Open Message in Browser"; typing an id or address stays possible.
  const recent = (await api.listMessages({ limit: 50 }).catch(() => undefined))?.data ?? [];
  const OTHER = '$(edit) Another message id or an email address…';
  const choice = recent.length
    ? await vscode.window.showQuickPick(
        [
          ...recent.map((m) => ({ label: m.recipients.join(', ') || '(no recipients)', description: m.subject ?? '(no subject)', detail: m.id, id: m.id as string | undefined })),
          { label: OTHER, description: '', detail: undefined, id: undefined },
        ],
        { placeHolder: `Trigger "${eventLabel(type)}" for which message?`, matchOnDescription: true, matchOnDetail: true },
      )
    : { label: OTHER, id: undefined };
  if (!choice) return;
  let t = choice.id;
  if (!t) {
    const typed = await vscode.window.showInputBox({
      prompt: `Trigger "${eventLabel(type)}" for a message id or an email address`,
      placeHolder: 'message id (uuid) or someone@example.com',
      validateInput: (v) => (v.trim() ? undefined : 'Enter a message id or an email address'),
    });
    if (!typed) return;
    t = typed.trim();
  }
  try {
    const r = await api.triggerEvent({ type, ...(t.includes('@') ? { email: t } : { message_id: t }) });
    void vscode.window.showInformationMessage(`Triggered ${eventLabel(type)} for ${r.data.email} (event ${r.data.event_id}).`);
  } catch (err) {
    await showFailure('Triggering the event', err, t.includes('@') ? `a message to ${t}` : `a message with id ${t}`);
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
    // A one-time link: the token never appears in the browser's address bar or history.
    if (pick) await vscode.env.openExternal(vscode.Uri.parse(await api.messageLink(pick.id)));
  } catch (err) {
    await showFailure('Opening the message', err, 'the message');
  }
}

export const mailCommands: Record<string, Handler> = {
  'mailtrapEmulator.mail.sendTest': sendTest,
  'mailtrapEmulator.event.trigger': triggerEvent,
  'mailtrapEmulator.replay.sample': (ctx, uri?: unknown) => replay(ctx, uri instanceof vscode.Uri ? uri : undefined),
  'mailtrapEmulator.message.open': openMessage,
};
