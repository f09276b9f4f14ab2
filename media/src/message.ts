/**
 * A message's timeline: header with status and actions, every event with its time and details,
 * and the webhook batches that carried them. All text goes in with textContent (rpc.ts `h`).
 */
import type { DeliveryDto, EventPayload } from '../../emulator/http/dto';
import type { MessagePanelEvents, MessagePanelInit, MessagePanelMethods, MessageTimeline } from '../../src/protocol/messages';
import { h, Rpc } from './rpc';

const STATUS_LABEL: Record<string, string> = { delivered: 'Delivered', not_delivered: 'Not delivered', enqueued: 'Enqueued', opted_out: 'Opted out' };
/** Fields every event has; the rest are its details. */
const COMMON = new Set(['event', 'message_id', 'event_id', 'timestamp', 'email', 'sending_stream', 'sending_domain_name', 'category', 'custom_variables']);

const app = document.getElementById('app')!;
let messageId = '';
let generation = 0;

const rpc = new Rpc<MessagePanelMethods, MessagePanelEvents>((init: MessagePanelInit & { error?: string }) => {
  messageId = init.messageId;
  void load();
});
rpc.on('show', (init: MessagePanelInit) => {
  messageId = init.messageId;
  void load();
});
rpc.on('changed', () => void load());

const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');

function button(text: string, id: string, onClick: () => Promise<unknown>, secondary = true): HTMLButtonElement {
  const b = h('button', { type: 'button', id, text, className: secondary ? 'secondary' : '' });
  b.addEventListener('click', () => {
    b.disabled = true;
    onClick()
      .catch((err) => {
        b.textContent = `Failed: ${(err as Error).message}`;
        setTimeout(() => (b.textContent = text), 2000);
      })
      .finally(() => (b.disabled = false));
  });
  return b;
}

async function load(): Promise<void> {
  const gen = ++generation;
  const id = messageId;
  let t: MessageTimeline;
  try {
    t = await rpc.request('message.load', { id });
  } catch (err) {
    if (gen === generation) app.replaceChildren(h('p', { className: 'error-text timeline-error', text: (err as Error).message }));
    return;
  }
  if (gen !== generation) return;
  render(t);
}

function detailsOf(e: EventPayload): [string, string][] {
  return Object.entries(e)
    .filter(([k]) => !COMMON.has(k))
    .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
}

function batchLink(d: DeliveryDto | undefined, deliveryId: number): HTMLElement {
  const label = d ? `Batch #${d.id} · ${d.status}${d.lastStatus !== null ? ` ${d.lastStatus}` : ''}` : `Batch #${deliveryId}`;
  return button(label, `batch-${deliveryId}`, () => rpc.request('inspector.open', { messageId, deliveryId }));
}

function render(t: MessageTimeline): void {
  const m = t.message;
  const byId = new Map(t.deliveries.map((d) => [d.id, d]));
  const status = m.status;
  const meta: [string, string][] = [
    ['To', m.recipients.join(', ')],
    ['From', m.from],
    ['Sent', iso(m.createdAt)],
    ['Stream', m.stream],
    ['Category', m.category ?? '—'],
    ['Message ID', m.id],
  ];
  const events = m.events.map((e) => {
    const carriers = t.carriedBy[e.event_id] ?? [];
    const details = detailsOf(e);
    return h(
      'li',
      { className: `ev ev-${e.event.replace(' ', '-')}`, 'data-event-id': e.event_id },
      h('div', { className: 'ev-head' }, h('span', { className: 'badge', text: e.event }), h('span', { className: 'muted', text: iso(e.timestamp * 1000) })),
      details.length ? h('dl', { className: 'meta' }, ...details.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })])) : null,
      h(
        'div',
        { className: 'carriers' },
        ...(carriers.length
          ? [h('span', { className: 'muted', text: 'Carried by ' }), ...carriers.map((id) => batchLink(byId.get(id), id))]
          : [h('span', { className: 'muted', text: 'Not in a webhook batch yet (no matching webhook, or waiting for the batch interval).' })]),
      ),
    );
  });
  const batches = t.deliveries.length
    ? h(
        'table',
        { className: 'batches' },
        h('tr', {}, ...['Batch', 'Webhook', 'Status', 'Events', 'Attempts', ''].map((c) => h('th', { text: c }))),
        ...t.deliveries.map((d) =>
          h(
            'tr',
            {},
            h('td', { text: `#${d.id}` }),
            h('td', { className: 'url', text: d.webhookUrl }),
            h('td', {}, h('span', { className: `badge s-${d.status}`, text: d.status })),
            h('td', { text: `${d.eventCount} × ${d.eventTypes.join(', ')}` }),
            h('td', { text: `${d.attemptCount}${d.lastStatus !== null ? ` (last ${d.lastStatus})` : ''}` }),
            h('td', {}, button('Open in Inspector', `inspect-${d.id}`, () => rpc.request('inspector.open', { messageId, deliveryId: d.id }))),
          ),
        ),
      )
    : h('p', { className: 'muted', text: 'No webhook batch has carried this message\u2019s events yet.' });
  app.replaceChildren(
    h(
      'div',
      { className: 'timeline-page' },
      h('h1', {}, h('span', { text: m.subject ?? '(no subject)' }), ' ', h('span', { id: 'status', className: `badge st-${status}`, text: STATUS_LABEL[status] ?? status })),
      h('dl', { className: 'meta' }, ...meta.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })])),
      h(
        'div',
        { className: 'actions' },
        button('Open in Browser', 'open-browser', () => rpc.request('message.openInBrowser', { id: m.id }), false),
        button('Trigger Event…', 'trigger', () => rpc.request('message.trigger', { id: m.id })),
        button('Copy ID', 'copy-id', () => rpc.request('message.copyId', { id: m.id })),
        button('Open in Inspector', 'open-inspector', () => rpc.request('inspector.open', { messageId: m.id })),
      ),
      h('h2', { text: `Timeline (${m.events.length + 1})` }),
      h(
        'ol',
        { className: 'timeline', id: 'timeline' },
        h('li', { className: 'ev ev-sent' }, h('div', { className: 'ev-head' }, h('span', { className: 'badge', text: 'sent' }), h('span', { className: 'muted', text: iso(m.createdAt) }))),
        ...events,
      ),
      h('h2', { text: `Webhook batches (${t.deliveries.length})` }),
      batches,
    ),
  );
}
