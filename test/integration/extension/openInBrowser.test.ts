/**
 * Open in Browser (issue 15) through the extension's host code (fake `vscode` at the edge, the
 * real emulator): each use opens a fresh one-time link that logs a browser in, from the command,
 * the status bar menu and the view title.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { EmulatorController } from '../../../src/emulator/controller';
import { activateExtension, fake, REPO_ROOT, waitFor } from '../../helpers/extensionHarness';

test('Open in Browser opens a fresh one-time login link of the running emulator; the link logs a browser in, once', async () => {
  const h = await activateExtension();
  try {
    const { EmulatorController } = await import('../../../src/emulator/controller');
    const c = h.context.subscriptions.find((d) => d instanceof EmulatorController) as EmulatorController;
    await waitFor(() => c.state === 'running', 'the emulator');
    const origin = c.ready!.http;

    await fake.commands.get('mailtrapEmulator.browser.open')!();
    fake.quickPicks.push((items: { label: string; command: string }[]) => items.find((i) => i.command === 'mailtrapEmulator.browser.open'));
    await fake.commands.get('mailtrapEmulator.emulator.menu')!();
    await waitFor(() => fake.opened.length === 2, 'two links opened');
    const [first, second] = fake.opened as [string, string];
    for (const link of [first, second]) assert.match(link, new RegExp(`^${origin.replace(/\./g, '\\.')}/#login=[0-9a-f]{48}$`));
    assert.notEqual(first, second, 'a fresh link each time');
    assert.ok(!first.includes(c.ready!.token), 'the token is not in the link');

    // What the page's script does with the link: exchange the code for the session cookie.
    const exchange = (link: string) =>
      fetch(`${origin}/ui/session`, { method: 'POST', headers: { Origin: origin, 'Content-Type': 'application/json' }, body: JSON.stringify({ code: link.split('#login=')[1] }) });
    const res = await exchange(first);
    assert.equal(res.status, 204);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    assert.equal((await fetch(`${origin}/emulator/status`, { headers: { Cookie: cookie } })).status, 200);
    assert.equal((await exchange(first)).status, 401, 'used once');
    assert.equal((await exchange(second)).status, 204);
    assert.deepEqual(fake.shown.filter((s) => s.level !== 'info'), []);
  } finally {
    await h.dispose();
  }
});

test('Open in Browser is in the view title and the palette while the emulator runs', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const id = 'mailtrapEmulator.browser.open';
  assert.equal(pkg.contributes.commands.find((c: { command: string }) => c.command === id)?.title, 'Open in Browser');
  const title = pkg.contributes.menus['view/title'].find((m: { command: string }) => m.command === id);
  assert.equal(title?.when, 'view == mailtrapEmulator.tree && mailtrapEmulator.state == running');
  assert.match(title?.group, /^navigation/);
  assert.equal(pkg.contributes.menus.commandPalette.find((m: { command: string }) => m.command === id)?.when, 'mailtrapEmulator.state == running');
});
