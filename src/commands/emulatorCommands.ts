/** Emulator lifecycle, the status-bar menu, snippets and the clock. */
import * as vscode from 'vscode';
import { SECTION } from '../settings';
import { formatDuration, parseDuration } from '../views/format';
import { needApi, showFailure, type CommandContext, type Handler } from './context';
import { snippet, type SnippetKind } from './snippets';

export const ADVANCE_CHOICES = [
  { label: '+30 seconds', seconds: 30, detail: 'one batch interval' },
  { label: '+5 minutes', seconds: 300, detail: 'one retry interval' },
  { label: '+1 hour', seconds: 3600 },
  { label: 'Custom…', seconds: 0, detail: 'e.g. 90, 45s, 10m, 1h30m, 2d' },
];

async function advance(ctx: CommandContext, seconds?: number): Promise<void> {
  const api = await needApi(ctx);
  if (!api) return;
  let s = typeof seconds === 'number' ? seconds : undefined;
  if (s === undefined) {
    const pick = await vscode.window.showQuickPick(ADVANCE_CHOICES, { placeHolder: 'Advance the virtual clock by…' });
    if (!pick) return;
    s = pick.seconds;
    if (!s) {
      const text = await vscode.window.showInputBox({
        prompt: 'Advance the virtual clock by (seconds, or with units: 45s, 10m, 1h30m, 2d)',
        validateInput: (v) => (parseDuration(v) ? undefined : 'Enter a positive duration like 90, 10m or 1h30m'),
      });
      if (!text) return;
      s = parseDuration(text)!;
    }
  }
  try {
    const r = await api.advanceClock(s);
    vscode.window.setStatusBarMessage(`$(watch) Clock advanced ${formatDuration(s)} → ${r.clock.iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}`, 4000);
  } catch (err) {
    await showFailure('Advancing the clock', err);
  }
}

async function copySnippet(ctx: CommandContext, kind?: SnippetKind): Promise<void> {
  const ready = (await ctx.controller.start()) ?? undefined;
  if (!ready) return;
  const k =
    kind ??
    (
      await vscode.window.showQuickPick(
        [
          { label: 'nodemailer (SMTP)', snippet: 'nodemailer' as const },
          { label: 'mailtrap SDK (HTTP API)', snippet: 'mailtrap' as const },
          { label: '.env variables', snippet: 'env' as const },
        ],
        { placeHolder: 'Copy settings for…' },
      )
    )?.snippet;
  if (!k) return;
  await vscode.env.clipboard.writeText(snippet(k, ready));
  void vscode.window.showInformationMessage(`Copied the ${k} settings for the emulator (contains its token).`);
}

/** The token apps authenticate with (Bearer / Api-Token, SMTP password): copied, never shown in a notification. */
async function copyToken(ctx: CommandContext): Promise<void> {
  const ready = await ctx.controller.start();
  if (!ready) return;
  await vscode.env.clipboard.writeText(ready.token);
  const { sharedWith } = ctx.controller.ownership;
  void vscode.window.showInformationMessage(
    `Copied the API token of ${sharedWith ? `the emulator shared with the window "${sharedWith}"` : "this window's emulator"} (${ready.http}). ` +
      'Send it as "Authorization: Bearer <token>" or "Api-Token: <token>"; it is also the SMTP password of user "api".',
  );
}

/**
 * The emulator's web UI in the default browser, logged in: a fresh one-time link each time (the
 * ready line's link works once). asExternalUri forwards the port under remote development.
 */
async function openInBrowser(ctx: CommandContext): Promise<void> {
  const api = await needApi(ctx);
  if (!api) return;
  try {
    const link = vscode.Uri.parse(await api.webUiLink());
    await vscode.env.openExternal(await vscode.env.asExternalUri(link));
  } catch (err) {
    await showFailure('Opening the web UI', err);
  }
}

async function menu(ctx: CommandContext): Promise<void> {
  const running = ctx.controller.state === 'running';
  const items: (vscode.QuickPickItem & { command: string })[] = running
    ? [
        { label: '$(debug-restart) Restart emulator', command: 'mailtrapEmulator.emulator.restart' },
        { label: '$(debug-stop) Stop emulator', command: 'mailtrapEmulator.emulator.stop' },
        { label: '$(inspect) Open payload inspector', command: 'mailtrapEmulator.inspector.open' },
        { label: '$(globe) Open in browser', command: 'mailtrapEmulator.browser.open' },
        { label: '$(mail) Send test email…', command: 'mailtrapEmulator.mail.sendTest' },
        { label: '$(watch) Advance clock…', command: 'mailtrapEmulator.clock.advance' },
        { label: '$(copy) Copy SMTP / API settings…', command: 'mailtrapEmulator.settings.copySnippet' },
        { label: '$(key) Copy API token', command: 'mailtrapEmulator.settings.copyToken' },
      ]
    : [{ label: '$(play) Start emulator', command: 'mailtrapEmulator.emulator.start' }];
  items.push({ label: '$(output) Show logs', command: 'mailtrapEmulator.emulator.showLogs' }, { label: '$(gear) Settings', command: 'mailtrapEmulator.emulator.openSettings' });
  const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Mailtrap emulator' });
  if (pick) await vscode.commands.executeCommand(pick.command);
}

export const emulatorCommands: Record<string, Handler> = {
  'mailtrapEmulator.emulator.start': (ctx) => ctx.controller.start(),
  'mailtrapEmulator.emulator.stop': (ctx) => ctx.controller.stop(),
  'mailtrapEmulator.emulator.restart': (ctx) => ctx.controller.restart(),
  'mailtrapEmulator.emulator.menu': menu,
  'mailtrapEmulator.browser.open': openInBrowser,
  'mailtrapEmulator.emulator.showLogs': (ctx) => ctx.controller.log.show(true),
  'mailtrapEmulator.emulator.openSettings': () => vscode.commands.executeCommand('workbench.action.openSettings', SECTION),
  'mailtrapEmulator.tree.refresh': (ctx) => ctx.tree.refresh(),
  'mailtrapEmulator.clock.advance': (ctx, seconds?: unknown) => advance(ctx, typeof seconds === 'number' ? seconds : undefined),
  'mailtrapEmulator.settings.copyToken': copyToken,
  'mailtrapEmulator.settings.copySnippet': (ctx, kind?: unknown) => copySnippet(ctx, typeof kind === 'string' ? (kind as SnippetKind) : undefined),
};
