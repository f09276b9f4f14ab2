/** The closing line CI reads after the real-VS-Code suites: leaf tests only, failures never hidden. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
// @ts-expect-error plain ESM script without types
import summary from '../../../scripts/e2e/summary-reporter.mjs';

type Ev = { type: string; data: { nesting: number; name: string; details?: { type?: string; error?: { failureType?: string } } } };

async function closingLine(events: Ev[]): Promise<string> {
  async function* source() {
    yield* events;
  }
  let out = '';
  for await (const chunk of summary(source())) out += chunk;
  return out.trim();
}

const pass = (nesting: number, name: string, type?: string): Ev => ({ type: 'test:pass', data: { nesting, name, details: { type } } });
const fail = (nesting: number, name: string, failureType = 'testCodeFailure', type?: string): Ev => ({
  type: 'test:fail',
  data: { nesting, name, details: { type, error: { failureType } } },
});

test('counts the tests inside suites, not the suites', async () => {
  const line = await closingLine([pass(1, 'a'), pass(1, 'b'), fail(1, 'c'), fail(0, 'suite', 'subtestsFailed', 'suite'), pass(0, 'top-level test')]);
  assert.equal(line, '3 passed, 1 failed');
});

test('a test that only groups subtests is not counted; its subtests are', async () => {
  const line = await closingLine([pass(2, 'x'), pass(2, 'y'), pass(1, 'group'), pass(0, 'file', 'suite')]);
  assert.equal(line, '2 passed, 0 failed');
});

test('a suite that fails on its own (a hook threw) counts as a failure', async () => {
  const line = await closingLine([pass(1, 'a'), fail(0, 'suite', 'hookFailed', 'suite')]);
  assert.equal(line, '1 passed, 1 failed');
});

test('ignores other events and prints 0 passed, 0 failed for an empty run', async () => {
  assert.equal(await closingLine([{ type: 'test:diagnostic', data: { nesting: 0, name: 'x' } }]), '0 passed, 0 failed');
});
