/**
 * `mailtrap-emulator check` against real handlers, each with one of the mistakes that break
 * integrations (Mailtrap's rules: mailtrap-docs, email-api-smtp/webhooks.md, "Retry schedule and
 * batches": only 200 counts, 30 s timeout, 40 retries every 5 minutes, batches of up to 500).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHECK_IDS } from '../../../emulator/core/check/types';
import { CASES, SECRET, startCheckReceiver, type CheckReceiver } from '../../helpers/checkReceivers';
import { EMULATOR_JS, tempDir } from '../../helpers/emulatorProcess';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Run> {
  const p = spawn(process.execPath, [EMULATOR_JS, 'check', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (c: Buffer) => (stdout += c));
  p.stderr.on('data', (c: Buffer) => (stderr += c));
  return new Promise((resolve) => p.on('close', (code) => resolve({ code, stdout, stderr })));
}

const flags = (a: { format?: string; timeout?: number }): string[] => [
  ...(a.format ? ['--format', a.format] : []),
  ...(a.timeout ? ['--timeout', String(a.timeout)] : []),
];

describe('mailtrap-emulator check', () => {
  const receivers = new Map<string, CheckReceiver>();
  before(async () => {
    for (const c of CASES) receivers.set(c.name, await startCheckReceiver(c.flaws));
  });
  after(async () => {
    for (const r of receivers.values()) await r.close();
  });

  it('gives each handler exactly its verdicts and exit code (--json)', async () => {
    const runs = await Promise.all(CASES.map((c) => cli([receivers.get(c.name)!.url, '--secret', SECRET, '--json', ...flags(c.args)])));
    CASES.forEach((c, i) => {
      const run = runs[i];
      const report = JSON.parse(run.stdout);
      assert.deepEqual(report.checks.map((x: { id: string }) => x.id), [...CHECK_IDS], c.name);
      assert.deepEqual(report.checks.filter((x: { ok: boolean }) => !x.ok).map((x: { id: string }) => x.id), c.failing, `${c.name}: ${run.stdout}`);
      assert.equal(report.ok, c.ok, c.name);
      assert.equal(run.code, c.ok ? 0 : 1, `${c.name}: exit code`);
      for (const x of report.checks) {
        assert.deepEqual(Object.keys(x).filter((k) => k !== 'fix'), ['id', 'ok', 'severity', 'detail']);
        assert.equal(x.severity, x.id === 'signature' ? 'warning' : 'required');
        assert.equal(typeof x.fix === 'string', !x.ok, `${c.name}/${x.id}: a fix exactly on failures`);
      }
    });
    // The good handler got every probe, including 500 events and the redelivery of the same ids.
    assert.ok(receivers.get('good')!.seen.size >= 1 + 9 + 500);
  });

  it('explains a 204 in the table: what Mailtrap would do, and the fix', async () => {
    const run = await cli([receivers.get('answers 204')!.url, '--secret', SECRET]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /FAIL {2}status-200 +answered 204 instead of 200 .*retry it 40 times, every 5 minutes, and then pause the webhook/);
    assert.match(run.stdout, /fix: Answer with status 200 exactly/);
    assert.match(run.stdout, /WARN|PASS {2}signature/);
    assert.match(run.stdout, /Not ready for Mailtrap: 1 required check failed\.$/m);
  });

  it('names the slow batch and the JSON Lines refusal in their details', async () => {
    const slow = CASES.find((c) => c.name === 'answers after the timeout')!;
    const jsonl = CASES.find((c) => c.name === 'fails on JSON Lines')!;
    const [a, b] = await Promise.all([
      cli([receivers.get(slow.name)!.url, '--secret', SECRET, '--json', ...flags(slow.args)]),
      cli([receivers.get(jsonl.name)!.url, '--secret', SECRET, '--json', ...flags(jsonl.args)]),
    ]);
    const latency = JSON.parse(a.stdout).checks.find((x: { id: string }) => x.id === 'latency');
    assert.match(latency.detail, /^answered 200 after [\d.]+ s, later than Mailtrap waits \(1 s\) to a one-event batch/);
    const format = JSON.parse(b.stdout).checks.find((x: { id: string }) => x.id === 'format');
    assert.match(format.detail, /^answered 400 to a JSON Lines batch, but accepted the same batch as JSON$/);
    assert.match(format.fix, /split it on newlines/);
  });

  it('writes a JUnit report: one testcase per check, a failure for each failed required check', async () => {
    const file = path.join(tempDir('mt-check-'), 'report.xml');
    const run = await cli([receivers.get('500s on big batches')!.url, '--secret', SECRET, '--junit', file]);
    assert.equal(run.code, 1);
    const xml = fs.readFileSync(file, 'utf8');
    assert.equal((xml.match(/<testcase /g) ?? []).length, CHECK_IDS.length);
    assert.match(xml, /<testsuites name="mailtrap-endpoint-check" tests="7" failures="1"/);
    assert.match(xml, /<testcase classname="mailtrap-endpoint-check" name="batch-500">\s*<failure message="answered 500 to a full batch of 500 events/);
  });

  it('an unreachable endpoint fails fast; bad arguments exit 2; the emulator flags still work', async () => {
    const dead = await cli(['http://127.0.0.1:9/nothing', '--secret', SECRET, '--json']);
    assert.equal(dead.code, 1);
    const status = JSON.parse(dead.stdout).checks[0];
    assert.match(status.detail, /ECONNREFUSED/);
    assert.match(status.fix, /check that the handler is running/);
    for (const args of [[], ['http://x.test/h'], ['ftp://x.test/h', '--secret', 's'], ['http://x.test/h', '--secret', 's', '--format', 'xml'], ['http://x.test/h', '--secret', 's', '--timeout', '0'], ['http://x.test/h', '--secret', 's', '--bogus']]) {
      const r = await cli(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, /^mailtrap-emulator check: .+\n$/);
    }
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: mailtrap-emulator check <url> --secret/);
  });
});
