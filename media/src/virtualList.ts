/**
 * A fixed-row-height virtual list: the scroll height stands for every row, but only the rows in
 * view (plus a small overscan) exist in the DOM, so 10,000 batches scroll like 10.
 */
export interface VirtualListOptions {
  rowHeight: number;
  overscan?: number;
  count(): number;
  /** Builds the row for an index (may be a placeholder while its page loads). */
  renderRow(index: number): HTMLElement;
  /** Called with the last visible index, so the owner can load more. */
  onRange?(first: number, last: number): void;
}

export class VirtualList {
  readonly element: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private frame = 0;

  constructor(private readonly o: VirtualListOptions) {
    this.element = document.createElement('div');
    this.element.className = 'vlist';
    this.element.tabIndex = 0;
    this.element.setAttribute('role', 'listbox');
    this.spacer = document.createElement('div');
    this.spacer.className = 'vlist-spacer';
    this.element.append(this.spacer);
    this.element.addEventListener('scroll', () => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(this.element);
  }

  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  render(): void {
    const { rowHeight, overscan = 8 } = this.o;
    const count = this.o.count();
    this.spacer.style.height = `${count * rowHeight}px`;
    const top = this.element.scrollTop;
    const height = this.element.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
    const last = Math.min(count - 1, Math.ceil((top + height) / rowHeight) + overscan);
    const rows: HTMLElement[] = [];
    for (let i = first; i <= last; i++) {
      const row = this.o.renderRow(i);
      row.style.position = 'absolute';
      row.style.top = `${i * rowHeight}px`;
      row.style.height = `${rowHeight}px`;
      row.dataset.index = String(i);
      rows.push(row);
    }
    this.spacer.replaceChildren(...rows);
    if (count) this.o.onRange?.(first, last);
  }

  scrollToIndex(i: number): void {
    const { rowHeight } = this.o;
    const top = i * rowHeight;
    const el = this.element;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
  }
}
