/**
 * Domain and webhook forms. Client-side checks catch the obvious (empty URL, no event type);
 * the emulator's 422 field errors are shown under their fields. After a webhook is created, its
 * signing secret is shown once with a copy button.
 */
import type { FormInit, FormMethods, WebhookFormValues } from '../../src/protocol/messages';
import { assembleWebhookUrl, splitWebhookUrl } from '../../src/protocol/webhookUrl';
import { eventLabel } from '../../src/protocol/eventLabels';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../../src/protocol/wire';
import { h, RequestError, Rpc } from './rpc';

const app = document.getElementById('app')!;
const rpc = new Rpc<FormMethods>((init: FormInit) => (init.kind === 'domain' ? domainForm() : webhookForm(init)));

function field(id: string, label: string, input: HTMLElement, hint?: string): HTMLElement {
  return h('div', { className: 'field', 'data-field': id }, h('label', { for: id, text: label }), input, hint ? h('div', { className: 'hint', text: hint }) : null, h('div', { className: 'error', id: `${id}-error`, role: 'alert' }));
}

function clearErrors(form: HTMLElement): void {
  form.querySelectorAll('.error').forEach((e) => (e.textContent = ''));
  form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
  form.querySelector('.form-error')!.textContent = '';
}

/** Puts each message under its field (unknown fields go to the form-level line; Mailtrap's `base` messages as they are). */
function showErrors(form: HTMLElement, fields: Record<string, string[]>, fallback?: string): void {
  const rest: string[] = [];
  for (const [name, msgs] of Object.entries(fields)) {
    const el = form.querySelector<HTMLElement>(`#${CSS.escape(name)}-error`);
    if (el) {
      el.textContent = msgs.join(', ');
      form.querySelector(`#${CSS.escape(name)}`)?.setAttribute('aria-invalid', 'true');
    } else rest.push(name === 'base' ? msgs.join(', ') : `${name} ${msgs.join(', ')}`);
  }
  if (fallback && !Object.keys(fields).length) rest.push(fallback);
  form.querySelector('.form-error')!.textContent = rest.join('; ');
}

/** The error line and the Save / Cancel row every form ends with. */
function footer(save: HTMLButtonElement): HTMLElement[] {
  return [
    h('div', { className: 'form-error', role: 'alert' }),
    h('div', { className: 'actions' }, save, h('button', { type: 'button', className: 'secondary', id: 'cancel', text: 'Cancel' })),
  ];
}

/** Cancel closes the panel; submit runs `run` through `submit` (busy state, errors shown inline). */
function onSubmit(form: HTMLElement, save: HTMLButtonElement, run: () => Promise<void>): void {
  form.querySelector('#cancel')!.addEventListener('click', () => void rpc.request('panel.close', {}));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void submit(form, save, run);
  });
}

async function submit(form: HTMLElement, button: HTMLButtonElement, run: () => Promise<void>): Promise<void> {
  clearErrors(form);
  button.disabled = true;
  try {
    await run();
  } catch (err) {
    showErrors(form, err instanceof RequestError ? err.fields ?? {} : {}, (err as Error).message);
  } finally {
    button.disabled = false;
  }
}

function domainForm(): void {
  const name = h('input', { id: 'domain_name', type: 'text', placeholder: 'example.com', autocomplete: 'off' });
  // On Mailtrap a new domain waits for its DNS records; here that step is this box (or, later,
  // Mark DNS Verified in the tree). Left unticked, mail from it is suspended, then rejected.
  const verified = h('input', { id: 'verified', type: 'checkbox', checked: true });
  const save = h('button', { type: 'submit', text: 'Add domain' });
  const form = h(
    'form',
    { className: 'form', novalidate: true },
    h('h1', { text: 'New sending domain' }),
    field('domain_name', 'Domain name', name),
    h('label', { className: 'check' }, verified, 'Mark DNS verified now (unticked, it starts unverified as on Mailtrap: its mail is suspended until you mark it)'),
    ...footer(save),
  );
  onSubmit(form, save, async () => {
    const domainName = name.value.trim();
    if (!domainName) return showErrors(form, { domain_name: ['is required'] });
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(domainName)) return showErrors(form, { domain_name: ['must be a domain like example.com'] });
    await rpc.request('domain.create', { domainName, verified: verified.checked });
    await rpc.request('panel.close', {});
  });
  app.replaceChildren(form);
  name.focus();
}

function select(id: string, options: [string, string][], value: string, disabled = false): HTMLSelectElement {
  const s = h('select', { id, disabled });
  for (const [v, label] of options) s.append(h('option', { value: v, text: label }));
  s.value = value;
  return s;
}

