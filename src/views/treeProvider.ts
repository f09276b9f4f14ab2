/**
 * The activity-bar tree: emulator → sending domains → webhooks. Data is loaded once per
 * `refresh()` into a snapshot; refreshes come from the emulator's SSE stream (debounced), never
 * from polling.
 */
import * as vscode from 'vscode';
import type { DeliverySummaryDto, StatusDto } from '../../emulator/http/dto';
import type { EmulatorController } from '../emulator/controller';
import type { SigningSecrets } from '../emulator/secrets';
import type { DomainWire, WebhookWire } from '../protocol/wire';
import { eventLabel } from '../protocol/eventLabels';
import { basicAuthUser, displayUrl, lastDeliveryText, webhookHealth, webhookLabel } from './format';

interface Snapshot {
  status: StatusDto | undefined;
  /** Real time when `status` was read: the clock row runs on from there. */
  fetchedAt: number;
  domains: DomainWire[];
  webhooks: WebhookWire[];
  lastDelivery: Map<number, DeliverySummaryDto>;
  error?: string;
}

export type Node =
  | { kind: 'emulator' }
  | { kind: 'info'; label: string; value: string; icon: string }
  | { kind: 'domain'; domain: DomainWire }
  | { kind: 'allDomains' }
  | { kind: 'webhook'; webhook: WebhookWire }
  | { kind: 'addDomain' }
  | { kind: 'error'; message: string };

const STREAM_REFRESH = /^(domain|webhook|delivery|clock|hello)/;

