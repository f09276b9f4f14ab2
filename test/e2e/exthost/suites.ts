/** The suites that run inside the real extension host, in order (deactivation last). */
import { activationSuite } from './activation.suite';
import { commandsSuite } from './commands.suite';
import { lifecycleSuite } from './lifecycle.suite';
import { treeSuite } from './tree.suite';

export const suites: Array<() => void> = [activationSuite, treeSuite, commandsSuite, lifecycleSuite];
