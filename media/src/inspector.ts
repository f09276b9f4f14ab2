/**
 * The payload inspector: a filter bar, a virtual list of batches (paged from the host on demand,
 * live-updated from pushed events) and a detail pane with payload, attempts, headers and response.
 */
import type { AttemptDto, DeliveryDto, DeliverySummaryDto, Page } from '../../emulator/http/dto';
import type { DeliveryFilter, InspectorEvents, InspectorInit, InspectorMethods } from '../../src/protocol/messages';
import { eventLabel } from '../../src/protocol/eventLabels';
import { basicAuthUser, displayUrl, webhookLabel } from '../../src/protocol/webhookUrl';
import { DELIVERY_STATUSES, PAYLOAD_EVENT_NAMES, type WebhookWire } from '../../src/protocol/wire';
import { jsonView } from './jsonView';
import { h, Rpc } from './rpc';
import { VirtualList } from './virtualList';

const ROW_HEIGHT = 28;
const PAGE = 500;

const app = document.getElementById('app')!;
let webhooks: WebhookWire[] = [];
let filter: DeliveryFilter = {};
/** List rows need only the summary: pages bring whole deliveries, the stream summaries. */
let items: DeliverySummaryDto[] = [];
let total = 0;
let nextBefore: number | null = null;
let loading = false;
let generation = 0;
let selectedId: number | null = null;
let errorText = '';
/** The emulator's API URL: webhook URLs on it are shown by their path. */
let self: string | undefined;

const rpc = new Rpc<InspectorMethods, InspectorEvents>((init: InspectorInit & { error?: string }) => {
  webhooks = init.webhooks ?? [];
  filter = init.filter ?? {};
  self = init.self;
  buildLayout();
  void reload().then(() => (init.select !== undefined ? select(init.select) : undefined));
});

const els = {
  webhook: h('select', { id: 'f-webhook', 'aria-label': 'Webhook' }),
  status: h('select', { id: 'f-status', 'aria-label': 'Status' }),
  event: h('select', { id: 'f-event', 'aria-label': 'Event type' }),
  search: h('input', {
    id: 'f-search',
    type: 'search',
    placeholder: 'Search: email, domain, message id, #batch',
    title: 'Part of an email address or its domain, the start of a message id, or a batch number (#12)',
    'aria-label': 'Search by email, domain, message id or batch number',
  }),
  count: h('span', { id: 'count', className: 'muted' }),
  detail: h('section', { id: 'detail', className: 'detail' }),
};

const list = new VirtualList({
  rowHeight: ROW_HEIGHT,
  count: () => Math.max(total, items.length),
  renderRow: (i) => row(items[i]),
  onRange: (_first, last) => {
    if (last >= items.length - 1) void loadMore();
  },
});

function options(sel: HTMLSelectElement, opts: [string, string][], value: string): void {
  sel.replaceChildren(...opts.map(([v, label]) => h('option', { value: v, text: label })));
  sel.value = value;
}

function fillWebhookOptions(): void {
  // Never the URL as stored: it may carry a basic-auth password.
  options(els.webhook, [['', 'All webhooks'], ...webhooks.map((w): [string, string] => [String(w.id), webhookOption(w)])], String(filter.webhook_id ?? ''));
}

function webhookOption(w: WebhookWire): string {
  const user = basicAuthUser(w.url);
  return `#${w.id} ${webhookLabel(w.url, self)}${user ? ` (basic auth: ${user})` : ''}`;
}

/** Fills the controls from `filter` and lays the page out; safe to call again (no listeners here). */
function buildLayout(): void {
  fillWebhookOptions();
  options(els.status, [['', 'Any status'], ...DELIVERY_STATUSES.map((s): [string, string] => [s, s])], filter.status ?? '');
  options(els.event, [['', 'Any event'], ...PAYLOAD_EVENT_NAMES.map((s): [string, string] => [s, eventLabel(s)])], filter.event ?? '');
  els.search.value = filter.search ?? '';
  els.detail.replaceChildren(h('p', { className: 'muted', text: 'Select a batch to see its payload and attempts.' }));
  app.replaceChildren(
    h('header', { className: 'toolbar' }, els.webhook, els.status, els.event, els.search, els.count),
    h('main', { className: 'split' }, h('section', { className: 'list-pane' }, list.element), els.detail),
  );
}

