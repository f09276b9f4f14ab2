/**
 * Tells the user when the emulator pauses a webhook after its last retry failed (the stream's
 * `webhook.paused`, which carries the webhook), as Mailtrap would by email: the webhook is named
 * as the tree shows it, **Resume** resumes it and **Open Inspector** shows its batches.
 */
import * as vscode from 'vscode';
import type { WebhookPausedDto } from '../../emulator/http/dto';
import type { EmulatorController } from '../emulator/controller';
import type { Node } from './treeProvider';
import { webhookLabel } from './format';

export const OPEN_INSPECTOR = 'Open Inspector';
export const RESUME = 'Resume Webhook';

/** `self`: the emulator's API URL, so a webhook on it is named by its path, as in the tree. */
export function pausedMessage(e: WebhookPausedDto, self?: string): string {
  const attempts = `${e.attempts} attempt${e.attempts === 1 ? '' : 's'}`;
  return `Webhook ${webhookLabel(e.webhook.url, self)} (#${e.webhook.id}) was paused: batch #${e.deliveryId} failed after ${attempts}${e.lastError ? ` (${e.lastError})` : ''}.`;
}

export function watchPausedWebhooks(controller: EmulatorController): vscode.Disposable {
  return controller.onStream(async (m) => {
    if (m.name !== 'webhook.paused') return;
    const pick = await vscode.window.showWarningMessage(pausedMessage(m.data, controller.ready?.http), OPEN_INSPECTOR, RESUME);
    // The tree's own commands, given the webhook as its node: same behaviour and error messages as its context menu.
    const node: Node = { kind: 'webhook', webhook: m.data.webhook };
    if (pick === OPEN_INSPECTOR) await vscode.commands.executeCommand('mailtrapEmulator.inspector.open', node);
    else if (pick === RESUME) await vscode.commands.executeCommand('mailtrapEmulator.webhook.resume', node);
  });
}
