/**
 * Messages and their timelines: every stored message (newest first, paged, only the visible rows
 * in the DOM; the browser's counterpart of the extension's Messages tree), and for the selected
 * one the extension's timeline component (media/src/message.ts) in a frame: its events with their
 * details, the batches that carried them, its tracked HTML, a trigger for any event. Live: new
 * messages and recorded events reload what is shown. All text goes in as text.
 */
import type { MessageSummaryDto } from '../../../emulator/http/dto';
import { h } from '../rpc';
import { VirtualList } from '../virtualList';
import { MessageFrame } from './frames';
import { api, errorText, type LiveStream } from './host';

const ROW_HEIGHT = 28;
const PAGE = 200;

const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');

/** The most telling event so far: a failure beats engagement beats delivery. */
const RANK = ['reject', 'suspension', 'bounce', 'spam', 'unsubscribe', 'soft bounce', 'click', 'open', 'delivery'];
function headline(m: MessageSummaryDto): string {
  return RANK.find((e) => (m.eventCounts as Record<string, number>)[e]) ?? 'queued';
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
  private readonly timeline: MessageFrame;
  private readonly list = new VirtualList({
    rowHeight: ROW_HEIGHT,
    count: () => Math.max(this.total, this.items.length),
    renderRow: (i) => this.row(this.items[i]),
    onRange: (_f, last) => {
      if (last >= this.items.length - 1) void this.loadMore();
    },
  });

  constructor(stream: LiveStream, openInspector: (messageId: string, deliveryId?: number) => void) {
    this.timeline = new MessageFrame(stream, openInspector);
    this.element = h(
      'div',
      { className: 'web-messages', id: 'messages' },
      h('section', { className: 'list-pane' }, h('header', { className: 'toolbar' }, this.search, this.count), this.list.element),
      this.timeline.element,
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
    el.addEventListener('click', () => this.select(m.id));
    return el;
  }

  /** Shows a message's timeline: the extension's timeline component, in the detail frame. */
  select(id: string): void {
    this.selected = id;
    this.list.schedule();
    this.timeline.show(id);
  }
}
