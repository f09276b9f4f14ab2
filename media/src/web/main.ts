/**
 * The emulator's web UI (issue 15), served at `/`: the header (state, clock), and four views:
 * webhooks (domains → webhooks), the payload inspector and the forms (the VS Code components of
 * media/, in frames, hosted by this page), messages with their timelines, and send / replay.
 * Nothing is shown, and no API call answers, before the browser has logged in (session.ts).
 */
import { h } from '../rpc';
import { Header } from './header';
import { InspectorFrame } from './frames';
import { LiveStream } from './host';
import { MessagesView } from './messagesView';
import { ensureSession, logout, showLogin } from './session';
import { ToolsView } from './toolsView';
import { WebhooksView } from './webhooksView';

const app = document.getElementById('app')!;

type Tab = 'webhooks' | 'inspector' | 'messages' | 'tools';
const TABS: [Tab, string][] = [
  ['webhooks', 'Webhooks'],
  ['inspector', 'Payload inspector'],
  ['messages', 'Messages'],
  ['tools', 'Send & replay'],
];

function mountApp(): void {
  const stream = new LiveStream();
  const header = new Header(stream, () => void logout().then(() => location.reload()));
  const inspector = new InspectorFrame(stream);
  const tools = new ToolsView();
  const views: Record<Tab, HTMLElement> = {
    webhooks: h('div', { className: 'web-view', id: 'view-webhooks', role: 'tabpanel' }),
    inspector: h('div', { className: 'web-view framed', id: 'view-inspector', role: 'tabpanel' }, inspector.element),
    messages: h('div', { className: 'web-view', id: 'view-messages', role: 'tabpanel' }),
    tools: h('div', { className: 'web-view', id: 'view-tools', role: 'tabpanel' }, tools.element),
  };
  const tabButtons = TABS.map(([id, label]) => {
    const b = h('button', { type: 'button', role: 'tab', id: `tab-${id}`, 'aria-controls': `view-${id}`, text: label });
    b.addEventListener('click', () => show(id));
    return b;
  });
  const show = (tab: Tab) => {
    for (const [id] of TABS) views[id].hidden = id !== tab;
    tabButtons.forEach((b, i) => b.setAttribute('aria-selected', String(TABS[i]![0] === tab)));
    if (tab === 'tools') void tools.refresh();
    // The tab is kept in the fragment so a reload comes back to it.
    history.replaceState(null, '', `#${tab}`);
  };
  const webhooks = new WebhooksView({
    stream,
    now: () => header.now,
    openInspector: (webhookId) => {
      show('inspector');
      inspector.filter({ webhook_id: webhookId });
    },
  });
  const messages = new MessagesView(stream, (messageId, deliveryId) => {
    show('inspector');
    inspector.filter({ search: messageId }, deliveryId);
  });
  views.webhooks.append(webhooks.element);
  views.messages.append(messages.element);
  app.replaceChildren(header.element, h('nav', { className: 'web-tabs', role: 'tablist' }, ...tabButtons), ...Object.values(views));
  const initial = location.hash.slice(1) as Tab;
  show(TABS.some(([id]) => id === initial) ? initial : 'webhooks');
  stream.start();
  void header.refresh();
  void webhooks.reload();
  void messages.reload();
}

async function start(): Promise<void> {
  const { ok, note } = await ensureSession();
  if (ok) mountApp();
  else showLogin(app, note, () => void start());
}

void start();
