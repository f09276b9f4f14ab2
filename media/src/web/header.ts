/** The header: the emulator's state (API URL, SMTP port, pending batches) and the virtual clock. */
import type { StatusDto } from '../../../emulator/http/dto';
import { parseDuration } from '../../../src/views/format';
import { h } from '../rpc';
import { api, errorText, type LiveStream } from './host';

const STEPS: [string, number][] = [
  ['+30 s', 30],
  ['+5 min', 300],
  ['+1 h', 3600],
];

export class Header {
  readonly element: HTMLElement;
  private readonly smtp = h('code', { id: 'state-smtp' });
  private readonly pending = h('span', { id: 'state-pending' });
  private readonly clock = h('code', { id: 'clock-now' });
  private readonly clockResult = h('span', { id: 'clock-result', className: 'muted web-result', role: 'status' });
  private readonly live = h('span', { className: 'live', id: 'live', text: 'live' });
  /** Virtual "now", for relative times in the views. */
  now = 0;

  constructor(stream: LiveStream, onLogout: () => void) {
    const custom = h('input', { id: 'clock-custom', type: 'text', placeholder: '1h30m', 'aria-label': 'Advance by (90, 10m, 1h30m, 2d)' });
    const customForm = h('form', { className: 'web-actions' }, custom, h('button', { type: 'submit', id: 'clock-advance', text: 'Advance' }));
    customForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const s = parseDuration(custom.value);
      if (!s) return void (this.clockResult.textContent = 'Enter a duration like 90, 10m or 1h30m');
      void this.advance(s).then(() => (custom.value = ''));
    });
    const logout = h('button', { type: 'button', className: 'secondary', id: 'logout', text: 'Log out' });
    logout.addEventListener('click', onLogout);
    this.element = h(
      'header',
      { className: 'web-header' },
      h('h1', {}, h('img', { src: '/ui/assets/icon.svg', alt: '' }), 'Mailtrap Emulator'),
      h(
        'div',
        { className: 'web-state' },
        h('span', {}, 'API ', h('code', { id: 'state-api', text: location.origin })),
        h('span', {}, 'SMTP ', this.smtp),
        this.pending,
        this.live,
      ),
      h(
        'div',
        { className: 'web-clock', role: 'group', 'aria-label': 'Virtual clock' },
        h('span', { className: 'muted', text: 'Clock' }),
        this.clock,
        ...STEPS.map(([label, s]) => {
          const b = h('button', { type: 'button', className: 'secondary', 'data-seconds': s, text: label });
          b.addEventListener('click', () => void this.advance(s));
          return b;
        }),
        customForm,
        this.clockResult,
        logout,
      ),
    );
    stream.onStatus((on) => {
      this.live.className = on ? 'live on' : 'live';
      this.live.textContent = on ? 'live' : 'reconnecting…';
    });
    stream.on((m) => {
      if (m.name === 'clock.advanced' || m.name.startsWith('delivery.') || m.name === 'hello') this.schedule();
    });
  }

  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Coalesces a burst of stream events into one status read. */
  schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, 150);
  }

  async refresh(): Promise<void> {
    try {
      this.show(await api.status());
    } catch (err) {
      this.clockResult.textContent = errorText(err);
    }
  }

  private show(s: StatusDto): void {
    this.now = s.clock.now;
    this.smtp.textContent = `${location.hostname}:${s.smtpPort}`;
    const n = s.pendingDeliveries ?? 0;
    this.pending.textContent = `${n} pending`;
    this.clock.textContent = s.clock.iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
    if (s.clock.scale !== 1) this.clock.title = `${s.clock.scale}× real time`;
  }

  private async advance(seconds: number): Promise<void> {
    this.clockResult.textContent = '';
    try {
      const r = await api.advanceClock(seconds);
      this.clockResult.textContent = `Advanced ${seconds} s`;
      this.clock.textContent = r.clock.iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
      this.schedule();
    } catch (err) {
      this.clockResult.textContent = `Failed: ${errorText(err)}`;
    }
  }
}
