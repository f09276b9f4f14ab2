/**
 * Entry point VS Code calls inside the extension host (`extensionTestsPath`): runs the bundled
 * mocha suites and reports each result on one console line (`MTRESULT {...}`), which the smoke-test
 * driver forwards to the browser page that started it.
 */
import Mocha from 'mocha';
import { suites } from './suites';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  for (const register of suites) {
    mocha.suite.emit('pre-require', globalThis, 'bundled', mocha);
    register();
  }
  await new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failures) => (failures ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
    runner.on('pass', (t) => console.log(`MTRESULT ${JSON.stringify({ title: t.fullTitle(), state: 'passed' })}`));
    runner.on('fail', (t, err: Error) =>
      console.log(`MTRESULT ${JSON.stringify({ title: t.fullTitle(), state: 'failed', error: String(err?.stack ?? err).slice(0, 2000) })}`),
    );
  });
}
