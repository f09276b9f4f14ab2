/** The tree from a real emulator: domains and webhooks created through its API appear live (SSE, no polling). */
import { activateExtension, fake, waitFor } from '../../helpers/extensionHarness';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EmulatorController } from '../../../src/emulator/controller';
import type { EmulatorTreeProvider, Node } from '../../../src/views/treeProvider';
import type { ThemeIcon } from '../../helpers/fakeVscode';
import { always, startReceiver } from '../../helpers/receiver';

describe('EmulatorTreeProvider', { concurrency: false }, () => {
  let h: Awaited<ReturnType<typeof activateExtension>>;
  let tree: EmulatorTreeProvider;
  let controller: EmulatorController;
  let changes = 0;

  before(async () => {
    h = await activateExtension();
    const { EmulatorTreeProvider } = await import('../../../src/views/treeProvider');
    const { EmulatorController } = await import('../../../src/emulator/controller');
    tree = h.context.subscriptions.find((d) => d instanceof EmulatorTreeProvider) as EmulatorTreeProvider;
    controller = h.context.subscriptions.find((d) => d instanceof EmulatorController) as EmulatorController;
    tree.onDidChangeTreeData(() => changes++);
    await waitFor(() => controller.state === 'running', 'the emulator');
  });
  after(() => h.dispose());

  const labels = async (nodes: Node[]) => Promise.all(nodes.map(async (n) => (await tree.getTreeItem(n)).label));

  test('running with no domains: the emulator node with API, SMTP, clock and an add-domain item', async () => {
    const [root, ...rest] = await tree.getChildren();
    assert.equal(rest.length, 0);
    const item = await tree.getTreeItem(root!);
    assert.equal(item.label, 'Mailtrap emulator');
    assert.equal(item.contextValue, 'emulator.running');
    assert.equal((item.iconPath as ThemeIcon).id, 'vm-running');
    const children = await tree.getChildren(root);
    assert.deepEqual(await labels(children), ['API', 'SMTP', 'Clock', 'Add a sending domain…']);
    const api = await tree.getTreeItem(children[0]!);
    assert.equal(api.description, controller.ready!.http);
    const smtp = await tree.getTreeItem(children[1]!);
    assert.equal(smtp.description, `127.0.0.1:${controller.ready!.smtpPort}`);
    assert.match(String((await tree.getTreeItem(children[2]!)).description), /^\d{4}-\d\d-\d\d \d\d:\d\dZ$/);
    assert.equal((await tree.getTreeItem(children[3]!)).command?.command, 'mailtrapEmulator.domain.add');
  });

  test('a refresh that changes nothing shown does not redraw the tree (a right-click then keeps its row); one that does, does', async () => {
    const [root] = await tree.getChildren();
    await tree.getChildren(root);
    // Not across a turn of the clock row's minute (that is a change shown).
    const clock = (await tree.load()).status!.clock;
    const toNextMinute = (60_000 - (clock.now % 60_000)) / clock.scale;
    if (toNextMinute < 3000) await new Promise((r) => setTimeout(r, toNextMinute + 200));
    tree.refresh();
    const loaded = tree.load();
    await loaded;
    const before = changes;
    tree.refreshSoon();
    await waitFor(() => tree.load() !== loaded, 'the tree to fetch again');
    await tree.load();
    assert.equal(changes, before, 'same domains, webhooks and clock minute: no redraw');
    const domain = await controller.api!.createDomain('quiet.test');
    await waitFor(() => changes > before, 'a redraw for the new domain');
    await controller.api!.deleteDomain(domain.id);
    await waitFor(async () => {
      const [r] = await tree.getChildren();
      return !(await labels(await tree.getChildren(r))).includes('quiet.test');
    }, 'the domain to go again');
  });

  test('a domain and webhooks created through the API appear after the stream announces them', async () => {
    const api = controller.api!;
    const before = changes;
    const domain = await api.createDomain('acme.test');
    const hook = await api.createWebhook({
      url: 'https://user:pw@hooks.acme.test/mt?token=abc',
      active: true,
      payload_format: 'json',
      sending_stream: 'transactional',
      domain_id: domain.id,
      event_types: ['delivery', 'bounce'],
    });
    await api.createWebhook({ url: 'http://127.0.0.1:9/all', active: true, payload_format: 'jsonlines', sending_stream: 'bulk', event_types: ['open'] });
    await waitFor(async () => {
      const [root] = await tree.getChildren();
      return (await labels(await tree.getChildren(root))).includes('All domains');
    }, 'the tree to refresh from the stream');
    assert.ok(changes > before, 'onDidChangeTreeData fired');

    const [root] = await tree.getChildren();
    const children = await tree.getChildren(root);
    assert.deepEqual(await labels(children), ['API', 'SMTP', 'Clock', 'acme.test', 'All domains']);
    const domainItem = await tree.getTreeItem(children[3]!);
    // Created through the API: unverified, as on Mailtrap; the tree says so and offers Mark DNS Verified.
    assert.equal(domainItem.description, 'DNS not verified · 1 webhook');
    assert.equal(domainItem.contextValue, 'domainUnverified');
    await api.verifyDomain(domain.id);
    await waitFor(async () => {
      const [r] = await tree.getChildren();
      const d = (await tree.getChildren(r))[3]!;
      return (await tree.getTreeItem(d)).contextValue === 'domain';
    }, 'the tree to show the domain verified');
    assert.equal((await tree.getTreeItem((await tree.getChildren(root))[3]!)).description, '1 webhook');

    const [hookNode] = await tree.getChildren(children[3]);
    const item = await tree.getTreeItem(hookNode!);
    // What tells webhooks apart first (host and path); no userinfo in the label, the password nowhere.
    assert.equal(item.label, 'hooks.acme.test/mt?token=abc');
    const tooltip = (item.tooltip as { value: string }).value;
    assert.match(tooltip, /^https:\/\/user:\\\*\\\*\\\*@/);
    assert.ok(tooltip.includes('Basic auth: user user \\(password hidden\\)'), tooltip);
    assert.ok(!tooltip.includes('pw@'), 'the password never shows');
    assert.equal(item.description, 'active · Delivery, Bounce');
    assert.equal((item.iconPath as ThemeIcon).id, 'broadcast');
    assert.equal(item.contextValue, 'webhook.active', 'created outside the extension: no known secret');
    assert.equal(item.command?.command, 'mailtrapEmulator.inspector.open');

    // Paused through the API: the tree shows it paused with the pause icon.
    await api.updateWebhook(hook.id, { active: false });
    await waitFor(async () => {
      const [n] = await tree.getChildren((await tree.getChildren(root))[3]);
      return (await tree.getTreeItem(n!)).contextValue === 'webhook.paused';
    }, 'the paused webhook');
    const [paused] = await tree.getChildren((await tree.getChildren(root))[3]);
    const pausedItem = await tree.getTreeItem(paused!);
    assert.equal((pausedItem.iconPath as ThemeIcon).id, 'debug-pause');
    assert.match(String(pausedItem.description), /^paused · /);
  });

  // The tree reads the last batch of each webhook from the emulator's delivery summaries
  // (`?summary=true`: no bodies), refreshed by the stream while batches go out.
  test('a webhook whose batch was refused shows failing and its last answer, from the delivery summaries of the emulator', async () => {
    const api = controller.api!;
    const rx = await startReceiver(always(503));
    try {
      const domain = await api.createDomain('summaries.test');
      await api.verifyDomain(domain.id);
      const hook = await api.createWebhook({ url: rx.url, active: true, payload_format: 'json', sending_stream: 'transactional', domain_id: domain.id, event_types: ['delivery'] });
      await api.send({ from: { email: 'a@summaries.test' }, to: [{ email: 'b@example.net' }], subject: 'Hi', text: 'x' });
      await api.advanceClock(40);
      await waitFor(() => rx.requests.length > 0, 'the batch at the receiver');
      const summaries = await api.listDeliverySummaries({ webhook_id: hook.id });
      assert.equal(summaries.data[0]?.status, 'retrying');
      assert.equal('body' in summaries.data[0]!, false, 'a summary carries no batch body');
      const row = async () => {
        const [root] = await tree.getChildren();
        const domainNode = (await tree.getChildren(root)).find((n) => n.kind === 'domain' && n.domain.domain_name === 'summaries.test');
        const [hookNode] = domainNode ? await tree.getChildren(domainNode) : [];
        return hookNode && tree.getTreeItem(hookNode);
      };
      await waitFor(async () => (await row())?.description?.toString().startsWith('failing') ?? false, 'the failing webhook row');
      const item = (await row())!;
      assert.match(String(item.description), /^failing · Delivery · 503 /);
      assert.equal((item.iconPath as ThemeIcon).id, 'error');
    } finally {
      await rx.close();
    }
  });

  test('a webhook created through the form handler has its secret known: copy secret is offered and copies it', async () => {
    const { formHandlers } = await import('../../../src/webviews/formPanel');
    const { SigningSecrets } = await import('../../../src/emulator/secrets');
    // The secrets store the tree reads is the extension's: reach it through the copy command path.
    const secrets = (tree as unknown as { secrets: InstanceType<typeof SigningSecrets> }).secrets;
    const handlers = formHandlers({ api: controller.api!, secrets }, () => {}, async () => {});
    const r = await handlers['webhook.save']({
      url: 'http://127.0.0.1:9/new', username: '', password: '', token: '',
      active: true, payload_format: 'json', sending_stream: 'transactional', domain_id: null, event_types: ['delivery'],
    });
    assert.match(r.signingSecret!, /^[0-9a-f]{32}$/);
    assert.equal((r.webhook as { signing_secret?: string }).signing_secret, undefined);
    tree.refresh();
    const [root] = await tree.getChildren();
    const all = (await tree.getChildren(root)).find((n) => n.kind === 'allDomains')!;
    const nodes = await tree.getChildren(all);
    const node = nodes.find((n) => n.kind === 'webhook' && n.webhook.id === r.webhook.id)!;
    assert.equal((await tree.getTreeItem(node)).contextValue, 'webhook.active.secret');
    await fake.commands.get('mailtrapEmulator.webhook.copySecret')!(node);
    assert.equal(fake.clipboard, r.signingSecret);
  });

  test('stopped: no nodes, so the welcome view with Start / Add Domain shows', async () => {
    await controller.stop();
    assert.deepEqual(await tree.getChildren(), []);
    assert.equal(fake.context.get('mailtrapEmulator.state'), 'stopped');
  });
});
