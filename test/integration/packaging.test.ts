/** The extension manifest and package contents: what `npm run package` puts in the .vsix, and a consistent package.json. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_SETTINGS, RESTART_SETTINGS, Setting, SECTION } from '../../src/settings';

const ROOT = path.resolve(__dirname, '../..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

test('the vsix holds only dist/ bundles, media, README, LICENSE and the manifest', () => {
  const vsce = path.join(ROOT, 'node_modules/@vscode/vsce/vsce');
  const files = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').sort();
  for (const required of ['dist/emulator.js', 'dist/emulator-core.js', 'dist/emulator-early.js', 'dist/emulator-later.js', 'dist/emulator-lines.js', 'dist/extension.js', 'dist/sql-wasm.wasm', 'media/dist/form.js', 'media/dist/inspector.js', 'media/dist/message.js', 'media/webview.css', 'dist/web/web.js', 'dist/web/web.css', 'README.md', 'LICENSE', 'package.json']) {
    assert.ok(files.includes(required), `${required} is packaged`);
  }
  for (const f of files) {
    assert.match(f, /^(dist\/[^/]+\.(js|wasm)|dist\/samples\/.+|dist\/web\/[^/]+\.(js|css|svg)|media\/dist\/[^/]+\.js|media\/[^/]+\.(css|svg|png)|README\.md|LICENSE|package\.json)$/, `${f} should not be packaged`);
    assert.doesNotMatch(f, /\.map$|node_modules|^src\/|^test\//);
  }
  // Activation loads only the extension bundle: keep it small.
  assert.ok(fs.statSync(path.join(ROOT, 'dist/extension.js')).size < 300 * 1024);
});

test('the manifest: activation events, commands with icons, menus naming declared commands, settings matching settings.ts', () => {
  // Contributed commands activate the extension by themselves (VS Code >= 1.74); the start and inspector commands are listed for clarity.
  assert.deepEqual(manifest.activationEvents.sort(), ['onCommand:mailtrapEmulator.emulator.start', 'onCommand:mailtrapEmulator.inspector.open', 'onStartupFinished', 'onView:mailtrapEmulator.messages', 'onView:mailtrapEmulator.tree', 'onWebviewPanel:mailtrapEmulator.inspector']);
  assert.equal(manifest.main, './dist/extension.js');
  const declared = new Set(manifest.contributes.commands.map((c: { command: string }) => c.command));
  for (const c of manifest.contributes.commands) assert.match(c.icon, /^\$\([a-z-]+\)$/, `${c.command} has a codicon`);
  for (const [where, items] of Object.entries(manifest.contributes.menus) as [string, { command: string; when?: string }[]][]) {
    for (const m of items) {
      assert.ok(declared.has(m.command), `${where}: ${m.command} is declared`);
      if (where.startsWith('view/')) assert.match(m.when!, /view == mailtrapEmulator\.(tree|messages)\b/);
    }
  }
  const props = Object.keys(manifest.contributes.configuration.properties).sort();
  assert.deepEqual(props, Object.values(Setting).map((k) => `${SECTION}.${k}`).sort());
  for (const k of RESTART_SETTINGS) assert.ok(props.includes(`${SECTION}.${k}`));
  assert.deepEqual(manifest.contributes.configuration.properties['mailtrapEmulator.dataLocation'].enum, ['workspace', 'global', 'memory']);
  // The settings' defaults are the emulator's (one source, emulator/config.ts): the manifest must say the same.
  for (const [k, v] of Object.entries(DEFAULT_SETTINGS)) assert.equal(manifest.contributes.configuration.properties[`${SECTION}.${k}`].default, v, `${k} default`);
  assert.equal(manifest.contributes.viewsContainers.activitybar[0].id, 'mailtrapEmulator');
  assert.ok(manifest.contributes.viewsWelcome.some((w: { contents: string }) => /command:mailtrapEmulator\.emulator\.start/.test(w.contents) && /command:mailtrapEmulator\.domain\.add/.test(w.contents)));
  assert.match(manifest.devDependencies['@types/vscode'], new RegExp(`^~?${manifest.engines.vscode.replace('^', '').replace(/\.0$/, '').replace(/\./g, '\\.')}`));
});
