/**
 * The components of media/ (payload inspector, message timeline, domain and webhook forms) in
 * frames of this page, each served by the extension's own handler table through the browser host
 * (host.ts). Where the extension asks through VS Code's UI (a quick pick), the page asks itself.
 */
import type {
  DeliveryFilter,
  FormInit,
  FormMethods,
  InspectorEvents,
  InspectorInit,
  InspectorMethods,
  MessagePanelEvents,
  MessagePanelInit,
  MessagePanelMethods,
} from '../../../src/protocol/messages';
import { PAYLOAD_EVENT_NAMES, type WebhookWire } from '../../../src/protocol/wire';
import { formHandlers } from '../../../src/webviews/formHandlers';
import { inspectorHandlers } from '../../../src/webviews/inspectorHandlers';
import { messageHandlers } from '../../../src/webviews/messageHandlers';
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

  filter(f: DeliveryFilter, select?: number): void {
    this.rpc.push('filter', f);
    if (select !== undefined) this.rpc.push('select', select);
  }
}

/** A message's timeline; the frame is made on the first `show` (the component needs a message). */
export class MessageFrame {
  readonly element = h('section', { id: 'm-detail', className: 'detail framed-detail' }, h('p', { className: 'muted', text: 'Select a message to see its timeline.' }));
  private rpc: ReturnType<typeof frameHost<MessagePanelMethods, MessagePanelEvents>> | undefined;
  private messageId = '';
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    stream: LiveStream,
    private readonly openInspector: (messageId: string, deliveryId?: number) => void,
  ) {
    stream.on((m) => {
      if (!this.rpc || !/^(events\.recorded|delivery\.|clock)/.test(m.name)) return;
      // A burst (a replay, a clock jump) is one reload, as in the extension's panel.
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.rpc?.push('changed', null), 200);
    });
  }

  show(messageId: string): void {
    this.messageId = messageId;
    if (this.rpc) return this.rpc.push('show', { messageId });
    const iframe = h('iframe', { id: 'message-frame', title: 'Message timeline', src: '/ui/message' });
    this.element.replaceChildren(iframe);
    this.rpc = frameHost<MessagePanelMethods, MessagePanelEvents>(
      iframe,
      messageHandlers(() => api, {
        openInBrowser: async (id) => void window.open(`/emulator/messages/${encodeURIComponent(id)}/html`, '_blank', 'noopener,noreferrer'),
        trigger: async (id) => {
          const type = await pickEventType();
          if (type) await api.triggerEvent({ type, message_id: id });
        },
        copy: copyText,
        openInspector: async (id, deliveryId) => this.openInspector(id, deliveryId),
      }),
      (): MessagePanelInit => ({ messageId: this.messageId }),
    );
  }
}

/** The browser's stand-in for the extension's quick pick of an event type. */
function pickEventType(): Promise<string | undefined> {
  return new Promise((resolve) => {
    const select = h('select', { id: 'trigger-type', 'aria-label': 'Event type' }, ...PAYLOAD_EVENT_NAMES.map((e) => h('option', { value: e, text: e })));
    const ok = h('button', { type: 'submit', id: 'trigger-ok', text: 'Trigger' });
    const cancel = h('button', { type: 'button', className: 'secondary', id: 'trigger-cancel', text: 'Cancel' });
    const form = h('form', { className: 'form' }, h('h1', { text: 'Trigger an event' }), select, h('div', { className: 'actions' }, ok, cancel));
    const dialog = h('dialog', { className: 'web-dialog small', id: 'trigger-dialog' }, form);
    let answer: string | undefined;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      answer = select.value;
      dialog.close();
    });
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    select.focus();
  });
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
