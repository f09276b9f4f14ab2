/** Activation: wiring only. Nothing heavy runs here; the emulator starts after activation when autoStart is on. */
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { EmulatorController } from './emulator/controller';
import { SigningSecrets } from './emulator/secrets';
import { watchPausedWebhooks } from './views/pauseNotifier';
import { EmulatorStatusBar } from './views/statusBar';
import { EmulatorTreeProvider } from './views/treeProvider';
import { MessagesTreeProvider } from './views/messagesProvider';
import { FormPanel } from './webviews/formPanel';
import { InspectorPanel } from './webviews/inspectorPanel';

let controller: EmulatorController | undefined;

/**
 * What `activate` returns (the extension's `exports`): a handle for the extension-host tests, which
 * check the supervised process, the tree's nodes and deactivation against the real VS Code.
 * Not a public API: nothing else should depend on it.
 */
export interface ExtensionExports {
  controller: EmulatorController;
  tree: EmulatorTreeProvider;
  messages: MessagesTreeProvider;
  deactivate(): Promise<void>;
}

export function activate(context: vscode.ExtensionContext): ExtensionExports {
  const log = vscode.window.createOutputChannel('Mailtrap Emulator', { log: true });
  controller = new EmulatorController(
    { extensionPath: context.extensionUri.fsPath, workspaceStorage: context.storageUri?.fsPath, globalStorage: context.globalStorageUri.fsPath, workspaceName: vscode.workspace.name },
    log,
  );
  const secrets = new SigningSecrets(context.secrets);
  const tree = new EmulatorTreeProvider(controller, secrets);
  const view = vscode.window.createTreeView('mailtrapEmulator.tree', { treeDataProvider: tree, showCollapseAll: false });
  const c = controller;
  const messages = new MessagesTreeProvider(c);
  const messagesView = vscode.window.createTreeView('mailtrapEmulator.messages', { treeDataProvider: messages });
  context.subscriptions.push(
    messages,
    messagesView,
    log,
    c,
    tree,
    view,
    new EmulatorStatusBar(c),
    watchPausedWebhooks(c),
    ...registerCommands({ extensionUri: context.extensionUri, controller: c, tree, secrets, messages }),
    c.onDidChangeState(async (s) => {
      const ready = c.ready;
      if (s !== 'running' || !ready) return;
      // The emulator may stop while this runs: use the ready line captured above.
      const ids = (await c.api?.listWebhooks().catch(() => []))?.map((w) => w.id) ?? [];
      await secrets.useScope(ready.dataDir, ids);
      tree.refresh();
    }),
    { dispose: () => FormPanel.disposeAll() },
    InspectorPanel.register(context.extensionUri, c),
  );
  void vscode.commands.executeCommand('setContext', 'mailtrapEmulator.state', 'stopped');
  if (c.settings().autoStart) void c.start();
  return { controller: c, tree, messages, deactivate };
}

export async function deactivate(): Promise<void> {
  await controller?.stop();
  controller = undefined;
}
