import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DEFAULTS, parseConfig } from '../../emulator/config';

describe('parseConfig', () => {
  it('uses the documented defaults', () => {
    const { config } = parseConfig([]);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 8780);
    assert.equal(config.smtpPort, 2525);
    assert.equal(config.dataDir, DEFAULTS.dataDir);
    assert.equal(config.batchInterval, 30);
    assert.equal(config.batchMax, 500);
    assert.equal(config.retries, 40);
    assert.equal(config.retryInterval, 300);
    assert.equal(config.timeout, 30);
    assert.equal(config.token, null);
    assert.equal(config.exitWithParent, false);
    assert.ok(Object.isFrozen(config));
  });

  it('reads flags in both --k v and --k=v forms, and --memory', () => {
    const { config } = parseConfig(['--port', '0', '--smtp-port=0', '--time-scale', '60', '--memory', '--token', 'abc']);
    assert.equal(config.port, 0);
    assert.equal(config.smtpPort, 0);
    assert.equal(config.timeScale, 60);
    assert.equal(config.dataDir, null);
    assert.equal(config.token, 'abc');
  });

  it('reads MT_EMULATOR_* variables, and flags win over them', () => {
    const env = { MT_EMULATOR_PORT: '9000', MT_EMULATOR_BATCH_MAX: '10', MT_EMULATOR_MEMORY: 'true' };
    const { config } = parseConfig(['--port', '9001'], env);
    assert.equal(config.port, 9001);
    assert.equal(config.batchMax, 10);
    assert.equal(config.dataDir, null);
  });

  it('--exit-with-parent, or MT_EMULATOR_EXIT_WITH_PARENT, ties the emulator to its parent process', () => {
    assert.equal(parseConfig(['--exit-with-parent']).config.exitWithParent, true);
    assert.equal(parseConfig([], { MT_EMULATOR_EXIT_WITH_PARENT: '1' }).config.exitWithParent, true);
    assert.equal(parseConfig([], { MT_EMULATOR_EXIT_WITH_PARENT: 'false' }).config.exitWithParent, false);
  });

  for (const [args, pattern] of [
    [['--port', 'abc'], /port/],
    [['--port', '70000'], /port/],
    [['--nope'], /unknown option --nope/],
    [['--time-scale', '-1'], /time-scale/],
    [['--batch-max', '1.5'], /batch-max/],
    [['--data'], /needs a value/],
    [['stray'], /unexpected argument/],
    [['--memory', '--data', 'x'], /cannot be used together/],
  ] as Array<[string[], RegExp]>) {
    it(`rejects ${args.join(' ')} with a clear message`, () => {
      assert.throws(() => parseConfig(args), (e: unknown) => e instanceof ConfigError && pattern.test(e.message));
    });
  }
});
