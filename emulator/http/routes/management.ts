/**
 * Mailtrap's management API for sending domains and webhooks, under both path generations:
 * /api/accounts/{account_id}/sending_domains, /api/domains, /api/accounts/{account_id}/webhooks,
 * /api/webhooks. Any account id is the emulator's one account.
 */
import { Router, type Request } from 'express';
import type { Core } from '../../core';
import { BadRequestError, FieldErrors, NotFoundError } from '../../core/errors';
import { isEmail } from '../../core/sending/validation';
import { createdWebhookToWire, domainToWire, webhookToWire } from '../wire';

function idParam(req: Request): number {
  const id = Number(req.params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new NotFoundError();
  return id;
}

/** The body's wrapper object (`{"webhook":{...}}`), or a clear 400. */
function wrapped(req: Request, ...keys: string[]): Record<string, unknown> {
  const body: unknown = req.body;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const key of keys) {
      const v = (body as Record<string, unknown>)[key];
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    }
  }
  throw new BadRequestError([`Request body must be a JSON object with a '${keys[0]}' object`]);
}

export function managementRoutes(core: Core): Router {
  const r = Router();

  const domainPaths = ['/api/accounts/:accountId/sending_domains', '/api/domains'];
  for (const base of domainPaths) {
    r.get(base, (_req, res) => {
      res.json({ data: core.domains.list().map(domainToWire) });
    });
    r.post(base, (req, res) => {
      res.json(domainToWire(core.domains.create(wrapped(req, 'sending_domain', 'domain'))));
    });
    r.get(`${base}/:id`, (req, res) => {
      res.json(domainToWire(core.domains.get(idParam(req))));
    });
    r.patch(`${base}/:id`, (req, res) => {
      res.json(domainToWire(core.domains.update(idParam(req), wrapped(req, 'sending_domain', 'domain'))));
    });
    r.delete(`${base}/:id`, (req, res) => {
      core.domains.delete(idParam(req));
      res.status(204).end();
    });
    // sendDomainSetupInstructions: 204, nothing is mailed (there is no one to mail from here).
    r.post(`${base}/:id/send_setup_instructions`, (req, res) => {
      core.domains.get(idParam(req));
      const email = (req.body as Record<string, unknown> | undefined)?.email;
      const errors = new FieldErrors();
      if (email === undefined || email === null || email === '') errors.add('email', "can't be blank");
      else if (typeof email !== 'string' || !isEmail(email)) errors.add('email', 'is invalid');
      errors.throwIfAny();
      res.status(204).end();
    });
  }

  // Emulator-only: there is no DNS to check, so verification is a button (tree: Mark DNS Verified).
  r.post('/emulator/domains/:id/verify', (req, res) => {
    res.json(domainToWire(core.domains.verify(idParam(req))));
  });

  const webhookPaths = ['/api/accounts/:accountId/webhooks', '/api/webhooks'];
  for (const base of webhookPaths) {
    r.get(base, (_req, res) => {
      res.json({ data: core.webhooks.list().map((w) => webhookToWire(w)) });
    });
    r.post(base, (req, res) => {
      res.json({ data: createdWebhookToWire(core.webhooks.create(wrapped(req, 'webhook'))) });
    });
    r.get(`${base}/:id`, (req, res) => {
      res.json({ data: webhookToWire(core.webhooks.get(idParam(req))) });
    });
    r.patch(`${base}/:id`, (req, res) => {
      res.json({ data: webhookToWire(core.webhooks.update(idParam(req), wrapped(req, 'webhook'))) });
    });
    r.delete(`${base}/:id`, (req, res) => {
      res.json({ data: webhookToWire(core.webhooks.delete(idParam(req))) });
    });
  }
  return r;
}
