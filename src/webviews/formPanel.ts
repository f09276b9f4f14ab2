/**
 * Create/edit forms for sending domains and webhooks. One panel per target (a new domain, a new
 * webhook, webhook #id); `createOrShow` reveals an existing one. Validation errors of the
 * emulator's 422 go back to the form field by field.
 */
import * as vscode from 'vscode';
import type { EmulatorApi } from '../emulator/apiClient';
import type { SigningSecrets } from '../emulator/secrets';
import type { FormInit, FormMethods } from '../protocol/messages';
import type { WebhookWire } from '../protocol/wire';
import { disposeAll, setPanelHtml, webviewOptions } from './basePanel';
import { formHandlers } from './formHandlers';
import { logUnexpected, RpcHost } from './rpcHost';

export interface FormDeps {
  extensionUri: vscode.Uri;
  api: EmulatorApi;
  secrets: SigningSecrets;
  log: vscode.LogOutputChannel;
}

export { formHandlers };

export type FormTarget = { kind: 'domain' } | { kind: 'webhook'; webhook?: WebhookWire; domainId?: number | null };

export class FormPanel {
  private static readonly panels = new Map<string, FormPanel>();
  private readonly disposables: vscode.Disposable[] = [];

  static createOrShow(deps: FormDeps, target: FormTarget, onSaved: () => void): FormPanel {
    const key = target.kind === 'domain' ? 'domain.new' : target.webhook ? `webhook.${target.webhook.id}` : 'webhook.new';
    const existing = FormPanel.panels.get(key);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const title = target.kind === 'domain' ? 'New sending domain' : target.webhook ? `Edit webhook #${target.webhook.id}` : 'New webhook';
    // Retained while hidden so a half-filled form survives switching tabs (forms are few and short-lived).
    const panel = vscode.window.createWebviewPanel('mailtrapEmulator.form', title, vscode.ViewColumn.Active, {
      ...webviewOptions(deps.extensionUri),
      retainContextWhenHidden: true,
    });
    const p = new FormPanel(panel, deps, target, key, onSaved);
    FormPanel.panels.set(key, p);
    return p;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    deps: FormDeps,
    target: FormTarget,
    private readonly key: string,
    onSaved: () => void,
  ) {
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'icon.svg');
    const handlers = formHandlers(deps, () => this.dispose(), (t) => vscode.env.clipboard.writeText(t));
    const save = handlers['webhook.save'];
    const createDomain = handlers['domain.create'];
    const rpc = new RpcHost<FormMethods>(
      panel.webview,
      {
        ...handlers,
        'webhook.save': async (v) => {
          const r = await save(v);
          onSaved();
          return r;
        },
        'domain.create': async (v) => {
          const r = await createDomain(v);
          onSaved();
          return r;
        },
      },
      async (): Promise<FormInit> => ({
        kind: target.kind,
        domains: await deps.api.listDomains(),
        webhook: target.kind === 'webhook' ? target.webhook : undefined,
        domainId: target.kind === 'webhook' ? target.domainId : undefined,
        sinkUrl: `${deps.api.baseUrl}/sink/demo`,
      }),
      (err) => logUnexpected(deps.log, 'form', err),
    );
    this.disposables.push(rpc, panel.onDidDispose(() => this.dispose()));
    setPanelHtml(panel, deps.extensionUri, 'form', panel.title);
  }

  dispose(): void {
    if (FormPanel.panels.get(this.key) !== this) return;
    FormPanel.panels.delete(this.key);
    this.panel.dispose();
    disposeAll(this.disposables);
  }

  static disposeAll(): void {
    for (const p of [...FormPanel.panels.values()]) p.dispose();
  }
}
