/**
 * **Check Endpoint…**: runs the endpoint check on a webhook (its own URL, signing secret and
 * format, known to the emulator) or on any URL, and opens the report with each failure's fix.
 * Called with `{url, secret, format?, timeout?}` (a task, a keybinding) it asks nothing.
 */
import * as vscode from 'vscode';
import type { CheckReport } from '../../emulator/http/dto';
import type { WebhookWire } from '../protocol/wire';
import { checkReportMarkdown, checkSummary } from '../views/checkReport';
import { displayUrl } from '../views/format';
import type { Node } from '../views/treeProvider';
import { needApi, showFailure, type CommandContext, type Handler } from './context';

export interface CheckArgs {
  url: string;
  secret: string;
  format?: 'json' | 'jsonlines';
  timeout?: number;
}

type Target = { label: string; format: string; timeout: number; body: { webhook_id: number } | CheckArgs };

const isCheckArgs = (a: unknown): a is CheckArgs =>
  !!a && typeof a === 'object' && typeof (a as CheckArgs).url === 'string' && typeof (a as CheckArgs).secret === 'string';

const fromWebhook = (w: WebhookWire): Target => ({ label: w.url, format: w.payload_format, timeout: 30, body: { webhook_id: w.id } });

const ANOTHER_URL = '$(link) Another URL…';

/** Asks for a URL, its signing secret and its payload format. */
async function askForUrl(): Promise<Target | undefined> {
  const url = await vscode.window.showInputBox({
    prompt: 'Endpoint URL to check (your webhook handler)',
    placeHolder: 'http://127.0.0.1:3000/webhooks/mailtrap',
    validateInput: (v) => (/^https?:\/\/\S+$/.test(v.trim()) ? undefined : 'Enter an http:// or https:// URL'),
  });
  if (!url) return undefined;
  const secret = await vscode.window.showInputBox({
    prompt: 'Signing secret your handler verifies Mailtrap-Signature with',
    password: true,
    validateInput: (v) => (v.trim() ? undefined : 'The handler needs the secret to accept the signed batches'),
  });
  if (!secret) return undefined;
  const format = await vscode.window.showQuickPick(
    [
      { label: 'json', detail: '{"events":[…]}, application/json' },
      { label: 'jsonlines', detail: 'one event a line, application/jsonl' },
    ],
    { placeHolder: 'Payload format of the webhook' },
  );
  if (!format) return undefined;
  const args: CheckArgs = { url: url.trim(), secret: secret.trim(), format: format.label as 'json' | 'jsonlines' };
  return { label: args.url, format: args.format!, timeout: 30, body: args };
}

async function pickTarget(ctx: CommandContext, arg: unknown): Promise<Target | undefined> {
  if (isCheckArgs(arg)) return { label: arg.url, format: arg.format ?? 'json', timeout: arg.timeout ?? 30, body: arg };
  const node = arg as Node | undefined;
  if (node?.kind === 'webhook') return fromWebhook(node.webhook);
  const api = await needApi(ctx);
  if (!api) return undefined;
  const hooks = await api.listWebhooks();
  const pick = await vscode.window.showQuickPick(
    [
      ...hooks.map((w) => ({ label: displayUrl(w.url), description: `#${w.id} · ${w.payload_format}`, webhook: w as WebhookWire | undefined })),
      { label: ANOTHER_URL, description: 'with its signing secret', webhook: undefined },
    ],
    { placeHolder: 'Endpoint to check against Mailtrap\'s rules' },
  );
  if (!pick) return undefined;
  return pick.webhook ? fromWebhook(pick.webhook) : askForUrl();
}

async function checkEndpoint(ctx: CommandContext, arg?: unknown): Promise<CheckReport | undefined> {
  const target = await pickTarget(ctx, arg);
  if (!target) return undefined;
  const api = await needApi(ctx);
  if (!api) return undefined;
  let report: CheckReport;
  try {
    report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Checking ${displayUrl(target.label)} against Mailtrap's rules…` },
      () => api.checkEndpoint(target.body),
    );
  } catch (err) {
    await showFailure('The endpoint check', err);
    return undefined;
  }
  const doc = await vscode.workspace.openTextDocument({
    language: 'markdown',
    content: checkReportMarkdown({ url: displayUrl(target.label), format: target.format, timeout: target.timeout }, report, new Date()),
  });
  await vscode.window.showTextDocument(doc, { preview: true });
  const summary = `Endpoint check: ${checkSummary(report)}`;
  if (report.ok) void vscode.window.showInformationMessage(summary);
  else void vscode.window.showWarningMessage(summary);
  return report;
}

export const checkCommands: Record<string, Handler> = {
  'mailtrapEmulator.webhook.check': checkEndpoint,
};
