/** Status bar item: state, ports and pending deliveries; a click opens the emulator's quick menu. */
import * as vscode from 'vscode';
import type { EmulatorController } from '../emulator/controller';

export class EmulatorStatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private pending: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly controller: EmulatorController,
    private readonly debounceMs = 300,
  ) {
    this.item = vscode.window.createStatusBarItem('mailtrapEmulator.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Mailtrap Emulator';
    this.item.command = 'mailtrapEmulator.emulator.menu';
    this.disposables.push(
      this.item,
      controller.onDidChangeState(() => {
        this.pending = undefined;
        this.render();
        if (controller.state === 'running') this.schedulePendingRefresh();
      }),
      controller.onStream((m) => {
        if (m.name.startsWith('delivery') || m.name === 'clock.advanced' || m.name === 'hello') this.schedulePendingRefresh();
      }),
    );
    this.render();
    this.item.show();
  }

  private schedulePendingRefresh(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refreshPending(), this.debounceMs);
  }

  async refreshPending(): Promise<void> {
    const status = await this.controller.api?.status().catch(() => undefined);
    this.pending = status?.pendingDeliveries;
    this.render();
  }

  render(): void {
    const { state, ready } = this.controller;
    if (state === 'running' && ready) {
      const pending = this.pending ? ` · ${this.pending} pending` : '';
      const { sharedWith, portNote } = this.controller.ownership;
      const whose = sharedWith ? `the emulator of the VS Code window "${sharedWith}" (same data location), shared` : "this window's emulator";
      this.item.text = `$(mail) Mailtrap${sharedWith ? ' (shared)' : ''} :${ready.httpPort} · SMTP ${ready.smtpPort}${pending}`;
      this.item.tooltip = [
        `Mailtrap: ${whose}`,
        `API ${ready.http}`,
        `SMTP 127.0.0.1:${ready.smtpPort}`,
        portNote,
        pending ? `${this.pending} deliveries pending` : undefined,
        'Click for actions',
      ].filter(Boolean).join('\n');
      this.item.backgroundColor = undefined;
    } else if (state === 'starting' || state === 'stopping') {
      this.item.text = `$(loading~spin) Mailtrap ${state}…`;
      this.item.tooltip = `Mailtrap emulator ${state}`;
    } else if (this.controller.lastFailure) {
      this.item.text = '$(error) Mailtrap failed';
      this.item.tooltip = `${this.controller.lastFailure}\nClick for actions`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else {
      this.item.text = '$(circle-slash) Mailtrap stopped';
      this.item.tooltip = 'Mailtrap emulator stopped. Click for actions';
      this.item.backgroundColor = undefined;
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
