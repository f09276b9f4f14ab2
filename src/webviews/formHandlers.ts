/**
 * The forms' host-side request handlers (no vscode): the extension's FormPanel and the web UI's
 * browser host both serve the form component with these, over their own transport.
 */
import type { EmulatorApi } from '../emulator/apiClient';
import type { FormMethods, WebhookFormValues } from '../protocol/messages';
import { assembleWebhookUrl } from '../protocol/webhookUrl';

export interface FormHandlerDeps {
  api: EmulatorApi;
  /** Where a new webhook's signing secret is kept (VS Code's secret storage; nowhere in a browser). */
  secrets: { set(id: number, secret: string): Promise<void> };
}

/** Host-side save logic (separate from the panel so it is unit-tested against a real emulator). */
export function formHandlers(deps: FormHandlerDeps, onClose: () => void, clipboard: (t: string) => PromiseLike<void>) {
  return {
    'domain.create': async ({ domainName, verified }) => {
      const domain = await deps.api.createDomain(String(domainName ?? '').trim());
      return verified === false ? domain : deps.api.verifyDomain(domain.id);
    },
    'webhook.save': async (v: WebhookFormValues & { id?: number }) => {
      const assembled = assembleWebhookUrl(v);
      if ('error' in assembled) throw Object.assign(new Error(`url ${assembled.error}`), { fields: { url: [assembled.error] } });
      if (v.id) {
        const webhook = await deps.api.updateWebhook(v.id, {
          url: assembled.url,
          active: v.active,
          payload_format: v.payload_format,
          event_types: v.event_types,
        });
        return { webhook };
      }
      const created = await deps.api.createWebhook({
        url: assembled.url,
        active: v.active,
        payload_format: v.payload_format,
        sending_stream: v.sending_stream,
        domain_id: v.domain_id ?? null,
        event_types: v.event_types,
      });
      const { signing_secret: signingSecret, ...webhook } = created;
      if (signingSecret) await deps.secrets.set(created.id, signingSecret);
      return { webhook, signingSecret };
    },
    'clipboard.write': async ({ text }) => {
      await clipboard(String(text));
      return null;
    },
    'panel.close': () => {
      onClose();
      return null;
    },
  } satisfies { [K in keyof FormMethods]: (p: FormMethods[K]['params']) => unknown };
}

