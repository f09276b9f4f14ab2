/** Core deliveries → the wire DTOs of http/dto.ts. */
import { bodyText } from '../core/delivery/body';
import type { Attempt } from '../core/delivery/types';
import type { DeliveryView } from '../core/delivery/types';
import type { AttemptDto, DeliveryDto, DeliverySummaryDto } from './dto';

export function attemptToDto(a: Attempt, body: string): AttemptDto {
  return {
    id: a.id,
    deliveryId: a.deliveryId,
    number: a.number,
    startedAt: a.startedAt,
    durationMs: a.durationMs,
    request: { ...a.request, body },
    response: a.response,
    error: a.error,
    ok: a.ok,
  };
}

export function deliveryToDto(d: DeliveryView): DeliveryDto {
  return withBody(d, bodyText(d.body));
}

/** The DTO with `body` as its body's text (the summary's callers give none: it is dropped unread). */
function withBody(d: DeliveryView, body: string): DeliveryDto {
  return {
    id: d.id,
    kind: d.kind,
    webhookId: d.webhookId,
    webhookUrl: d.webhookUrl,
    status: d.status,
    payloadFormat: d.payloadFormat,
    eventCount: d.eventCount,
    eventTypes: d.eventTypes,
    messageIds: d.messageIds,
    createdAt: d.createdAt,
    attemptCount: d.attemptCount,
    nextAttemptAt: d.nextAttemptAt,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    body,
    attempts: d.attempts.map((a) => attemptToDto(a, body)),
  };
}

/** For the SSE stream and `?summary=true`: no batch body and no attempt bodies, so a 500-event batch stays small. */
export function deliveryToStreamDto(d: DeliveryView): DeliverySummaryDto {
  return toDeliverySummary(withBody(d, ''));
}

/** A delivery's summary: the delivery without its body, its attempts without theirs. */
export function toDeliverySummary(d: DeliveryDto): DeliverySummaryDto {
  const { body: _body, attempts, ...rest } = d;
  return {
    ...rest,
    attempts: attempts.map(({ request, response, ...a }) => ({
      ...a,
      request: { method: request.method, url: request.url, headers: request.headers },
      response: response && { status: response.status, headers: response.headers, truncated: response.truncated },
    })),
  };
}
