/** A core on an in-memory sql.js store and a fake real-time source, for unit tests. */
import { createCore } from '../../emulator/core';
import { VirtualClock } from '../../emulator/core/clock';
import { createLogger } from '../../emulator/log';
import { cryptoRandom } from '../../emulator/random';
import { Store } from '../../emulator/store/database';
import { SqlEventRepository } from '../../emulator/store/eventRepository';
import { SqlDomainRepository, SqlWebhookRepository } from '../../emulator/store/repositories';
import { FakeRealTime } from './fakeTime';

export async function inMemoryCore(opts: { scale?: number } = {}) {
  const log = createLogger('test', { level: 'error', write: () => {} });
  const store = await Store.open({ dir: null, log });
  const real = new FakeRealTime();
  const clock = new VirtualClock(real, opts.scale ?? 1);
  const core = createCore({
    domains: new SqlDomainRepository(store),
    webhooks: new SqlWebhookRepository(store),
    events: new SqlEventRepository(store),
    uow: store,
    clock,
    random: cryptoRandom,
    log,
  });
  return { core, store, real, clock, log };
}