/** Listeners, wired once for the page's life. */
function wireControls(): void {
  const onChange = () => {
    filter = {
      webhook_id: els.webhook.value ? Number(els.webhook.value) : undefined,
      status: els.status.value || undefined,
      event: els.event.value || undefined,
      search: els.search.value.trim() || undefined,
    };
    void reload();
  };
  for (const s of [els.webhook, els.status, els.event]) s.addEventListener('change', onChange);
  let t: ReturnType<typeof setTimeout> | undefined;
  els.search.addEventListener('input', () => {
    clearTimeout(t);
    t = setTimeout(onChange, 250);
  });
  list.element.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const i = items.findIndex((d) => d.id === selectedId);
    const next = Math.min(Math.max(i + (e.key === 'ArrowDown' ? 1 : -1), 0), items.length - 1);
    if (items[next]) {
      void select(items[next]!.id);
      list.scrollToIndex(next);
    }
  });
}
wireControls();

async function reload(): Promise<void> {
  const gen = ++generation;
  items = [];
  total = 0;
  nextBefore = null;
  loading = false;
  errorText = '';
  await loadPage(gen, undefined);
}

async function loadMore(): Promise<void> {
  if (loading || nextBefore === null) return;
  await loadPage(generation, nextBefore);
}

async function loadPage(gen: number, before: number | undefined): Promise<void> {
  loading = true;
  try {
    const page: Page<DeliverySummaryDto> = await rpc.request('deliveries.list', { filter, before, limit: PAGE });
    if (gen !== generation) return;
    const seen = new Set(items.map((d) => d.id));
    items.push(...page.data.filter((d) => !seen.has(d.id)));
    total = Math.max(page.total, items.length);
    nextBefore = page.next_before;
  } catch (err) {
    if (gen !== generation) return;
    errorText = (err as Error).message;
    nextBefore = null;
    total = items.length;
  } finally {
    if (gen === generation) loading = false;
  }
  updateCount();
  list.render();
  const at = selectedId === null ? -1 : items.findIndex((d) => d.id === selectedId);
  if (at >= 0 && before === undefined) list.scrollToIndex(at);
}

function updateCount(): void {
  els.count.textContent = errorText ? errorText : `${total} batch${total === 1 ? '' : 'es'}`;
  els.count.className = errorText ? 'error-text' : 'muted';
}

function statusBadge(d: DeliverySummaryDto): HTMLElement {
  return h('span', { className: `badge s-${d.status}`, text: d.status });
}

function time(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
}

function row(d: DeliverySummaryDto | undefined): HTMLElement {
  if (!d) return h('div', { className: 'row placeholder', text: 'Loading…' });
  const el = h(
    'div',
    { className: `row${d.id === selectedId ? ' selected' : ''}`, role: 'option', 'aria-selected': d.id === selectedId ? 'true' : 'false', 'data-id': d.id },
    h('span', { className: 'id', text: `#${d.id}` }),
    statusBadge(d),
    h('span', { className: 'code', text: d.lastStatus !== null ? String(d.lastStatus) : d.lastError ? '✕' : '…' }),
    h('span', { className: 'events', text: `${d.eventCount} × ${d.eventTypes.map(eventLabel).join(', ')}` }),
    // The distinguishing part (path, or host and path), not the same "http://127.0…" on every row.
    h('span', { className: 'url', text: webhookLabel(d.webhookUrl, self), title: displayUrl(d.webhookUrl) }),
    h('span', { className: 'time', text: time(d.createdAt) }),
  );
  el.addEventListener('click', () => select(d.id));
  return el;
}

function matchesFilter(d: DeliverySummaryDto): boolean {
  if (filter.webhook_id !== undefined && d.webhookId !== filter.webhook_id) return false;
  if (filter.status && d.status !== filter.status) return false;
  if (filter.event && !d.eventTypes.some((t) => t === filter.event)) return false;
  return true;
}

let searchReload: ReturnType<typeof setTimeout> | undefined;

rpc.on('delivery', (d) => {
  const i = items.findIndex((x) => x.id === d.id);
  if (i >= 0) items[i] = d;
  else if (matchesFilter(d) && filter.search) {
    // Whether a new batch matches a free-text search (emails, domains) only the emulator can tell.
    clearTimeout(searchReload);
    searchReload = setTimeout(() => void reload(), 500);
    return;
  } else if (matchesFilter(d)) {
    items.unshift(d);
    total++;
  } else return;
  updateCount();
  list.schedule();
  if (d.id === selectedId) void select(d.id);
});
rpc.on('webhooks', (w) => {
  webhooks = w;
  fillWebhookOptions();
});
rpc.on('filter', (f) => {
  filter = f;
  buildLayout();
  void reload();
});
rpc.on('select', (id: number) => void reload().then(() => select(id)));
rpc.on('reset', (url: string | null) => {
  // The emulator restarted (maybe on another port): read the list and the open batch again.
  self = url ?? self;
  fillWebhookOptions();
  const open = selectedId;
  void reload().then(() => (open !== null ? select(open) : undefined));
});

/** Where every action says what it did (copied what, resent as which batch); read out by screen readers. */
const notice = h('p', { id: 'notice', className: 'notice', role: 'status', 'aria-live': 'polite' });

