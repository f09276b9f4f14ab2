/** The Messages view's commands: open a timeline, page, and a message's actions (browser, trigger, copy id, inspector). */
import * as vscode from 'vscode';
import { PAYLOAD_EVENT_NAMES } from '../protocol/wire';
import type { MessageNode } from '../views/messagesProvider';
import type { MessageActions } from '../webviews/messageHandlers';
import { InspectorPanel } from '../webviews/inspectorPanel';
import { MessagePanel } from '../webviews/messagePanel';
import { needApi, showFailure, type CommandContext, type Handler } from './context';

/** A message id from a tree node, a plain id (palette, tests, webview), or a pick from the loaded messages. */
async function messageIdOf(ctx: CommandContext, arg: unknown, placeHolder: string): Promise<string | undefined> {
  if (typeof arg === 'string' && arg) return arg;
  const node = arg as MessageNode | undefined;
  if (node?.kind === 'message') return node.message.id;
  const api = await needApi(ctx);
  if (!api) return undefined;
  const page = await api.listMessages({ limit: 100 });
  if (!page.data.length) {
    void vscode.window.showInformationMessage('No messages yet. Send a test email first.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    page.data.map((m) => ({ label: m.recipients[0] ?? m.id, description: `${m.status} · ${m.subject ?? '(no subject)'}`, detail: m.id, id: m.id })),
    { placeHolder, matchOnDescription: true, matchOnDetail: true },
  );
  return pick?.id;
}

/** What the timeline's buttons do; the same as the tree's context menu. */
export function messageActions(ctx: CommandContext): MessageActions {
  return {
    async openInBrowser(id) {
      const api = await needApi(ctx);
      // A one-time link: the token never appears in the browser's address bar or history.
      if (api) await vscode.env.openExternal(vscode.Uri.parse(await api.messageLink(id)));
    },
    async trigger(id) {
      const api = await needApi(ctx);
      if (!api) return;
      const type = await vscode.window.showQuickPick([...PAYLOAD_EVENT_NAMES], { placeHolder: `Event to record for message ${id}` });
      if (!type) return;
      try {
        const r = await api.triggerEvent({ type, message_id: id });
        void vscode.window.showInformationMessage(`Triggered ${type} for ${r.data.email} (event ${r.data.event_id}).`);
      } catch (err) {
        await showFailure('Triggering the event', err);
      }
    },
    async copy(text) {
      await vscode.env.clipboard.writeText(text);
      void vscode.window.setStatusBarMessage(`Copied ${text}`, 3000);
    },
    async openInspector(messageId, deliveryId) {
      InspectorPanel.createOrShow(ctx.extensionUri, ctx.controller, { search: messageId }, deliveryId);
    },
  };
}

const withMessage =
  (placeHolder: string, run: (ctx: CommandContext, id: string) => Promise<void>): Handler =>
  async (ctx, arg?: unknown) => {
    const id = await messageIdOf(ctx, arg, placeHolder);
    if (id) await run(ctx, id);
  };

export const messageCommands: Record<string, Handler> = {
  'mailtrapEmulator.message.timeline': withMessage('Open the timeline of…', async (ctx, id) => {
    if (await needApi(ctx)) MessagePanel.createOrShow(ctx.extensionUri, ctx.controller, id, messageActions(ctx));
  }),
  'mailtrapEmulator.messages.loadMore': async (ctx) => ctx.messages?.loadMore(),
  'mailtrapEmulator.messages.refresh': async (ctx) => ctx.messages?.refresh(),
  'mailtrapEmulator.message.openInBrowser': withMessage('Open in the browser…', (ctx, id) => messageActions(ctx).openInBrowser(id)),
  'mailtrapEmulator.message.trigger': withMessage('Trigger an event for…', (ctx, id) => messageActions(ctx).trigger(id)),
  'mailtrapEmulator.message.copyId': withMessage('Copy the id of…', (ctx, id) => messageActions(ctx).copy(id)),
  'mailtrapEmulator.message.showBatches': withMessage('Show the batches of…', (ctx, id) => messageActions(ctx).openInspector(id)),
};
