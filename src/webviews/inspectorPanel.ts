/**
 * The payload inspector: batches and attempts, filterable, live from the SSE stream. The webview
 * pages through deliveries on demand and renders only the visible rows.
 */
import * as vscode from 'vscode';
import type { EmulatorController } from '../emulator/controller';
import type { DeliveryFilter, InspectorEvents, InspectorInit, InspectorMethods } from '../protocol/messages';
import { disposeAll, setPanelHtml, webviewOptions } from './basePanel';
import { inspectorHandlers } from './inspectorHandlers';
import { ExpectedError, logUnexpected, RpcHost } from './rpcHost';

export class InspectorPanel {
  private static current: InspectorPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly rpc: RpcHost<InspectorMethods, InspectorEvents>;

  /** `select`: a batch to show at once (its id): a failed webhook test, a message's timeline. */
  static createOrShow(extensionUri: vscode.Uri, controller: EmulatorController, filter: DeliveryFilter = {}, select?: number): InspectorPanel {
    if (InspectorPanel.current) {
      InspectorPanel.current.panel.reveal();
      if (Object.keys(filter).length) InspectorPanel.current.rpc.push('filter', filter);
      if (select !== undefined) InspectorPanel.current.rpc.push('select', select);
      return InspectorPanel.current;
    }
    const panel = vscode.window.createWebviewPanel('mailtrapEmulator.inspector', 'Payload Inspector', vscode.ViewColumn.Active, {
      ...webviewOptions(extensionUri),
      retainContextWhenHidden: true,
    });
    return (InspectorPanel.current = new InspectorPanel(panel, extensionUri, controller, filter, select));
  }

  /**
   * Restores the inspector after a window reload (VS Code keeps the tab and asks its serializer):
   * the panel gets the inspector again, unfiltered, and fills in as soon as the emulator runs.
   */
  static register(extensionUri: vscode.Uri, controller: EmulatorController): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer('mailtrapEmulator.inspector', {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        panel.webview.options = webviewOptions(extensionUri);
        InspectorPanel.current?.dispose();
        InspectorPanel.current = new InspectorPanel(panel, extensionUri, controller, {});
      },
    });
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    controller: EmulatorController,
    filter: DeliveryFilter,
    select?: number,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    const api = () => {
      const a = controller.api;
      if (!a) throw new ExpectedError('The emulator is not running. Start it to see deliveries.');
      return a;
    };
    this.rpc = new RpcHost<InspectorMethods, InspectorEvents>(
      panel.webview,
      inspectorHandlers(
        api,
        (t) => vscode.env.clipboard.writeText(t),
        (message, detail, choices) => vscode.window.showWarningMessage(message, { modal: true, detail }, ...choices),
      ),
      async (): Promise<InspectorInit> => ({
        webhooks: (await controller.api?.listWebhooks().catch(() => [])) ?? [],
        filter,
        select,
        self: controller.ready?.http,
      }),
      (err) => logUnexpected(controller.log, 'inspector', err),
    );
    this.disposables.push(
      this.rpc,
      panel.onDidDispose(() => this.dispose()),
      controller.onStream((m) => {
        if (m.name === 'delivery.created' || m.name === 'delivery.updated') this.rpc.push('delivery', m.data);
        else if (m.name.startsWith('webhook.')) void controller.api?.listWebhooks().then((w) => this.rpc.push('webhooks', w), () => {});
      }),
      // After a restart the list and the open batch are read again (the webview keeps its selection).
      controller.onDidChangeState((s) => s === 'running' && this.rpc.push('reset', controller.ready?.http ?? null)),
    );
    setPanelHtml(panel, extensionUri, 'inspector', 'Payload Inspector');
  }

  dispose(): void {
    if (InspectorPanel.current !== this) return;
    InspectorPanel.current = undefined;
    this.panel.dispose();
    disposeAll(this.disposables);
  }
}
