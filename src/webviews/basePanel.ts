/** Shared plumbing of the webview panels: options limited to media/, HTML shell, disposal. */
import * as vscode from 'vscode';
import { nonce, pageHtml } from './html';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** `bundle` is the name of a built file pair in media/dist (`form` → form.js). */
export function setPanelHtml(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, bundle: string, title: string): void {
  const w = panel.webview;
  const media = (f: string) => w.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', f)).toString();
  w.html = pageHtml({ title, cspSource: w.cspSource, nonce: nonce(), scriptUri: media(`dist/${bundle}.js`), styleUri: media('webview.css') });
}

export function disposeAll(list: vscode.Disposable[]): void {
  while (list.length) list.pop()?.dispose();
}
