// Renders the webviews in headless Chromium with VS Code's Dark Modern theme variables and sample
// data, for the README: `npm run build && node --import tsx scripts/screenshots.ts` → docs/*.png.
import { createHmac, randomUUID } from 'node:crypto';
import type { DeliveryDto } from '../emulator/http/dto';
import { delivery } from '../test/helpers/fakeEmulatorServer';
import { startWebviewHarness, type WebviewPage } from '../test/helpers/webviewPage';

const THEME: Record<string, string> = {
  'font-family': '"Segoe UI", "Ubuntu", "Droid Sans", sans-serif', 'font-size': '13px', foreground: '#cccccc',
  'editor-background': '#1f1f1f', 'input-background': '#313131', 'input-foreground': '#cccccc', 'input-border': '#3c3c3c',
  focusBorder: '#0078d4', descriptionForeground: '#9d9d9d', errorForeground: '#f85149', 'button-background': '#0078d4',
  'button-foreground': '#ffffff', 'button-hoverBackground': '#026ec1', 'button-secondaryBackground': '#313131',
  'button-secondaryForeground': '#cccccc', 'textCodeBlock-background': '#2b2b2b', 'panel-border': '#2b2b2b',
  'list-hoverBackground': '#2a2d2e', 'list-activeSelectionBackground': '#04395e', 'list-activeSelectionForeground': '#ffffff',
  'badge-background': '#616161', 'badge-foreground': '#f8f8f8', 'testing-iconPassed': '#73c991', 'testing-iconFailed': '#f14c4c',
  'editorWarning-foreground': '#cca700', 'debugTokenExpression-string': '#ce9178', 'debugTokenExpression-number': '#b5cea8',
  'debugTokenExpression-boolean': '#4e94ce', 'symbolIcon-propertyForeground': '#9cdcfe', 'editor-font-family': '"Droid Sans Mono", monospace',
  'editor-font-size': '12px', 'widget-border': '#313131',
};

async function theme(page: WebviewPage) {
  await page.evaluate((vars) => {
    for (const [k, v] of Object.entries(vars)) (globalThis as any).document.documentElement.style.setProperty(`--vscode-${k}`, v);
  }, THEME);
}

const t0 = Date.UTC(2026, 10, 26, 9, 0, 0);
const secret = 'f3b1c2d4e5a60718293a4b5c6d7e8f90';
function batch(id: number, status: DeliveryDto['status'], code: number, events: { event: string; email: string; extra?: object }[]): DeliveryDto {
  const payload = events.map((e, i) => ({
    event: e.event, message_id: randomUUID(), event_id: randomUUID(), timestamp: Math.floor((t0 + id * 31_000) / 1000) + i,
    email: e.email, sending_stream: 'transactional', sending_domain_name: 'acme.test', category: 'welcome', custom_variables: { user_id: 4242 }, ...e.extra,
  }));
  const body = JSON.stringify({ events: payload });
  const sig = createHmac('sha256', secret).update(body).digest('hex');
  const d = delivery(id, { status, lastStatus: code, body, eventCount: payload.length, eventTypes: [...new Set(payload.map((p) => p.event))] as never, createdAt: t0 + id * 31_000, webhookUrl: 'http://127.0.0.1:8780/sink/demo', messageIds: payload.map((p) => p.message_id) });
  d.attempts = d.attempts.map((a) => ({ ...a, startedAt: t0 + id * 31_000, durationMs: 3 + id, request: { ...a.request, url: d.webhookUrl, body, headers: { 'content-type': 'application/json', 'mailtrap-signature': sig, 'user-agent': 'Mailtrap-Webhooks-Emulator/0.1' } }, response: { status: code, headers: { 'content-type': 'application/json' }, body: code === 200 ? '{"ok":true}' : '{"error":"upstream unavailable"}', truncated: false }, ok: code === 200, error: code === 200 ? null : `status ${code}` }));
  if (status === 'retrying') d.nextAttemptAt = t0 + id * 31_000 + 300_000;
  return d;
}

const all = [
  batch(6, 'delivered', 200, [{ event: 'bounce', email: 'test+bounce@example.com', extra: { response: '550 5.1.1 User unknown', response_code: 550, bounce_category: 'badrecipient' } }]),
  batch(5, 'retrying', 500, [{ event: 'delivery', email: 'ana@example.com' }, { event: 'open', email: 'ana@example.com', extra: { ip: '203.0.113.7', user_agent: 'Mozilla/5.0' } }]),
  batch(4, 'delivered', 200, [{ event: 'click', email: 'li@example.com', extra: { url: 'https://acme.test/welcome' } }]),
  batch(3, 'delivered', 200, [{ event: 'soft bounce', email: 'test+soft-bounce@example.com', extra: { response: '451 4.7.1 Greylisted', response_code: 451, bounce_category: 'greylisting' } }, { event: 'delivery', email: 'test+soft-bounce@example.com' }]),
  batch(2, 'failed', 404, [{ event: 'spam', email: 'bob@example.com' }]),
  batch(1, 'delivered', 200, [{ event: 'delivery', email: 'hello@example.com' }]),
];

async function main(): Promise<void> {
const hx = await startWebviewHarness();
try {
  const inspector = await hx.open('inspector', (msg) => {
    if (msg.type === 'ready') return [{ type: 'init', data: { webhooks: [{ id: 1, url: 'http://127.0.0.1:8780/sink/demo' }], filter: {} } }];
    if (msg.method === 'deliveries.list') return [{ type: 'response', id: msg.id, result: { data: all, next_before: null, total: all.length } }];
    if (msg.method === 'delivery.get') return [{ type: 'response', id: msg.id, result: all.find((d) => d.id === msg.params.id) }];
    return [{ type: 'response', id: msg.id, result: null }];
  });
  await theme(inspector);
  await inspector.click('.row[data-id="6"]');
  await inspector.waitForSelector('h2:text("Batch #6")');
  await inspector.screenshot({ path: 'docs/inspector.png' });

  const form = await hx.open('form', (msg) =>
    msg.type === 'ready' ? [{ type: 'init', data: { kind: 'webhook', domains: [{ id: 1, domain_name: 'acme.test' }], domainId: 1, sinkUrl: 'http://127.0.0.1:8780/sink/demo' } }] : [],
  );
  await form.setViewportSize({ width: 760, height: 820 });
  await theme(form);
  await form.waitForSelector('form');
  await form.screenshot({ path: 'docs/webhook-form.png' });
} finally {
  await hx.close();
}
console.log('wrote docs/inspector.png, docs/webhook-form.png');
}

void main();
