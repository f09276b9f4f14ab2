/** The inspector's host-side request handlers and filter mapping (no vscode: unit-tested). */
import { ApiError, type EmulatorApi } from '../emulator/apiClient';
import type { DeliveryFilter, InspectorMethods } from '../protocol/messages';
import { basicAuthOf, curlFor } from './curl';
import type { Handlers } from './rpcHost';

/** Inspector filter → the deliveries API query (the search is free text: part of an email or domain, a message id prefix, a batch id). */
export function deliveryQuery(filter: DeliveryFilter, before?: number, limit = 200) {
  const search = filter.search?.trim();
  return {
    webhook_id: filter.webhook_id,
    status: filter.status || undefined,
    event: filter.event || undefined,
    q: search || undefined,
    before,
    limit: Math.min(Math.max(limit, 1), 500),
  };
}

/** Asks the user to choose (a modal in VS Code); resolves with the chosen label or undefined. */
export type Ask = (message: string, detail: string, choices: string[]) => PromiseLike<string | undefined>;

export const COPY_WITH_PASSWORD = 'Copy with Password';
export const COPY_REDACTED = 'Copy without Password';

const bytes = (s: string) => new TextEncoder().encode(s).length.toLocaleString('en-US');

export function inspectorHandlers(api: () => EmulatorApi, clipboard: (t: string) => PromiseLike<void>, ask: Ask = async () => COPY_REDACTED): Handlers<InspectorMethods> {
  return {
    'deliveries.list': async ({ filter, before, limit }) => {
      try {
        return await api().listDeliverySummaries(deliveryQuery(filter ?? {}, before, limit));
      } catch (err) {
        // An emulator without the delivery engine has no such route: say so instead of "not found".
        if (err instanceof ApiError && err.status === 404) throw new Error('This emulator version does not record deliveries yet (GET /emulator/deliveries answered 404).');
        throw err;
      }
    },
    'delivery.get': ({ id }) => api().getDelivery(id),
    'delivery.resend': async ({ id }) => {
      const d = await api().resendDelivery(id);
      return { id: d.id, note: `Resent as batch #${d.id}: ${d.lastStatus !== null ? `HTTP ${d.lastStatus}` : d.lastError ?? d.status}` };
    },
    'delivery.copyCurl': async ({ id, attempt }) => {
      const d = await api().getDelivery(id);
      const a = d.attempts.find((x) => x.number === attempt) ?? d.attempts.at(-1);
      // Basic auth is recorded redacted; a curl that works needs the password, so the user decides.
      const redacted = Object.entries(a?.request.headers ?? {}).some(([k, v]) => k.toLowerCase() === 'authorization' && /redacted/.test(v));
      if (!redacted) {
        await clipboard(curlFor(d, a));
        return { note: 'Copied as curl: the same URL, headers and body (exact bytes).' };
      }
      const creds = basicAuthOf((await api().getWebhook(d.webhookId).catch(() => undefined))?.url ?? '');
      if (!creds) {
        await clipboard(curlFor(d, a));
        return { note: 'Copied as curl with the Authorization header redacted: the webhook is gone, so its password is unknown.' };
      }
      const pick = await ask(
        `This webhook uses basic auth (user ${creds.user}). Copy the curl command with its password?`,
        'With the password the command works as copied; keep it out of shared places. Without it, the command has -u with PASSWORD to fill in.',
        [COPY_WITH_PASSWORD, COPY_REDACTED],
      );
      if (!pick) return null;
      const reveal = pick === COPY_WITH_PASSWORD;
      await clipboard(curlFor(d, a, { ...creds, reveal }));
      return { note: reveal ? 'Copied as curl, with the basic-auth password: it works as copied.' : 'Copied as curl without the password: replace PASSWORD in the -u option.' };
    },
    'delivery.copyBody': async ({ id }) => {
      const d = await api().getDelivery(id);
      await clipboard(d.body);
      return { note: `Copied the exact body: ${bytes(d.body)} bytes, the bytes Mailtrap-Signature signs (the view above is pretty-printed).` };
    },
    'clipboard.write': async ({ text }) => {
      await clipboard(String(text));
      return null;
    },
  };
}
