/**
 * A message's timeline (webview): every event with its time and details, the webhook batches
 * that carried them (a click opens the inspector on that batch, filtered to the message), and
 * the message's actions. One panel, reused for the message picked next; live from the stream.
 */
import * as vscode from 'vscode';
import type { EmulatorController } from '../emulator/controller';
import type { MessagePanelEvents, MessagePanelInit, MessagePanelMethods } from '../protocol/messages';
import { disposeAll, setPanelHtml, webviewOptions } from './basePanel';
import { messageHandlers, type MessageActions } from './messageHandlers';
import { RpcHost } from './rpcHost';

const STREAM_CHANGES = /^(events\.recorded|delivery\.|clock)/;

export class MessagePanel {
  private static current: MessagePanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly rpc: RpcHost<MessagePanelMethods, MessagePanelEvents>;
  private timer: NodeJS.Timeout | undefined;

  static createOrShow(extensionUri: vscode.Uri, controller: EmulatorController, messageId: string, actions: MessageActions): MessagePanel {
    const title = 'Message Timeline';
    if (MessagePanel.current) {
      MessagePanel.current.messageId = messageId;
      MessagePanel.current.panel.reveal();
      MessagePanel.current.rpc.push('show', { messageId } satisfies MessagePanelInit);
      return MessagePanel.current;
    }
    const panel = vscode.window.createWebviewPanel('mailtrapEmulator.message', title, vscode.ViewColumn.Active, {
      ...webviewOptions(extensionUri),
      retainContextWhenHidden: true,
    });
    return (MessagePanel.current = new MessagePanel(panel, extensionUri, controller, messageId, actions));
  }

  /** The open panel's message (for tests and commands). */
  static get shown(): string | undefined {
    return MessagePanel.current?.messageId;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    controller: EmulatorController,
    private messageId: string,
    actions: MessageActions,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    const api = () => {
      const a = controller.api;
      if (!a) throw new Error('The emulator is not running. Start it to see this message.');
      return a;
    };
    this.rpc = new RpcHost<MessagePanelMethods, MessagePanelEvents>(
      panel.webview,
      messageHandlers(api, actions),
      (): MessagePanelInit => ({ messageId: this.messageId }),
      (err) => controller.log.error(`[timeline] ${(err as Error)?.stack ?? String(err)}`),
    );
    this.disposables.push(
      this.rpc,
      panel.onDidDispose(() => this.dispose()),
      controller.onStream((m) => {
        if (!STREAM_CHANGES.test(m.name)) return;
        // A burst (a replay, a clock jump) is one reload.
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.rpc.push('changed', null), 200);
      }),
      controller.onDidChangeState((s) => s === 'running' && this.rpc.push('changed', null)),
    );
    setPanelHtml(panel, extensionUri, 'message', 'Message Timeline');
  }

  dispose(): void {
    if (MessagePanel.current !== this) return;
    MessagePanel.current = undefined;
    clearTimeout(this.timer);
    this.panel.dispose();
    disposeAll(this.disposables);
  }
}
