/**
 * The check's batches, built by the emulator's own event builder so they are exactly what
 * Mailtrap sends: one event, the nine event types, a full batch of 500, the same batch again
 * (same bytes, same `event_id`s: a retry), and one signed with the wrong secret.
 */
import { buildBody } from '../delivery/body';
import { sign } from '../delivery/signature';
import type { EventPayload } from '../events';
import type { Random } from '../ports';
import { buildEvent } from '../sending/eventBuilder';
import { PAYLOAD_EVENT_NAMES, type PayloadEventName, type PayloadFormat } from '../types';
import type { Probe, ProbeKind } from './types';

/** Mailtrap's largest batch (webhooks.md: "Mailtrap groups up to 500 events"). */
export const FULL_BATCH = 500;
export const CHECK_DOMAIN = 'example.com';
export const CHECK_CATEGORY = 'Endpoint check';

export class ProbeFactory {
  constructor(
    private readonly secret: string,
    private readonly random: Random,
    /** Virtual or real epoch ms for the events' timestamps. */
    private readonly now: () => number,
  ) {}

  private events(types: readonly PayloadEventName[], stream: 'transactional' | 'bulk' = 'transactional'): EventPayload[] {
    const at = this.now();
    return types.map((type, i) =>
      buildEvent(
        type,
        {
          messageId: this.random.uuid(),
          email: `check-${i + 1}@${CHECK_DOMAIN}`,
          stream: i % 2 && stream === 'bulk' ? 'bulk' : 'transactional',
          domainName: CHECK_DOMAIN,
          category: CHECK_CATEGORY,
          customVariables: { check: type },
        },
        this.random.uuid(),
        at - (types.length - i) * 1000,
      ),
    );
  }

  private probe(kind: ProbeKind, format: PayloadFormat, events: EventPayload[], secret = this.secret): Probe {
    const body = buildBody(events, format);
    return { kind, format, eventCount: events.length, body, signature: sign(body, secret) };
  }

  /** One delivery event: the smallest batch Mailtrap sends. */
  basic(format: PayloadFormat, kind: 'basic' | 'basic-json' = 'basic'): Probe {
    return this.probe(kind, format, this.events(['delivery']));
  }

  /** One event of each of the nine types, `soft bounce` with its space included. */
  eventTypes(format: PayloadFormat): Probe {
    return this.probe('event-types', format, this.events(PAYLOAD_EVENT_NAMES));
  }

  /** 500 events of every type on both streams. */
  fullBatch(format: PayloadFormat): Probe {
    const types = Array.from({ length: FULL_BATCH }, (_, i) => PAYLOAD_EVENT_NAMES[i % PAYLOAD_EVENT_NAMES.length]);
    return this.probe('batch-500', format, this.events(types, 'bulk'));
  }

  /** A retry is the same request again: same body bytes, same signature, same `event_id`s. */
  redelivery(of: Probe): Probe {
    return { ...of, kind: 'redelivery' };
  }

  /** A well-formed batch whose `Mailtrap-Signature` was made with another secret. */
  wrongSignature(format: PayloadFormat): Probe {
    let other = this.random.hex(16);
    if (other === this.secret) other = `${other}0`;
    return this.probe('wrong-signature', format, this.events(['delivery']), other);
  }
}
