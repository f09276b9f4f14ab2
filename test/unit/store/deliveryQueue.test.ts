/**
 * The queue → batch path on a real sql.js store (issue 13): a batch's body and its event keys are
 * built by the store from the queued rows, byte for byte what the engine POSTs, also after the
 * journal is replayed into a fresh process.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventKeys, newDelivery } from '../../../emulator/core/delivery/batch';
import { bodyFromJson, buildBody } from '../../../emulator/core/delivery/body';
import type { EventPayload } from '../../../emulator/core/events';
import { createLogger } from '../../../emulator/log';
import { Store } from '../../../emulator/store/database';
import { SqlDeliveryRepository } from '../../../emulator/store/deliveryRepository';
import { SqlEventRepository } from '../../../emulator/store/eventRepository';
import { tempDir } from '../../helpers/emulatorProcess';

const log = createLogger('test', { level: 'error', write: () => undefined });
const ev = (i: number, extra: Partial<EventPayload> = {}): EventPayload => ({
  event: i % 3 ? 'delivery' : 'open',
  message_id: `m-${i}`,
  event_id: `e-${i}`,
  timestamp: 1764150000 + i,
  email: `User${i}@Example.NET`,
  sending_stream: 'transactional',
  sending_domain_name: 'example.test',
  custom_variables: { n: i, s: 'Grüße "q" \u2028' },
  ...extra,
});

describe('delivery queue → batch (store)', () => {
  for (const format of ['json', 'jsonlines'] as const) {
    it(`a ${format} batch's stored body and keys equal what the engine builds from its events, after a replay too`, async () => {
      const dir = tempDir();
      const store = await Store.open({ dir, log });
      const events = new SqlEventRepository(store);
      const repo = new SqlDeliveryRepository(store);
      const payloads = Array.from({ length: 150 }, (_, i) => ev(i));
      const stored = store.transaction(() => events.insertMany(payloads, 1000));
      assert.deepEqual(stored.map((s) => events.get(s.id)?.payload.event_id), payloads.map((p) => p.event_id), 'ids count back from the last one');
      // Two webhooks' queues interleaved; webhook 1 gets every event, webhook 2 every other one.
      store.transaction(() => repo.enqueue(stored.flatMap((s, i) => [{ webhookId: 1, eventRowId: s.id }, ...(i % 2 ? [] : [{ webhookId: 2, eventRowId: s.id }])]), 1000));
      const queued = repo.queued(1, 100);
      assert.equal(queued.length, 100);
      const body = bodyFromJson(queued.map((q) => q.json), format);
      assert.equal(body, buildBody(payloads.slice(0, 100), format));
      const keys = queued.map((q) => q.key);
      assert.deepEqual(keys, eventKeys(payloads.slice(0, 100)));
      const del = store.transaction(() => {
        const d = repo.insertFromQueue(newDelivery('batch', 1, 'http://x.test/hook', format, keys, body, 2000), queued[99].queueId);
        repo.dequeueThrough(1, queued[99].queueId);
        return d;
      });
      assert.equal(repo.get(del.id)?.body, body);
      assert.deepEqual(repo.list({ messageId: 'm-42' }).map((d) => d.id), [del.id]);
      assert.deepEqual(repo.list({ email: 'user7@example.net' }).map((d) => d.id), [del.id]);
      assert.equal(repo.queued(1, 500).length, 50, "the webhook's later events stay queued");
      assert.equal(repo.queued(2, 500).length, 75, "the other webhook's queue is untouched");
      // As after kill -9: the journal alone rebuilds the same batch.
      const again = await Store.open({ dir, log });
      assert.equal(new SqlDeliveryRepository(again).get(del.id)?.body, body);
      assert.equal(new SqlDeliveryRepository(again).queued(1, 500).length, 50);
      again.close();
      store.close();
    });
  }
});
