/**
 * The components of media/ (payload inspector, domain and webhook forms) in frames of this page,
 * each served by the extension's own handler table through the browser host (host.ts).
 */
import type { DeliveryFilter, FormInit, FormMethods, InspectorEvents, InspectorInit, InspectorMethods } from '../../../src/protocol/messages';
import type { WebhookWire } from '../../../src/protocol/wire';
import { formHandlers } from '../../../src/webviews/formHandlers';
import { inspectorHandlers } from '../../../src/webviews/inspectorHandlers';
import { h } from '../rpc';
import { api, copyText, frameHost, type LiveStream } from './host';

/** The inspector, live: new and updated batches and the webhook list are pushed as in VS Code. */
export class InspectorFrame {
  readonly element: HTMLIFrameElement = h('iframe', { id: 'inspector-frame', title: 'Payload inspector', src: '/ui/inspector' });
  private readonly rpc;

  constructor(stream: LiveStream) {
    this.rpc = frameHost<InspectorMethods, InspectorEvents>(
      this.element,
      inspectorHandlers(() => api, copyText),
      async (): Promise<InspectorInit> => ({ webhooks: await api.listWebhooks().catch(() => []), filter: {} }),
    );
    let connected = false;
    stream.on((m) => {
      // A `hello` after the first is a reconnect (the emulator may have restarted): reload.
      if (m.name === 'hello') return void (connected ? this.rpc.push('reset', null) : (connected = true));
      if (m.name === 'delivery.created' || m.name === 'delivery.updated') this.rpc.push('delivery', m.data);
      else if (m.name.startsWith('webhook.')) void api.listWebhooks().then((w: WebhookWire[]) => this.rpc.push('webhooks', w), () => {});
    });
  }

  filter(f: DeliveryFilter): void {
    this.rpc.push('filter', f);
  }
}

export type FormTarget = { kind: 'domain' } | { kind: 'webhook'; webhook?: WebhookWire; domainId?: number | null };

/** A form in a modal dialog; closed by its Cancel/Done (the protocol's `panel.close`) or Escape. */
export function openForm(target: FormTarget, onSaved: () => void): void {
  const iframe = h('iframe', { id: 'form-frame', title: target.kind === 'domain' ? 'New sending domain' : 'Webhook', src: '/ui/form' });
  const dialog = h('dialog', { className: 'web-dialog', id: 'form-dialog' }, iframe);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    rpc.dispose();
    if (dialog.open) dialog.close();
    dialog.remove();
  };
  dialog.addEventListener('close', close);
  const handlers = formHandlers({ api, secrets: { set: async () => {} } }, close, copyText);
  const rpc = frameHost<FormMethods>(
    iframe,
    {
      ...handlers,
      'domain.create': async (p) => {
        const r = await handlers['domain.create'](p);
        onSaved();
        return r;
      },
      'webhook.save': async (p) => {
        const r = await handlers['webhook.save'](p);
        onSaved();
        return r;
      },
    },
    async (): Promise<FormInit> => ({
      kind: target.kind,
      domains: await api.listDomains(),
      webhook: target.kind === 'webhook' ? target.webhook : undefined,
      domainId: target.kind === 'webhook' ? target.domainId : undefined,
      sinkUrl: `${location.origin}/sink/demo`,
    }),
  );
  document.body.append(dialog);
  dialog.showModal();
}
