/**
 * Messages and their timelines: every stored message (newest first, paged, only the visible rows
 * in the DOM), and for the selected one its events in order with their details, a link to its
 * tracked HTML (live opens and clicks), its batches in the inspector, and a trigger for any event.
 * Live: new messages and recorded events reload what is shown. All text goes in as text.
 */
import type { EventPayload, MessageDto, MessageSummaryDto } from '../../../emulator/http/dto';
import { PAYLOAD_EVENT_NAMES } from '../../../src/protocol/wire';
import { h } from '../rpc';
import { VirtualList } from '../virtualList';
import { api, copyText, errorText, type LiveStream } from './host';

const ROW_HEIGHT = 28;
const PAGE = 200;

const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');

/** The most telling event so far: a failure beats engagement beats delivery. */
const RANK = ['reject', 'suspension', 'bounce', 'spam', 'unsubscribe', 'soft bounce', 'click', 'open', 'delivery'];
function headline(m: MessageSummaryDto): string {
  return RANK.find((e) => (m.eventCounts as Record<string, number>)[e]) ?? 'queued';
}

function details(e: EventPayload): string {
  const p = e as unknown as Record<string, unknown>;
  const parts: string[] = [];
  // Mailtrap's `response` usually starts with the code already ("550 5.1.1 …").
  if (p.response !== undefined) parts.push(String(p.response).startsWith(String(p.response_code ?? '')) ? String(p.response) : `${p.response_code} ${p.response}`);
  else if (p.response_code !== undefined) parts.push(String(p.response_code));
  if (p.bounce_category) parts.push(`category ${p.bounce_category}`);
  if (p.reason) parts.push(String(p.reason));
  if (p.url) parts.push(String(p.url));
  if (p.user_agent) parts.push(String(p.user_agent));
  return parts.join(' · ');
}

export class MessagesView {
  readonly element: HTMLElement;
  private items: MessageSummaryDto[] = [];
  private total = 0;
  private nextBefore: number | null = null;
  private loading = false;
  private generation = 0;
  private selected: string | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly search = h('input', { id: 'm-search', type: 'search', placeholder: 'Recipient email', 'aria-label': 'Recipient email' });
  private readonly count = h('span', { id: 'm-count', className: 'muted' });
  private readonly detail = h('section', { id: 'm-detail', className: 'detail' }, h('p', { className: 'muted', text: 'Select a message to see its timeline.' }));
  private readonly list = new VirtualList({
    rowHeight: ROW_HEIGHT,
    count: () => Math.max(this.total, this.items.length),
    renderRow: (i) => this.row(this.items[i]),
    onRange: (_f, last) => {
      if (last >= this.items.length - 1) void this.loadMore();
    },
  });