export class EmulatorTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private snapshot: Promise<Snapshot> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private clockTimer: NodeJS.Timeout | undefined;
  private clockNode: Node | undefined;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly controller: EmulatorController,
    private readonly secrets: SigningSecrets,
    /** Coalesces bursts of stream events (a 500-event replay is one refresh). */
    private readonly debounceMs = 150,
  ) {
    this.disposables.push(
      controller.onDidChangeState(() => this.refresh()),
      controller.onStream((m) => {
        if (STREAM_REFRESH.test(m.name)) this.scheduleRefresh();
      }),
    );
  }

  refresh(): void {
    this.snapshot = undefined;
    this.changed.fire();
  }

  /**
   * Refresh after a change this window made through the API. The emulator's stream announces the
   * same change a moment later; both land in one debounced refresh. (Each refresh makes VS Code
   * drop the tree's item handles until it has fetched the children again; a context-menu command
   * invoked in that window gets no tree node and falls back to a quick pick. Found by the UI tests.)
   */
  refreshSoon(): void {
    this.scheduleRefresh();
  }

  private scheduleRefresh(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refreshIfChanged(), this.debounceMs);
  }

  /**
   * A stream-driven refresh redraws the tree only when what it shows changed. Each redraw makes
   * VS Code drop the rows' handles for a moment (see `refreshSoon`), and most stream events
   * (the echo of a change this window already showed, a delivery of an unchanged webhook) change
   * nothing on screen: a right-click landing in that moment must not lose its row.
   */
  private async refreshIfChanged(): Promise<void> {
    const before = this.snapshot;
    const next = this.fetch();
    const [was, now] = await Promise.all([before, next]);
    if (this.snapshot !== before) return; // a full refresh came meanwhile
    this.snapshot = next;
    if (!was || this.shown(was) !== this.shown(now)) this.changed.fire();
  }

  /** Everything of a snapshot that the tree's rows show, as one comparable string. */
  private shown(snap: Snapshot): string {
    const { clock: _clock, ...status } = snap.status ?? ({} as Partial<StatusDto>);
    const deliveries = [...snap.lastDelivery.values()].map((d) => [d.id, d.status, d.attemptCount, d.lastStatus, d.lastError, d.nextAttemptAt]);
    return JSON.stringify([snap.error, status, snap.status ? this.clockText(snap) : null, snap.domains, snap.webhooks, deliveries]);
  }

  /** The current snapshot (loaded on first use after a refresh). */
  load(): Promise<Snapshot> {
    return (this.snapshot ??= this.fetch());
  }

  private async fetch(): Promise<Snapshot> {
    const api = this.controller.api;
    const empty: Snapshot = { status: undefined, fetchedAt: Date.now(), domains: [], webhooks: [], lastDelivery: new Map() };
    if (!api) return empty;
    try {
      const [status, domains, webhooks] = await Promise.all([api.status(), api.listDomains(), api.listWebhooks()]);
      const lastDelivery = new Map<number, DeliverySummaryDto>();
      // Deliveries come with the delivery engine; an emulator without it answers 404 and the tree shows none.
      // Summaries: a refresh follows the stream while batches go out, and 200 full batches of 500
      // events are tens of MB of JSON, each time.
      const recent = await api.listDeliverySummaries({ limit: 200 }).catch(() => undefined);
      for (const d of recent?.data ?? []) if (d.kind !== 'test' && !lastDelivery.has(d.webhookId)) lastDelivery.set(d.webhookId, d);
      return { status, fetchedAt: Date.now(), domains, webhooks, lastDelivery };
    } catch (err) {
      return { ...empty, error: (err as Error).message };
    }
  }

  async getChildren(node?: Node): Promise<Node[]> {
    // Stopped: no nodes, so the welcome view (Start / Add Domain) shows.
    if (!node) return this.controller.state === 'stopped' ? [] : [{ kind: 'emulator' }];
    const snap = await this.load();
    if (node.kind === 'emulator') {
      if (snap.error) return [{ kind: 'error', message: snap.error }];
      const r = this.controller.ready;
      if (!r) return [];
      const info: Node[] = [
        { kind: 'info', label: 'API', value: r.http, icon: 'globe' },
        { kind: 'info', label: 'SMTP', value: `127.0.0.1:${r.smtpPort}`, icon: 'mail' },
      ];
      if (snap.status) {
        info.push((this.clockNode = { kind: 'info', label: 'Clock', value: this.clockText(snap), icon: 'watch' }));
        this.scheduleClockTick(snap);
      }
      const domains: Node[] = snap.domains.map((domain) => ({ kind: 'domain', domain }));
      if (snap.webhooks.some((w) => w.domain_id === null)) domains.push({ kind: 'allDomains' });
      return [...info, ...(domains.length ? domains : [{ kind: 'addDomain' } as Node])];
    }
    if (node.kind === 'domain') return snap.webhooks.filter((w) => w.domain_id === node.domain.id).map((webhook) => ({ kind: 'webhook', webhook }));
    if (node.kind === 'allDomains') return snap.webhooks.filter((w) => w.domain_id === null).map((webhook) => ({ kind: 'webhook', webhook }));
    return [];
  }

  async getTreeItem(node: Node): Promise<vscode.TreeItem> {
    const snap = this.snapshot ? await this.snapshot : undefined;
    switch (node.kind) {
      case 'emulator': {
        const state = this.controller.state;
        // The root is asked for before its children load the snapshot: wait for it, or "N pending" is lost.
        const snap = state === 'running' ? await this.load() : undefined;
        const item = new vscode.TreeItem('Mailtrap emulator', vscode.TreeItemCollapsibleState.Expanded);
        item.id = 'emulator';
        item.description = state === 'running' ? 'running' : state;
        item.iconPath = state === 'running' ? new vscode.ThemeIcon('vm-running', new vscode.ThemeColor('testing.iconPassed')) : new vscode.ThemeIcon('vm-outline');
        item.contextValue = `emulator.${state}`;
        const { sharedWith, portNote } = this.controller.ownership;
        if (state === 'running' && sharedWith) item.description += ` · shared with "${sharedWith}"`;
        const pending = snap?.status?.pendingDeliveries;
        if (pending) item.description += ` · ${pending} pending`;
        item.tooltip = sharedWith
          ? `The emulator of the VS Code window "${sharedWith}": it serves the same data location, so this window uses it too.`
          : `This window's emulator.${portNote ? ` ${portNote}` : ''}`;
        return item;
      }
      case 'info': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = `info.${node.label}`;
        if (node === this.clockNode && snap) node.value = this.clockText(snap);
        item.description = node.value;
        item.tooltip = node.label === 'API' ? `API: ${node.value}\nToken: right-click → Copy API Token (or the key button)` : `${node.label}: ${node.value}`;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.contextValue = `info.${node.label.toLowerCase()}`;
        if (node.label === 'Clock') item.command = { command: 'mailtrapEmulator.clock.advance', title: 'Advance the clock' };
        return item;
      }
      case 'domain': {
        const count = snap?.webhooks.filter((w) => w.domain_id === node.domain.id).length ?? 0;
        const item = new vscode.TreeItem(node.domain.domain_name, count ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        // A new id when the first webhook arrives: VS Code keeps a node's old (leaf) state for a known id.
        item.id = `domain.${node.domain.id}${count ? '' : '.empty'}`;
        const hooks = count ? `${count} webhook${count > 1 ? 's' : ''}` : 'no webhooks';
        // An unverified domain's mail is suspended, then rejected: say so where the user looks.
        const unverified = node.domain.dns_verified === false;
        item.description = unverified ? `DNS not verified · ${hooks}` : hooks;
        item.iconPath = new vscode.ThemeIcon(unverified ? 'warning' : 'globe');
        if (unverified) item.tooltip = 'DNS not verified: mail from this domain is suspended and re-checked, then rejected. Use Mark DNS Verified.';
        item.contextValue = unverified ? 'domainUnverified' : 'domain';
        return item;
      }
      case 'allDomains': {
        const item = new vscode.TreeItem('All domains', vscode.TreeItemCollapsibleState.Expanded);
        item.id = 'allDomains';
        item.description = 'webhooks for every domain';
        item.iconPath = new vscode.ThemeIcon('globe');
        item.contextValue = 'allDomains';
        return item;
      }
      case 'webhook':
        return this.webhookItem(node.webhook, snap);
      case 'addDomain': {
        const item = new vscode.TreeItem('Add a sending domain…', vscode.TreeItemCollapsibleState.None);
        item.id = 'addDomain';
        item.iconPath = new vscode.ThemeIcon('add');
        item.command = { command: 'mailtrapEmulator.domain.add', title: 'Add Domain' };
        return item;
      }
      case 'error': {
        const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        return item;
      }
    }
  }

  private webhookItem(w: WebhookWire, snap: Snapshot | undefined): vscode.TreeItem {
    const last = snap?.lastDelivery.get(w.id);
    const health = webhookHealth(w, last);
    const url = displayUrl(w.url);
    // What tells webhooks apart comes first (the sidebar cuts the rest); the full URL is in the tooltip.
    const item = new vscode.TreeItem(webhookLabel(w.url, this.controller.ready?.http), vscode.TreeItemCollapsibleState.None);
    item.id = `webhook.${w.id}`;
    const now = snap?.status?.clock.now ?? Date.now();
    const lastText = lastDeliveryText(last, now);
    item.description = [health, w.event_types.length === 9 ? 'all events' : w.event_types.map(eventLabel).join(', '), lastText].filter(Boolean).join(' · ');
    item.iconPath =
      health === 'failing'
        ? new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'))
        : health === 'paused'
          ? new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('disabledForeground'))
          : new vscode.ThemeIcon('broadcast', new vscode.ThemeColor('testing.iconPassed'));
    const md = new vscode.MarkdownString();
    const user = basicAuthUser(w.url);
    md.appendText(`${url}\n\n${health} · ${w.sending_stream ?? 'all streams'} · ${w.payload_format}\n\nEvents: ${w.event_types.map(eventLabel).join(', ')}`);
    if (user) md.appendText(`\n\nBasic auth: user ${user} (password hidden)`);
    if (lastText) md.appendText(`\n\nLast delivery: ${lastText}`);
    item.tooltip = md;
    item.contextValue = `webhook.${w.active ? 'active' : 'paused'}${this.secrets.has(w.id) ? '.secret' : ''}`;
    item.command = { command: 'mailtrapEmulator.inspector.open', title: 'Open in Inspector', arguments: [{ kind: 'webhook', webhook: w }] };
    return item;
  }

  /** The virtual clock to the minute, run on locally from the last status (no polling). */
  private clockText(snap: Snapshot): string {
    const c = snap.status!.clock;
    const now = c.now + (Date.now() - snap.fetchedAt) * c.scale;
    return `${new Date(now).toISOString().replace('T', ' ').slice(0, 16)}Z${c.scale !== 1 ? ` (×${c.scale})` : ''}`;
  }

  /** Re-renders the clock row when its virtual minute turns (advances re-read it from the stream). */
  private scheduleClockTick(snap: Snapshot): void {
    clearTimeout(this.clockTimer);
    const c = snap.status!.clock;
    const now = c.now + (Date.now() - snap.fetchedAt) * c.scale;
    const realMs = Math.max(1000, (60_000 - (now % 60_000)) / c.scale);
    this.clockTimer = setTimeout(() => {
      if (this.snapshot && this.clockNode) {
        this.changed.fire(this.clockNode);
        this.scheduleClockTick(snap);
      }
    }, realMs);
    this.clockTimer.unref?.();
  }

  dispose(): void {
    clearTimeout(this.timer);
    clearTimeout(this.clockTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
