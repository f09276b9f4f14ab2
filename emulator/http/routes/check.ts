/** `POST /emulator/check`: the endpoint check over HTTP, same report as `mailtrap-emulator check --json`. */
import { Router } from 'express';
import type { Core } from '../../core';
import { checkInputFrom } from '../../core/check/input';
import type { CheckInput, CheckReport } from '../../core/check/types';

export type EndpointChecker = (input: CheckInput) => Promise<CheckReport>;

export function checkRoutes(core: Core, check: EndpointChecker): Router {
  const r = Router();
  r.post('/emulator/check', async (req, res) => {
    const input = checkInputFrom(req.body, (id) => core.webhooks.get(id));
    res.json(await check(input));
  });
  return r;
}
