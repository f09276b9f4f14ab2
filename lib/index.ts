/**
 * `mailtrap-webhooks-emulator` as a library, for users' own tests and CI:
 *
 *   import { startEmulator } from 'mailtrap-webhooks-emulator';
 *   const emu = await startEmulator();            // in memory, free ports
 *   const hook = await emu.createWebhook({ url: 'http://127.0.0.1:3000/webhooks/mailtrap' });
 *   await emu.send({ from: { email: 'app@shop.test' }, to: [{ email: 'ann+bounce@example.com' }], subject: 'Hi', text: 'Hi' });
 *   await emu.clock.advance('1m');
 *   await emu.waitForDelivery({ webhook_id: hook.id, event: 'bounce' });
 *   await emu.stop();
 *
 * The entry point VS Code loads (`main`, dist/extension.js) is not this: this is `exports`.
 */
export { startEmulator, EmulatorApiError } from './emulator';
export { checkEndpoint } from './check';
export { pointMailtrapClient } from './mailtrapClient';
export { toSeconds } from './duration';
export type {
  SendingStream,
  PayloadFormat,
  WebhookEventType,
  PayloadEventName,
  StartOptions,
  Address,
  Mail,
  SendResult,
  Domain,
  WebhookOptions,
  Webhook,
  EventPayload,
  DeliveryStatus,
  Attempt,
  Delivery,
  DeliveryFilter,
  SinkAnswer,
  SinkRequest,
  Sink,
  ClockInfo,
  Clock,
  CheckId,
  CheckResult,
  CheckReport,
  CheckOptions,
  Emulator,
} from './types';
