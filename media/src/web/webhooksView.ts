/**
 * Sending domains → their webhooks, with every action of the VS Code tree: add domain / webhook
 * (the forms of media/), edit, test, pause, resume, delete (confirmed in place), open the
 * inspector filtered to a webhook. Live: reloaded on domain, webhook and delivery events.
 */
import type { DeliverySummaryDto } from '../../../emulator/http/dto';
import type { DomainWire, WebhookWire } from '../../../src/protocol/wire';
import { displayUrl, lastDeliveryText, webhookHealth } from '../../../src/views/format';
import { h } from '../rpc';
import { openForm } from './frames';
import { api, errorText, type LiveStream } from './host';

export interface WebhooksViewDeps {
  stream: LiveStream;
  now(): number;
  openInspector(webhookId: number): void;
}

function button(text: string, attrs: Record<string, string | number>, onClick: (b: HTMLButtonElement) => Promise<unknown> | void, secondary = true): HTMLButtonElement {
  const b = h('button', { type: 'button', className: secondary ? 'secondary' : '', text, ...attrs });
  b.addEventListener('click', () => {
    const r = onClick(b);
    if (r instanceof Promise) {
      b.disabled = true;
      void r.finally(() => (b.disabled = false));
    }
  });
  return b;
}

/** Replaces `host`'s content by "question [Delete] [Cancel]" until one is clicked. */
function confirmInPlace(host: HTMLElement, question: string, id: string, run: () => Promise<void>): void {
  const before = [...host.childNodes];
  const cancel = button('Cancel', { id: `${id}-cancel` }, () => host.replaceChildren(...before));
  const ok = button('Delete', { id: `${id}-confirm` }, async () => {
    try {
      await run();
    } catch (err) {
      host.replaceChildren(...before, h('span', { className: 'error-text web-result', text: errorText(err) }));
    }
  }, false);
  host.replaceChildren(h('span', { className: 'web-confirm' }, h('span', { text: question }), ok, cancel));
}

export class WebhooksView {
  readonly element = h('div', { className: 'web-pad', id: 'webhooks' });
  private readonly body = h('div', { id: 'webhooks-body' });
  private readonly error = h('div', { className: 'error-text', role: 'alert' });
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The last action result per webhook, kept across the reloads the action itself causes. */
  private readonly results = new Map<number, { text: string; ok: boolean }>();

  constructor(private readonly deps: WebhooksViewDeps) {
    const addDomain = button('Add domain', { id: 'add-domain' }, () => openForm({ kind: 'domain' }, () => this.schedule()), false);
    const addWebhook = button('Add webhook', { id: 'add-webhook' }, () => openForm({ kind: 'webhook', domainId: null }, () => this.schedule()), false);
    this.element.append(h('section', { className: 'web-section' }, h('h2', {}, 'Sending domains and webhooks', addDomain, addWebhook), this.error, this.body));
    deps.stream.on((m) => {
      if (/^(domain|webhook|delivery)\./.test(m.name)) this.schedule();
    });
  }

