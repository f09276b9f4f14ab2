/** The inspector's host-side request handlers and filter mapping (no vscode: unit-tested). */
import { ApiError, type EmulatorApi } from '../emulator/apiClient';
import type { DeliveryFilter, InspectorMethods } from '../protocol/messages';
import { curlFor } from './curl';
import type { Handlers } from './rpcHost';

/** Inspector filter → the deliveries API query (an `@` makes the search an email, else a message id). */
export function deliveryQuery(filter: DeliveryFilter, before?: number, limit = 200) {
  const search = filter.search?.trim();
  return {
    webhook_id: filter.webhook_id,
    status: filter.status || undefined,
    event: filter.event || undefined,
    email: search && search.includes('@') ? search : undefined,
    message_id: search && !search.includes('@') ? search : undefined,
    before,
    limit: Math.min(Math.max(limit, 1), 500),
  };
}

export function inspectorHandlers(api: () => EmulatorApi, clipboard: (t: string) => PromiseLike<void>): Handlers<InspectorMethods> {
  return {
    'deliveries.list': async ({ filter, before, limit }) => {
      try {
        return await api().listDeliveries(deliveryQuery(filter ?? {}, before, limit));
      } catch (err) {
        // An emulator without the delivery engine has no such route: say so instead of "not found".
        if (err instanceof ApiError && err.status === 404) throw new Error('This emulator version does not record deliveries yet (GET /emulator/deliveries answered 404).');
        throw err;
      }
    },
    'delivery.get': ({ id }) => api().getDelivery(id),
    'delivery.resend': async ({ id }) => {
      await api().resendDelivery(id);
      return null;
    },
    'delivery.copyCurl': async ({ id, attempt }) => {
      const d = await api().getDelivery(id);
      await clipboard(curlFor(d, d.attempts.find((a) => a.number === attempt) ?? d.attempts.at(-1)));
      return null;
    },
    'clipboard.write': async ({ text }) => {
      await clipboard(String(text));
      return null;
    },
  };
}

