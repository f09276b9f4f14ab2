/**
 * The library as a user gets it: `npm pack`, installed offline into a scratch project (it has no
 * dependencies to fetch), then the README's example test file run there with node:test, a
 * CommonJS script, and TypeScript consumers (ESM and CommonJS) type-checked against the shipped
 * declarations. express and mailtrap, the user's own dependencies in the example, are linked
 * from this checkout's node_modules.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { tempDir } from '../../helpers/emulatorProcess';

const ROOT = path.resolve(__dirname, '../../..');
const npm = (args: string[], cwd: string) =>
  spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });

/** The first ```js block of the README section that documents the library. */
function readmeExample(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## In your own tests: the library'));
  const m = /```js\n([\s\S]*?)```/.exec(section);
  assert.ok(m, 'the README has an example test file');
  return m[1];
}

describe('the packed package in a scratch project', () => {
  let scratch = '';
  before(() => {
    assert.ok(fs.existsSync(path.join(ROOT, 'dist/lib/index.mjs')), 'run `npm run build` first');
    scratch = tempDir('mt-scratch-');
    const packed = npm(['pack', '--json', '--pack-destination', scratch], ROOT);
    assert.equal(packed.status, 0, packed.stderr);
    const tarball = JSON.parse(packed.stdout)[0].filename as string;
    fs.writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true }));
    const installed = npm(['install', '--offline', '--no-audit', '--no-fund', `./${path.basename(tarball)}`], scratch);
    assert.equal(installed.status, 0, installed.stderr);
    assert.match(installed.stdout, /added 1 package/);
    for (const dep of ['express', 'mailtrap']) fs.symlinkSync(path.join(ROOT, 'node_modules', dep), path.join(scratch, 'node_modules', dep), 'dir');
  });

  it('ships the bundles and declarations, not the extension, sources or maps; no runtime dependencies', () => {
    const dir = path.join(scratch, 'node_modules/mailtrap-webhooks-emulator');
    const files = execFileSync('find', ['.', '-type', 'f'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').map((f) => f.slice(2)).sort();
    for (const f of ['dist/emulator.js', 'dist/emulator-core.js', 'dist/emulator-early.js', 'dist/emulator-later.js', 'dist/emulator-lines.js', 'dist/sql-wasm.wasm', 'dist/lib/index.cjs', 'dist/lib/index.mjs', 'dist/lib/index.d.ts', 'dist/lib/index.d.mts', 'dist/web/web.js', 'package.json', 'README.md', 'LICENSE']) {
      assert.ok(files.includes(f), `${f} is in the package`);
    }
    // dist/web: the emulator's own web UI, which it serves.
    for (const f of files) assert.match(f, /^(dist\/(emulator(-core|-early|-later|-lines)?\.js|sql-wasm\.wasm|samples\/[^/]+|web\/[^/]+\.(js|css|svg)|lib\/[^/]+\.(cjs|mjs|d\.ts|d\.mts))|package\.json|README\.md|LICENSE)$/, `${f} should not be in the package`);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    assert.equal(manifest.dependencies, undefined);
    assert.equal(manifest.main, './dist/extension.js', 'VS Code still loads the extension bundle');
  });

  it("runs the README's example test file green (an express handler, checked end to end)", () => {
    fs.writeFileSync(path.join(scratch, 'webhooks.test.mjs'), readmeExample());
    // A user's own run: not a child of this test runner (NODE_TEST_CONTEXT would make it report to us).
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', 'webhooks.test.mjs'], { cwd: scratch, env, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^# pass 2$/m);
    assert.match(r.stdout, /^# fail 0$/m);
  });

  it('works from CommonJS: require, start, a sink, a delivery, a standalone check, stop', () => {
    fs.writeFileSync(
      path.join(scratch, 'smoke.cjs'),
      `const { startEmulator, checkEndpoint, toSeconds } = require('mailtrap-webhooks-emulator');
(async () => {
  const emu = await startEmulator({ batchInterval: 5 });
  const sink = emu.sink('ci');
  await sink.script([{ status: 500 }, { status: 200 }]);
  const hook = await emu.createWebhook({ url: sink.url, event_types: ['delivery'] });
  const sent = await emu.send({ from: { email: 'app@acme.test' }, to: [{ email: 'bob@example.com' }], subject: 'Hi', text: 'Hi' });
  await emu.clock.advance('10s');   // delivery event, batch, first attempt: 500
  await emu.clock.advance('5m');    // the retry: 200
  const d = await emu.waitForDelivery({ webhook_id: hook.id, message_id: sent.message_ids[0] });
  const events = await sink.events();
  const report = await checkEndpoint('http://127.0.0.1:9/none', { secret: 's', timeout: 1 });
  await emu.stop();
  console.log(JSON.stringify({ attempts: d.attemptCount, status: d.lastStatus, events: events.map((e) => e.event), secret: hook.signing_secret.length, check: report.ok, five: toSeconds('5m') }));
})().catch((e) => { console.error(e); process.exit(1); });
`,
    );
    const r = spawnSync(process.execPath, ['smoke.cjs'], { cwd: scratch, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { attempts: 2, status: 200, events: ['delivery', 'delivery'], secret: 32, check: false, five: 300 });
  });

  it('type-checks for TypeScript users, ESM (.mts) and CommonJS (.cts), without @types/node', () => {
    const use = `
const emu = await startEmulator({ timeScale: 60 });
const hook = await emu.createWebhook({ url: 'http://127.0.0.1:3000/h', payload_format: 'jsonlines', event_types: ['bounce', 'soft_bounce'] });
const secret: string = hook.signing_secret;
const d = await emu.waitForDelivery({ webhook_id: hook.id, event: 'soft bounce' }, { timeout: 1000 });
const first: number | undefined = d.attempts[0]?.response?.status;
const report: CheckReport = await emu.checkEndpoint(hook.url, { secret, format: 'jsonlines' });
const ids: CheckId[] = report.checks.map((c) => c.id);
// @ts-expect-error: not an event type of the webhooks API
await emu.createWebhook({ url: 'x', event_types: ['soft bounce'] });
void [first, ids];
await emu.stop();
`;
    fs.writeFileSync(path.join(scratch, 'esm.mts'), `import { startEmulator, type CheckReport, type CheckId } from 'mailtrap-webhooks-emulator';\n${use}export {};\n`);
    fs.writeFileSync(path.join(scratch, 'cjs.cts'), `import { startEmulator, type CheckReport, type CheckId } from 'mailtrap-webhooks-emulator';\nasync function main() {${use}}\nvoid main;\n`);
    fs.writeFileSync(
      path.join(scratch, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, types: [], lib: ['es2022'], skipLibCheck: false }, files: ['esm.mts', 'cjs.cts'] }),
    );
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', scratch], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});
