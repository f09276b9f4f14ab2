/** The one table of command id → handler; registration wraps each so a failure becomes a message, not a silent rejection. */
import * as vscode from 'vscode';
import { logUnexpected } from '../webviews/rpcHost';
import { checkCommands } from './checkCommands';
import type { CommandContext, Handler } from './context';
import { emulatorCommands } from './emulatorCommands';
import { mailCommands } from './mailCommands';
import { messageCommands } from './messageCommands';
import { webhookCommands } from './webhookCommands';

export const COMMANDS: Readonly<Record<string, Handler>> = Object.freeze({ ...emulatorCommands, ...webhookCommands, ...mailCommands, ...messageCommands, ...checkCommands });

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(ctx, ...args);
      } catch (err) {
        logUnexpected(ctx.controller.log, `commands] [${id}`, err);
        void vscode.window.showErrorMessage(`Mailtrap emulator: ${(err as Error)?.message ?? String(err)}`);
      }
    }),
  );
}