  /** Coalesces bursts (a batch of deliveries) into one reload. */
  schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.reload();
    }, 500);
  }

  async reload(): Promise<void> {
    let domains: DomainWire[];
    let webhooks: WebhookWire[];
    try {
      [domains, webhooks] = await Promise.all([api.listDomains(), api.listWebhooks()]);
    } catch (err) {
      this.error.textContent = errorText(err);
      return;
    }
    this.error.textContent = '';
    const last = new Map<number, DeliverySummaryDto | undefined>();
    await Promise.all(webhooks.map(async (w) => last.set(w.id, (await api.listDeliverySummaries({ webhook_id: w.id, limit: 1 }).catch(() => null))?.data[0])));
    const groups: HTMLElement[] = domains.map((d) => this.domainBox(d, webhooks.filter((w) => w.domain_id === d.id), last));
    const anyDomain = webhooks.filter((w) => w.domain_id === null || !domains.some((d) => d.id === w.domain_id));
    if (anyDomain.length || !domains.length) groups.push(this.group('All domains', anyDomain, last));
    this.body.replaceChildren(...groups);
  }

  private domainBox(d: DomainWire, hooks: WebhookWire[], last: Map<number, DeliverySummaryDto | undefined>): HTMLElement {
    const actions: HTMLElement = h(
      'div',
      { className: 'web-actions' },
      button('Add webhook', { 'data-action': 'add-webhook' }, () => openForm({ kind: 'webhook', domainId: d.id }, () => this.schedule())),
      button('Delete', { 'data-action': 'delete-domain' }, () =>
        confirmInPlace(actions, hooks.length ? `Delete ${d.domain_name} and its ${hooks.length} webhook${hooks.length === 1 ? '' : 's'}?` : `Delete ${d.domain_name}?`, `delete-domain-${d.id}`, async () => {
          await api.deleteDomain(d.id);
          this.schedule();
        }),
      ),
    );
    return h(
      'section',
      { className: 'web-domain', 'data-domain': d.domain_name, 'data-domain-id': d.id },
      h('header', {}, h('h3', { text: d.domain_name }), actions),
      ...(hooks.length ? hooks.map((w) => this.webhookRow(w, last.get(w.id))) : [h('div', { className: 'muted web-empty', text: 'No webhook for this domain yet.' })]),
    );
  }

  private group(title: string, hooks: WebhookWire[], last: Map<number, DeliverySummaryDto | undefined>): HTMLElement {
    return h(
      'section',
      { className: 'web-domain', 'data-domain': '' },
      h('header', {}, h('h3', { text: title })),
      ...(hooks.length ? hooks.map((w) => this.webhookRow(w, last.get(w.id))) : [h('div', { className: 'muted web-empty', text: 'No sending domain yet: add one, or send mail (its domain is added on first use).' })]),
    );
  }

  private webhookRow(w: WebhookWire, last: DeliverySummaryDto | undefined): HTMLElement {
    const health = webhookHealth(w, last);
    const result = h('span', { className: 'web-result', 'data-role': 'result', role: 'status' });
    const say = (text: string, ok: boolean) => {
      this.results.set(w.id, { text, ok });
      result.textContent = text;
      result.className = `web-result ${ok ? 'ok-text' : 'error-text'}`;
    };
    const kept = this.results.get(w.id);
    if (kept) say(kept.text, kept.ok);
    const actions: HTMLElement = h(
      'div',
      { className: 'web-actions' },
      button('Test', { 'data-action': 'test' }, async () => {
        try {
          const r = await api.testWebhook(w.id);
          say(r.ok ? `Test: ${r.status} in ${Math.round(r.durationMs)} ms` : `Test failed: ${r.status ?? r.error ?? 'no response'}`, r.ok);
        } catch (err) {
          say(errorText(err), false);
        }
      }),
      button(w.active ? 'Pause' : 'Resume', { 'data-action': w.active ? 'pause' : 'resume' }, async () => {
        try {
          await api.updateWebhook(w.id, { active: !w.active });
          this.schedule();
        } catch (err) {
          say(errorText(err), false);
        }
      }),
      button('Edit', { 'data-action': 'edit' }, () => openForm({ kind: 'webhook', webhook: w }, () => this.schedule())),
      button('Inspector', { 'data-action': 'inspector' }, () => this.deps.openInspector(w.id)),
      button('Delete', { 'data-action': 'delete' }, () =>
        confirmInPlace(actions, `Delete webhook #${w.id}?`, `delete-webhook-${w.id}`, async () => {
          await api.deleteWebhook(w.id);
          this.schedule();
        }),
      ),
    );
    const lastText = lastDeliveryText(last, this.deps.now());
    return h(
      'div',
      { className: 'web-webhook', 'data-webhook-id': w.id, 'data-health': health },
      h('span', { className: `badge s-${health}`, text: health }),
      h('span', { className: 'url', text: `#${w.id} ${displayUrl(w.url)}` }),
      actions,
      h(
        'div',
        { className: 'sub muted' },
        `${w.sending_stream ?? 'any stream'} · ${w.payload_format} · ${w.event_types.join(', ')}`,
        lastText ? ` · last delivery ${lastText}` : '',
        ' ',
        result,
      ),
    );
  }
}
