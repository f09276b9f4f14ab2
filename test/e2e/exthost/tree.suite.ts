/** The tree provider's nodes follow what is created through the API (live, from the SSE stream). */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Node } from '../../../src/views/treeProvider';
import { extensionExports, running, waitFor } from './support';

export function treeSuite(): void {
  describe('tree view', () => {
    it('shows a domain and its webhook created through the API, with their state', async () => {
      const x = await extensionExports();
      const { api } = await running(x);
      const domain = await api.createDomain('tree.test');
      const hook = await api.createWebhook({
        url: `${api.baseUrl}/sink/tree`,
        sending_stream: 'transactional',
        domain_id: domain.id,
        event_types: ['delivery', 'bounce'],
      } as never);
      const roots = await waitFor('the emulator root node', async () => {
        const r = await x.tree.getChildren();
        return r.length === 1 && r[0]!.kind === 'emulator' && r;
      });
      const rootItem = await x.tree.getTreeItem(roots[0]!);
      assert.equal(rootItem.label, 'Mailtrap emulator');
      assert.match(String(rootItem.description), /^running/);
      const domainNode = await waitFor('the domain node', async () =>
        (await x.tree.getChildren(roots[0]!)).find((n): n is Extract<Node, { kind: 'domain' }> => n.kind === 'domain' && n.domain.domain_name === 'tree.test'),
      );
      const infos = (await x.tree.getChildren(roots[0]!)).filter((n) => n.kind === 'info').map((n) => (n as { label: string }).label);
      assert.deepEqual(infos, ['API', 'SMTP', 'Clock']);
      const hooks = await waitFor('the webhook under its domain', async () => {
        const c = await x.tree.getChildren(domainNode);
        return c.length ? c : undefined;
      });
      assert.equal(hooks.length, 1);
      const node = hooks[0] as Extract<Node, { kind: 'webhook' }>;
      assert.equal(node.webhook.id, hook.id);
      const domainItem = await x.tree.getTreeItem(domainNode);
      // Made through the API, the domain starts unverified, as on Mailtrap; the tree says so.
      assert.equal(domainItem.description, 'DNS not verified · 1 webhook');
      assert.equal(domainItem.contextValue, 'domainUnverified');
      assert.equal(domainItem.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
      const item = await x.tree.getTreeItem(node);
      // On the emulator itself: the path is what tells webhooks apart.
      assert.equal(item.label, '/sink/tree');
      assert.match(String(item.description), /^active · Delivery, Bounce/);
      assert.equal(item.contextValue, 'webhook.active');

      await api.updateWebhook(hook.id, { active: false });
      await waitFor('the webhook to show as paused', async () => {
        const [n] = await x.tree.getChildren(domainNode);
        return n && /^paused/.test(String((await x.tree.getTreeItem(n)).description));
      });
    });
  });
}
