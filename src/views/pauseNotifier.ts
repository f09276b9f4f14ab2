/**
 * Tells the user when the emulator pauses a webhook after its last retry failed (the `webhook.paused`
 * stream event), as Mailtrap would by email, with a way to look at the failed batch.
 */
import * as vscode from 'vscode';
import type { EmulatorController } from '../emulator/controller';

interface PausedEvent {
  webhookId: number;
  deliveryId: number;
  attempts: number;
  lastError: string | null;
}

export const OPEN_INSPECTOR = 'Open Inspector';
export const RESUME = 'Resume Webhook';

export function watchPausedWebhooks(controller: EmulatorController): vscode.Disposable {
  return controller.onStream(async (m) => {
    if (m.name !== 'webhook.paused' || !m.data || typeof m.data !== 'object') return;
    const e = m.data as PausedEvent;
    const pick = await vscode.window.showWarningMessage(
      `Webhook #${e.webhookId} was paused: all ${e.attempts} attempts of batch #${e.deliveryId} failed${e.lastError ? ` (${e.lastError})` : ''}.`,
      OPEN_INSPECTOR,
      RESUME,
    );
    if (pick === OPEN_INSPECTOR) await vscode.commands.executeCommand('mailtrapEmulator.inspector.open', { kind: 'webhook', webhook: { id: e.webhookId } });
    else if (pick === RESUME) await controller.api?.updateWebhook(e.webhookId, { active: true });
  });
}