function say(text: string, error = false): void {
  notice.textContent = text;
  notice.className = `notice${error ? ' error-text' : ''}`;
}

/** A button whose action answers with `{note}` (what happened) or null (the user cancelled). */
function button(text: string, id: string, onClick: () => Promise<{ note: string } | null | void>): HTMLButtonElement {
  const b = h('button', { type: 'button', id, text });
  b.addEventListener('click', () => {
    b.disabled = true;
    say('');
    onClick()
      .then(
        (r) => {
          if (r) say(r.note);
          flash(b, text, r ? `${text} ✓` : text);
        },
        (err) => {
          say(`${text} failed: ${(err as Error).message}`, true);
          flash(b, text, `${text} ✕`);
        },
      )
      .finally(() => (b.disabled = false));
  });
  return b;
}

function flash(b: HTMLButtonElement, text: string, msg: string): void {
  b.textContent = msg;
  setTimeout(() => (b.textContent = text), 2000);
}

function headersTable(headers: Record<string, string>): HTMLTableElement {
  return h('table', { className: 'headers' }, ...Object.entries(headers).map(([k, v]) => h('tr', {}, h('th', { text: k }), h('td', { text: v }))));
}

function attemptView(d: DeliveryDto, a: AttemptDto, open: boolean): HTMLElement {
  const result = a.response ? `${a.response.status}` : a.error ?? 'no response';
  const details = h(
    'details',
    { className: `attempt ${a.ok ? 'ok' : 'fail'}`, open },
    h('summary', {}, h('span', { text: `Attempt ${a.number}` }), h('span', { className: 'muted', text: ` ${time(a.startedAt)} · ${Math.round(a.durationMs)} ms · ` }), h('span', { className: a.ok ? 'ok-text' : 'error-text', text: result })),
    h('h4', { text: 'Request' }),
    h('div', { className: 'mono', text: `POST ${a.request.url}` }),
    headersTable(a.request.headers),
    h('h4', { text: 'Response' }),
    a.response
      ? h('div', {}, h('div', { className: 'mono', text: `HTTP ${a.response.status}${a.response.truncated ? ' (body truncated to 64 KiB)' : ''}` }), headersTable(a.response.headers), jsonView(a.response.body || '(empty body)'))
      : h('div', { className: 'error-text', text: a.error ?? 'no response' }),
    a.error && a.response ? h('div', { className: 'error-text', text: a.error }) : null,
    h('div', { className: 'actions' }, button('Copy as curl', `curl-${a.number}`, () => rpc.request('delivery.copyCurl', { id: d.id, attempt: a.number }))),
  );
  return details;
}

async function select(id: number): Promise<void> {
  selectedId = id;
  list.schedule();
  let d: DeliveryDto;
  try {
    d = await rpc.request('delivery.get', { id });
  } catch (err) {
    els.detail.replaceChildren(h('p', { className: 'error-text', text: (err as Error).message }));
    return;
  }
  if (selectedId !== id) return;
  const meta: [string, string][] = [
    ['Webhook', `#${d.webhookId} ${displayUrl(d.webhookUrl)}`],
    ['Status', d.status],
    ['Kind', d.kind],
    ['Events', `${d.eventCount} (${d.eventTypes.map(eventLabel).join(', ')})`],
    ['Format', d.payloadFormat],
    ['Created', time(d.createdAt)],
    ['Attempts', String(d.attemptCount)],
  ];
  if (d.nextAttemptAt) meta.push(['Next attempt', time(d.nextAttemptAt)]);
  if (d.messageIds.length) meta.push(['Messages', d.messageIds.join(', ')]);
  els.detail.replaceChildren(
    h('h2', { text: `Batch #${d.id}` }),
    h('dl', { className: 'meta' }, ...meta.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })])),
    h(
      'div',
      { className: 'actions' },
      button('Resend', 'resend', async () => {
        const r = await rpc.request('delivery.resend', { id: d.id });
        // Show the new batch (the list gets it pushed too); the note stays visible over it.
        await reload();
        await select(r.id);
        return r;
      }),
      button('Copy as curl', 'copy-curl', () => rpc.request('delivery.copyCurl', { id: d.id })),
      // The exact bytes sent and signed: an HMAC over a pretty-printed copy would not match.
      button('Copy payload', 'copy-payload', () => rpc.request('delivery.copyBody', { id: d.id })),
    ),
    notice,
    h('h3', { text: 'Payload (pretty-printed view; Copy payload copies the exact signed bytes)' }),
    jsonView(d.body),
    h('h3', { text: `Attempts (${d.attempts.length})` }),
    ...(d.attempts.length ? [...d.attempts].reverse().map((a, i) => attemptView(d, a, i === 0)) : [h('p', { className: 'muted', text: 'No attempt yet.' })]),
  );
}
