/**
 * The library's public types are declared on their own (they ship without the emulator's
 * sources); here the compiler holds each one equal to the emulator's wire type, so they cannot
 * drift. `npm run typecheck` fails on a difference; the runtime test pins the duration parser.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as core from '../../../emulator/core/check/types';
import type { EventPayload as CoreEventPayload } from '../../../emulator/core/events';
import type { PayloadEventName as CorePayloadEventName, WebhookEventType as CoreWebhookEventType } from '../../../emulator/core/types';
import type * as dto from '../../../emulator/http/dto';
import { toSeconds } from '../../../lib/duration';
import type * as lib from '../../../lib/types';
import type { WebhookWire } from '../../../src/protocol/wire';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const same = <A, B>(ok: Equal<A, B>) => ok;

test('the public types are the wire types', () => {
  same<lib.EventPayload, CoreEventPayload>(true);
  same<lib.PayloadEventName, CorePayloadEventName>(true);
  same<lib.WebhookEventType, CoreWebhookEventType>(true);
  same<lib.Delivery, dto.DeliveryDto>(true);
  same<lib.Attempt, dto.AttemptDto>(true);
  same<lib.DeliveryStatus, dto.DeliveryStatus>(true);
  same<lib.SinkAnswer, dto.SinkResponseScript>(true);
  same<lib.SinkRequest, dto.SinkRequestDto>(true);
  same<lib.Webhook, WebhookWire>(true);
  same<lib.CheckReport, core.CheckReport>(true);
  same<lib.CheckId, core.CheckId>(true);
  same<lib.ClockInfo, dto.StatusDto['clock']>(true);
});

test('clock.advance takes seconds or durations', () => {
  assert.equal(toSeconds(90), 90);
  assert.equal(toSeconds('90'), 90);
  assert.equal(toSeconds('5m'), 300);
  assert.equal(toSeconds('1h30m'), 5400);
  assert.equal(toSeconds('2d'), 172800);
  assert.throws(() => toSeconds('soon'), /not a duration: "soon"/);
  assert.throws(() => toSeconds(-1), RangeError);
});
