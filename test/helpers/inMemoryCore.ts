/** The emulator's services (the same assembly as the emulator's) on an in-memory sql.js store and a fake real-time source, for unit tests. */
import { assembleServices } from '../../emulator/assembly';
import { parseConfig } from '../../emulator/config';
import { VirtualClock } from '../../emulator/core/clock';
import { createLogger } from '../../emulator/log';
import { UndiciWebhookSender } from '../../emulator/outbound/webhookSender';
import { cryptoRandom } from '../../emulator/random';
import { Store } from '../../emulator/store/database';
import { FakeRealTime } from './fakeTime';

/** `dir`: a durable store in that data directory instead (journal and snapshots on disk). */
export async function inMemoryCore(opts: { scale?: number; dir?: string } = {}) {
  const log = createLogger('test', { level: 'error', write: () => {} });
  const store = await Store.open({ dir: opts.dir ?? null, log });
  const real = new FakeRealTime();
  const clock = new VirtualClock(real, opts.scale ?? 1);
  const services = assembleServices({ store, clock, random: cryptoRandom, log, sender: new UndiciWebhookSender(), settings: parseConfig([]).config });
  return { ...services, store, real, clock, log };
}
