/**
 * The Messages view: recent messages, newest first, with Mailtrap's status as a badge. A tree, as
 * the best extensions list many things (GitLens' commits, GitHub's pull requests): native keyboard
 * use, context menus and virtualised rendering for free, the timeline opening in a webview.
 *
 * Paged: one page is loaded at first and a "Load more" row fetches the next (`before` cursor), so
 * 10,000 stored messages cost one page until someone scrolls for more. Live: stream events
 * (debounced) re-read the newest loaded messages in one request; older loaded rows keep theirs.
 */
import * as vscode from 'vscode';
import type { EmailLogStatus, MessageSummaryDto } from '../../emulator/http/dto';
import type { EmulatorController } from '../emulator/controller';
import { relativeTime } from './format';

export const MESSAGES_PAGE = 100;
/** The most one live refresh re-reads (the list API's own cap). */
const REFRESH_MAX = 500;

export type MessageNode = { kind: 'message'; message: MessageSummaryDto } | { kind: 'loadMore'; loaded: number; total: number } | { kind: 'error'; message: string };

/** Badge per status: icon and theme colour, as Mailtrap colours them (green, red, yellow, grey). */
export const STATUS_BADGE: Record<EmailLogStatus, { icon: string; color: string; label: string }> = {
  delivered: { icon: 'pass-filled', color: 'testing.iconPassed', label: 'Delivered' },
  not_delivered: { icon: 'error', color: 'testing.iconFailed', label: 'Not delivered' },
  enqueued: { icon: 'clock', color: 'editorWarning.foreground', label: 'Enqueued' },
  opted_out: { icon: 'circle-slash', color: 'disabledForeground', label: 'Opted out' },
};

const STREAM_REFRESH = /^(message\.created|events\.recorded|hello|clock)/;

export class MessagesTreeProvider implements vscode.TreeDataProvider<MessageNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<MessageNode | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private items: MessageSummaryDto[] = [];
  private total = 0;
  private nextBefore: number | null = null;
  private loaded = false;
  private error: string | undefined;
  private loading: Promise<void> | undefined;
  private now = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly controller: EmulatorController,
    private readonly debounceMs = 300,
  ) {
    this.disposables.push(
      controller.onDidChangeState((s) => {
        if (s === 'running' || s === 'stopped') this.reset();
      }),
      controller.onStream((m) => {
        if (STREAM_REFRESH.test(m.name)) this.scheduleRefresh();
      }),
    );
  }

  /** Forget everything and load the first page again. */
  reset(): void {
    this.items = [];
    this.total = 0;
    this.nextBefore = null;
    this.loaded = false;
    this.error = undefined;
    this.changed.fire();
  }

  refresh(): void {
    void this.reloadNewest().then(() => this.changed.fire());
  }

  private scheduleRefresh(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), this.debounceMs);
  }

  /** Messages loaded so far, newest first (for tests and commands). */
  get messages(): readonly MessageSummaryDto[] {
    return this.items;
  }
  get totalCount(): number {
    return this.total;
  }

  /** Appends the next page. */
  async loadMore(): Promise<void> {
    if (this.nextBefore === null) return;
    await this.serial(async (api) => {
      if (this.nextBefore === null) return;
      const page = await api.listMessages({ before: this.nextBefore, limit: MESSAGES_PAGE });
      const known = new Set(this.items.map((m) => m.id));
      this.items.push(...page.data.filter((m) => !known.has(m.id)));
      this.total = page.total;
      this.nextBefore = page.next_before;
    });
    this.changed.fire();
  }

  /** Re-reads the newest `max(loaded, one page)` messages (at most 500) and keeps older loaded rows. */
  private async reloadNewest(): Promise<void> {
    await this.serial(async (api) => {
      const limit = Math.min(Math.max(this.items.length, MESSAGES_PAGE), REFRESH_MAX);
      const [page, status] = await Promise.all([api.listMessages({ limit }), api.status().catch(() => undefined)]);
      if (status) this.now = status.clock.now;
      if (this.items.length <= limit) {
        this.items = page.data;
        this.nextBefore = page.next_before;
      } else {
        // Rows older than the re-read window stay (their cursor too); new messages only come on top.
        const fresh = new Set(page.data.map((m) => m.id));
        this.items = [...page.data, ...this.items.filter((m) => !fresh.has(m.id))];
      }
      this.total = page.total;
      this.loaded = true;
    });
  }

  /** One load at a time; a failure is shown as a row, not thrown. */
  private serial(fn: (api: NonNullable<EmulatorController['api']>) => Promise<void>): Promise<void> {
    const run = async () => {
      const api = this.controller.api;
      if (!api) return;
      try {
        await fn(api);
        this.error = undefined;
      } catch (err) {
        this.error = (err as Error).message;
      }
    };
    const next = (this.loading ?? Promise.resolve()).then(run);
    this.loading = next;
    return next;
  }

  async getChildren(node?: MessageNode): Promise<MessageNode[]> {
    if (node) return [];
    if (this.controller.state !== 'running') return [];
    if (!this.loaded) await this.reloadNewest();
    const rows: MessageNode[] = this.items.map((message) => ({ kind: 'message', message }));
    if (this.error) rows.unshift({ kind: 'error', message: this.error });
    if (this.nextBefore !== null && this.items.length < this.total) rows.push({ kind: 'loadMore', loaded: this.items.length, total: this.total });
    return rows;
  }

  getTreeItem(node: MessageNode): vscode.TreeItem {
    if (node.kind === 'error') {
      const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
      return item;
    }
    if (node.kind === 'loadMore') {
      const item = new vscode.TreeItem(`Load ${Math.min(MESSAGES_PAGE, node.total - node.loaded)} more…`, vscode.TreeItemCollapsibleState.None);
      item.id = 'messages.loadMore';
      item.description = `${node.loaded.toLocaleString('en')} of ${node.total.toLocaleString('en')}`;
      item.iconPath = new vscode.ThemeIcon('fold-down');
      item.command = { command: 'mailtrapEmulator.messages.loadMore', title: 'Load More' };
      return item;
    }
    const m = node.message;
    const badge = STATUS_BADGE[m.status] ?? STATUS_BADGE.enqueued;
    const item = new vscode.TreeItem(m.recipients[0] ?? '(no recipient)', vscode.TreeItemCollapsibleState.None);
    item.id = `message.${m.id}`;
    item.description = `${badge.label} · ${m.subject ?? '(no subject)'} · ${relativeTime(m.createdAt, Math.max(this.now, m.createdAt))}`;
    item.iconPath = new vscode.ThemeIcon(badge.icon, new vscode.ThemeColor(badge.color));
    const md = new vscode.MarkdownString();
    const events = Object.entries(m.eventCounts).map(([e, n]) => (n! > 1 ? `${e} ×${n}` : e));
    md.appendText(
      `${m.subject ?? '(no subject)'}\n\nTo: ${m.recipients.join(', ')}\nFrom: ${m.from}\n\n${badge.label} · ${m.stream}${m.category ? ` · ${m.category}` : ''}\n\nEvents: ${events.join(', ') || 'none yet'}\n\n${m.id}`,
    );
    item.tooltip = md;
    item.accessibilityInformation = { label: `${m.recipients[0]}, ${badge.label}, ${m.subject ?? 'no subject'}` };
    item.contextValue = `message.${m.status}`;
    item.command = { command: 'mailtrapEmulator.message.timeline', title: 'Open Timeline', arguments: [node] };
    return item;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
