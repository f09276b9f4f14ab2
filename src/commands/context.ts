/** What command handlers get: the controller, views and helpers, plus node → webhook resolution. */
import * as vscode from 'vscode';
import type { EmulatorApi } from '../emulator/apiClient';
import { ApiError } from '../emulator/apiClient';
import type { EmulatorController } from '../emulator/controller';
import type { SigningSecrets } from '../emulator/secrets';
import type { WebhookWire, DomainWire } from '../protocol/wire';
import type { EmulatorTreeProvider, Node } from '../views/treeProvider';
import type { MessagesTreeProvider } from '../views/messagesProvider';
import { displayUrl } from '../views/format';

export interface CommandContext {
  extensionUri: vscode.Uri;
  controller: EmulatorController;
  tree: EmulatorTreeProvider;
  secrets: SigningSecrets;
  /** The Messages view (absent in tests that do not need it). */
  messages?: MessagesTreeProvider;
}

export type Handler = (ctx: CommandContext, ...args: any[]) => unknown;

/** The API, starting the emulator if needed; shows nothing more (the controller reports failures). */
export async function needApi(ctx: CommandContext): Promise<EmulatorApi | undefined> {
  return ctx.controller.ensureApi();
}

/** A user-facing message for a failed API call; a 404 on an emulator-only route means "not in this build". */
export function failure(what: string, err: unknown): string {
  if (err instanceof ApiError && err.status === 404) return `${what} failed: not found. The resource may be gone, or this emulator version does not support it yet.`;
  return `${what} failed: ${(err as Error)?.message ?? String(err)}`;
}

export async function showFailure(what: string, err: unknown): Promise<void> {
  await vscode.window.showErrorMessage(failure(what, err));
}

/** The webhook of a tree node, or one picked from a list (palette use). */
export async function pickWebhook(ctx: CommandContext, node: Node | undefined, placeHolder: string, filter: (w: WebhookWire) => boolean = () => true): Promise<WebhookWire | undefined> {
  if (node?.kind === 'webhook') return node.webhook;
  const api = await needApi(ctx);
  if (!api) return undefined;
  const hooks = (await api.listWebhooks()).filter(filter);
  if (!hooks.length) {
    void vscode.window.showInformationMessage('No matching webhooks. Add one first.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    hooks.map((w) => ({ label: displayUrl(w.url), description: `#${w.id} · ${w.active ? 'active' : 'paused'}`, webhook: w })),
    { placeHolder },
  );
  return pick?.webhook;
}

export async function pickDomain(
  ctx: CommandContext,
  node: Node | undefined,
  placeHolder: string,
  filter: (d: DomainWire) => boolean = () => true,
): Promise<DomainWire | undefined> {
  if (node?.kind === 'domain') return node.domain;
  const api = await needApi(ctx);
  if (!api) return undefined;
  const domains = (await api.listDomains()).filter(filter);
  if (!domains.length) return undefined;
  const pick = await vscode.window.showQuickPick(domains.map((d) => ({ label: d.domain_name, domain: d })), { placeHolder });
  return pick?.domain;
}
