/**
 * The extension-host suites (test/e2e/exthost, mocha) inside a real VS Code: code-server's extension
 * host with the full `vscode` API, this repository as the development extension. The host runs once
 * (in the suite body); each of its mocha tests is then reported here as a test of its own.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import { launchBrowser } from './support/browser';
import { runInExtensionHost, type HostRun } from './support/extensionHost';
import { bundleHostSuite, e2ePaths, ROOT, TEST_SETTINGS, tempWorkspace } from './support/prepare';

async function runHost(): Promise<HostRun> {
  const paths = await e2ePaths();
  const testsIndex = await bundleHostSuite();
  const browser = await launchBrowser();
  const workspace = tempWorkspace();
  try {
    return await runInExtensionHost({ paths, browser, workspace, extensionPath: ROOT, testsIndex, settings: { ...TEST_SETTINGS }, timeoutMs: 240_000 });
  } finally {
    await browser.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

describe('real VS Code: extension host', async () => {
  let run: HostRun;
  try {
    run = await runHost();
  } catch (err) {
    it('runs the mocha suite inside the extension host', () => {
      throw err;
    });
    return;
  }

  it('the mocha suite ran to the end inside the extension host', () => {
    assert.ok(run.results.length > 0, `no results reported; host log:\n${run.log.join('\n')}`);
    assert.equal(run.exitCode, run.results.some((r) => r.state === 'failed') ? 1 : 0, `host exit code ${run.exitCode}`);
  });

  for (const r of run.results) {
    it(r.title, () => {
      if (r.state === 'failed') assert.fail(r.error ?? 'failed in the extension host');
    });
  }

  it('no emulator process outlived the extension host', () => {
    assert.deepEqual(run.orphans, [], 'emulator pids still running after the host finished');
  });
});