  constructor(
    stream: LiveStream,
    private readonly openBatches: (messageId: string) => void,
  ) {
    this.element = h(
      'div',
      { className: 'web-messages', id: 'messages' },
      h('section', { className: 'list-pane' }, h('header', { className: 'toolbar' }, this.search, this.count), this.list.element),
      this.detail,
    );
    let t: ReturnType<typeof setTimeout> | undefined;
    this.search.addEventListener('input', () => {
      clearTimeout(t);
      t = setTimeout(() => void this.reload(), 250);
    });
    stream.on((m) => {
      if (m.name === 'message.created' || m.name === 'events.recorded') this.schedule();
    });
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.refreshTop();
    }, 300);
  }

  async reload(): Promise<void> {
    const gen = ++this.generation;
    this.items = [];
    this.total = 0;
    this.nextBefore = null;
    this.loading = false;
    await this.loadPage(gen, undefined);
  }

  /** Live update: the newest page again, merged in place (new messages on top, counts updated). */
  private async refreshTop(): Promise<void> {
    if (!this.items.length) return this.reload();
    const gen = this.generation;
    const page = await api.listMessages({ email: this.search.value.trim() || undefined, limit: PAGE }).catch(() => null);
    if (!page || gen !== this.generation) return;
    const byId = new Map(page.data.map((m) => [m.id, m]));
    this.items = this.items.map((m) => byId.get(m.id) ?? m);
    const known = new Set(this.items.map((m) => m.id));
    this.items.unshift(...page.data.filter((m) => !known.has(m.id)));
    this.total = Math.max(page.total, this.items.length);
    this.updateCount();
    this.list.schedule();
    if (this.selected && byId.has(this.selected)) void this.select(this.selected);
  }

  private async loadMore(): Promise<void> {
    if (this.loading || this.nextBefore === null) return;
    await this.loadPage(this.generation, this.nextBefore);
  }

  private async loadPage(gen: number, before: number | undefined): Promise<void> {
    this.loading = true;
    try {
      const page = await api.listMessages({ email: this.search.value.trim() || undefined, before, limit: PAGE });
      if (gen !== this.generation) return;
      const seen = new Set(this.items.map((m) => m.id));
      this.items.push(...page.data.filter((m) => !seen.has(m.id)));
      this.total = Math.max(page.total, this.items.length);
      this.nextBefore = page.next_before;
    } catch (err) {
      if (gen !== this.generation) return;
      this.count.textContent = errorText(err);
      this.nextBefore = null;
      return;
    } finally {
      if (gen === this.generation) this.loading = false;
    }
    this.updateCount();
    this.list.render();
  }

  private updateCount(): void {
    this.count.textContent = `${this.total} message${this.total === 1 ? '' : 's'}`;
  }

  private row(m: MessageSummaryDto | undefined): HTMLElement {
    if (!m) return h('div', { className: 'row placeholder', text: 'Loading…' });
    const head = headline(m);
    const el = h(
      'div',
      { className: `row${m.id === this.selected ? ' selected' : ''}`, role: 'option', 'data-message-id': m.id, 'aria-selected': m.id === this.selected ? 'true' : 'false' },
      h('span', { className: `badge e-${head.replace(' ', '-')}`, text: head }),
      h('span', { className: 'subject', text: m.subject ?? '(no subject)' }),
      h('span', { className: 'to', text: m.recipients.join(', ') }),
      h('span', { className: 'time', text: time(m.createdAt) }),
    );
    el.addEventListener('click', () => void this.select(m.id));
    return el;
  }

  async select(id: string): Promise<void> {
    this.selected = id;
    this.list.schedule();
    let m: MessageDto;
    try {
      m = await api.getMessage(id);
    } catch (err) {
      this.detail.replaceChildren(h('p', { className: 'error-text', text: errorText(err) }));
      return;
    }
    if (this.selected !== id) return;
    const meta: [string, string][] = [
      ['Message id', m.id],
      ['From', m.from],
      ['To', m.recipients.join(', ')],
      ['Stream', m.stream],
      ['Created', time(m.createdAt)],
    ];
    if (m.category) meta.push(['Category', m.category]);
    if (m.customVariables) meta.push(['Custom variables', JSON.stringify(m.customVariables)]);
    const trigger = h('select', { id: 'm-trigger-type', 'aria-label': 'Event type' }, ...PAYLOAD_EVENT_NAMES.map((e) => h('option', { value: e, text: e })));
    const result = h('span', { id: 'm-result', className: 'web-result', role: 'status' });
    const act = (label: string, id2: string, run: () => Promise<string>) => {
      const b = h('button', { type: 'button', className: 'secondary', id: id2, text: label });
      b.addEventListener('click', () => {
        b.disabled = true;
        run()
          .then((t) => ((result.textContent = t), (result.className = 'web-result ok-text')))
          .catch((err) => ((result.textContent = errorText(err)), (result.className = 'web-result error-text')))
          .finally(() => (b.disabled = false));
      });
      return b;
    };
    const events = [...m.events].sort((a, b) => a.timestamp - b.timestamp);
    this.detail.replaceChildren(
      h('h2', { text: m.subject ?? '(no subject)' }),
      h('dl', { className: 'meta' }, ...meta.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })])),
      h(
        'div',
        { className: 'actions' },
        h('a', { href: `/emulator/messages/${encodeURIComponent(m.id)}/html`, target: '_blank', rel: 'noopener noreferrer', id: 'm-open-html', text: 'Open HTML (live tracking)' }),
        act('Batches in inspector', 'm-batches', async () => (this.openBatches(m.id), '')),
        act('Copy id', 'm-copy-id', async () => (await copyText(m.id), 'Copied')),
        trigger,
        act('Trigger', 'm-trigger', async () => `Triggered ${(await api.triggerEvent({ type: trigger.value, message_id: m.id })).data.event}`),
        result,
      ),
      h('h3', { text: `Timeline (${events.length})` }),
      events.length
        ? h(
            'ol',
            { className: 'timeline', id: 'm-timeline' },
            ...events.map((e) =>
              h(
                'li',
                { 'data-event': e.event },
                h('span', { className: 'muted', text: time(e.timestamp * 1000) }),
                h('span', {}, h('span', { className: `badge e-${e.event.replace(' ', '-')}`, text: e.event })),
                h('span', { text: `${e.email}${details(e) ? ` · ${details(e)}` : ''}` }),
              ),
            ),
          )
        : h('p', { className: 'muted', text: 'No event yet: lifecycle events come seconds apart on the virtual clock (advance it).' }),
    );
  }
}
