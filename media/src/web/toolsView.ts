/**
 * Send a test email by scenario (the same scenarios and body as the extension's command) and
 * replay a sample batch: one of the emulator's bundled samples, or a file the user uploads.
 */
import type { SampleDto } from '../../../emulator/http/dto';
import { SCENARIOS, scenarioAddress, testEmailBody } from '../../../src/commands/scenarios';
import { h } from '../rpc';
import { api, errorText } from './host';

function resultLine(id: string): { el: HTMLElement; say(text: string, ok: boolean): void } {
  const el = h('div', { id, className: 'web-result', role: 'status' });
  return {
    el,
    say(text, ok) {
      el.textContent = text;
      el.className = `web-result ${ok ? 'ok-text' : 'error-text'}`;
    },
  };
}

function field(id: string, label: string, input: HTMLElement, hint?: string): HTMLElement {
  return h('div', { className: 'field' }, h('label', { for: id, text: label }), input, hint ? h('div', { className: 'hint', text: hint }) : null);
}

export class ToolsView {
  readonly element = h('div', { className: 'web-pad web-tools', id: 'tools' });
  private readonly domain = h('select', { id: 'send-domain' });
  private readonly samples = h('select', { id: 'replay-sample' });

  constructor() {
    this.element.append(this.sendForm(), this.replayForm());
  }

  /** Domains and samples change rarely: read when the view is shown. */
  async refresh(): Promise<void> {
    const [domains, samples] = await Promise.all([api.listDomains().catch(() => []), api.request<{ data: SampleDto[] }>('GET', '/emulator/samples').catch(() => ({ data: [] }))]);
    const keep = this.domain.value;
    this.domain.replaceChildren(
      ...(domains.length ? domains.map((d) => h('option', { value: d.domain_name, text: d.domain_name })) : [h('option', { value: 'example.test', text: 'example.test (added on first send)' })]),
    );
    if (keep && [...this.domain.options].some((o) => o.value === keep)) this.domain.value = keep;
    this.samples.replaceChildren(...samples.data.map((s) => h('option', { value: s.name, text: `${s.name} (${Math.ceil(s.bytes / 1024)} KiB)` })));
  }

  private sendForm(): HTMLElement {
    const scenario = h('select', { id: 'send-scenario' }, ...SCENARIOS.map((s) => h('option', { value: s.id, text: `${s.label}: ${s.detail}` })));
    const to = h('input', { id: 'send-to', type: 'email', value: scenarioAddress(SCENARIOS[0]!), autocomplete: 'off' });
    const stream = h('select', { id: 'send-stream' }, h('option', { value: 'transactional', text: 'Transactional' }), h('option', { value: 'bulk', text: 'Bulk' }));
    scenario.addEventListener('change', () => (to.value = scenarioAddress(SCENARIOS.find((s) => s.id === scenario.value)!)));
    const send = h('button', { type: 'submit', id: 'send-submit', text: 'Send test email' });
    const result = resultLine('send-result');
    const form = h(
      'form',
      { className: 'web-section', novalidate: true },
      h('h2', { text: 'Send a test email' }),
      field('send-scenario', 'Scenario', scenario, 'The recipient\'s plus-tag picks the lifecycle of events.'),
      field('send-to', 'To', to),
      field('send-domain', 'From domain', this.domain),
      field('send-stream', 'Stream', stream),
      h('div', { className: 'actions' }, send),
      result.el,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const s = SCENARIOS.find((x) => x.id === scenario.value)!;
      send.disabled = true;
      api
        .send(testEmailBody(s, this.domain.value, to.value.trim()), stream.value as 'transactional' | 'bulk')
        .then((r) => result.say(`Sent message ${r.message_ids[0]}. Events go out every batch interval: advance the clock to deliver now.`, true))
        .catch((err) => result.say(`Failed: ${errorText(err)}`, false))
        .finally(() => (send.disabled = false));
    });
    return form;
  }

  private replayForm(): HTMLElement {
    const result = resultLine('replay-result');
    const replay = async (text: string, jsonLines: boolean, what: string) => {
      try {
        const r = await api.replay(text, jsonLines);
        result.say(`Replayed ${what}: ${r.data.recorded} events recorded.`, true);
      } catch (err) {
        result.say(`Failed: ${errorText(err)}`, false);
      }
    };
    const bundled = h('button', { type: 'button', id: 'replay-bundled', text: 'Replay sample' });
    bundled.addEventListener('click', () => {
      const name = this.samples.value;
      if (!name) return result.say('No bundled sample.', false);
      bundled.disabled = true;
      void fetch(`/emulator/samples/${encodeURIComponent(name)}`, { credentials: 'same-origin' })
        .then(async (r) => (r.ok ? replay(await r.text(), name.endsWith('.jsonl'), name) : result.say(`Failed: HTTP ${r.status}`, false)))
        .finally(() => (bundled.disabled = false));
    });
    const file = h('input', { id: 'replay-file', type: 'file', accept: '.json,.jsonl,.ndjson,application/json' });
    const upload = h('button', { type: 'button', id: 'replay-upload', className: 'secondary', text: 'Replay file' });
    upload.addEventListener('click', () => {
      const f = file.files?.[0];
      if (!f) return result.say('Choose a .json or .jsonl file first.', false);
      upload.disabled = true;
      void f
        .text()
        .then((text) => replay(text, /\.(jsonl|ndjson)$/i.test(f.name), f.name))
        .finally(() => (upload.disabled = false));
    });
    return h(
      'section',
      { className: 'web-section' },
      h('h2', { text: 'Replay a sample batch' }),
      h('p', { className: 'muted', text: 'Feeds the events to delivery as if generated now (fresh event ids): {"events":[…]} or JSON Lines.' }),
      field('replay-sample', 'Bundled sample', this.samples),
      h('div', { className: 'actions' }, bundled),
      field('replay-file', 'Or a file of your own', file),
      h('div', { className: 'actions' }, upload),
      result.el,
    );
  }
}