function webhookForm(init: FormInit): void {
  const w = init.webhook;
  const parts = w ? splitWebhookUrl(w.url) : { url: init.sinkUrl ?? '', username: '', password: '', token: '' };
  const url = h('input', { id: 'url', type: 'url', placeholder: 'https://example.com/webhooks/mailtrap', value: parts.url, autocomplete: 'off' });
  const username = h('input', { id: 'username', type: 'text', value: parts.username, autocomplete: 'off' });
  const password = h('input', { id: 'password', type: 'password', value: parts.password, autocomplete: 'off' });
  const token = h('input', { id: 'token', type: 'text', value: parts.token, autocomplete: 'off' });
  const stream = select('sending_stream', [['transactional', 'Transactional'], ['bulk', 'Bulk']], w?.sending_stream ?? 'transactional', !!w);
  const domain = select(
    'domain_id',
    [['', 'All domains'], ...init.domains.map((d): [string, string] => [String(d.id), d.domain_name])],
    String(w ? w.domain_id ?? '' : init.domainId ?? ''),
    !!w,
  );
  const format = select('payload_format', [['json', 'JSON batch ({"events": [...]})'], ['jsonlines', 'JSON Lines (one event a line)']], w?.payload_format ?? 'json');
  const selected = new Set<string>(w?.event_types ?? WEBHOOK_EVENT_TYPES);
  const events = h(
    'fieldset',
    { id: 'event_types', className: 'checks' },
    h('legend', { text: 'Event types' }),
    ...WEBHOOK_EVENT_TYPES.map((t) =>
      h('label', { className: 'check' }, h('input', { type: 'checkbox', name: 'event_types', value: t, checked: selected.has(t) }), eventLabel(t)),
    ),
    h('div', { className: 'error', id: 'event_types-error', role: 'alert' }),
  );
  const active = h('input', { id: 'active', type: 'checkbox', checked: w ? w.active : true });
  const save = h('button', { type: 'submit', text: w ? 'Save changes' : 'Create webhook' });
  const form = h(
    'form',
    { className: 'form', novalidate: true },
    h('h1', { text: w ? `Edit webhook #${w.id}` : 'New webhook' }),
    field('url', 'URL', url, 'http or https. Default: the emulator\'s built-in sink, which records what it receives.'),
    h('div', { className: 'field-row' }, field('username', 'Basic auth user (optional)', username), field('password', 'Basic auth password (optional)', password)),
    field('token', 'Token (optional)', token, 'Added to the URL as ?token=…'),
    h('div', { className: 'field-row' }, field('sending_stream', 'Stream', stream, w ? 'Cannot change after creation.' : undefined), field('domain_id', 'Domain', domain, w ? 'Cannot change after creation.' : undefined)),
    field('payload_format', 'Payload format', format),
    events,
    h('label', { className: 'check' }, active, 'Active'),
    ...footer(save),
  );
  onSubmit(form, save, async () => {
    const eventTypes = [...form.querySelectorAll<HTMLInputElement>('input[name=event_types]:checked')].map((c) => c.value as WebhookEventType);
    const values: WebhookFormValues & { id?: number } = {
      ...(w ? { id: w.id } : {}),
      url: url.value.trim(),
      username: username.value,
      password: password.value,
      token: token.value.trim(),
      sending_stream: stream.value as 'transactional' | 'bulk',
      domain_id: domain.value ? Number(domain.value) : null,
      payload_format: format.value as 'json' | 'jsonlines',
      event_types: eventTypes,
      active: active.checked,
    };
    const errors: Record<string, string[]> = {};
    const assembled = assembleWebhookUrl(values);
    if ('error' in assembled) (assembled.error.includes('user name') ? (errors.username = [assembled.error]) : (errors.url = [assembled.error]));
    if (!eventTypes.length) errors.event_types = ['select at least one event type'];
    if (Object.keys(errors).length) return showErrors(form, errors);
    const result = await rpc.request('webhook.save', values);
    if (result.signingSecret) showSecret(result.webhook.id, result.signingSecret);
    else await rpc.request('panel.close', {});
  });
  app.replaceChildren(form);
  url.focus();
}

/** Shown once: the emulator never returns the secret again. */
function showSecret(id: number, secret: string): void {
  const copy = h('button', { type: 'button', id: 'copy-secret', text: 'Copy' });
  const done = h('button', { type: 'button', className: 'secondary', id: 'done', text: 'Done' });
  copy.addEventListener('click', () => {
    void rpc.request('clipboard.write', { text: secret }).then(() => (copy.textContent = 'Copied'));
  });
  done.addEventListener('click', () => void rpc.request('panel.close', {}));
  app.replaceChildren(
    h(
      'div',
      { className: 'form secret' },
      h('h1', { text: `Webhook #${id} created` }),
      h('p', { text: 'Its signing secret is shown only now. Use it to verify the Mailtrap-Signature header (HMAC-SHA256 of the raw body).' }),
      h('div', { className: 'secret-row' }, h('code', { id: 'signing-secret', text: secret }), copy),
      h('div', { className: 'actions' }, done),
    ),
  );
}
