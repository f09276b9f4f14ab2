/**
 * Every error becomes Mailtrap's envelope here, and only here. Two families, as Mailtrap's
 * OpenAPI defines them (mailtrap/mailtrap-openapi):
 * - Send/Batch API (`/api/send`, `/api/batch`, `/bulk/api/…`; email-sending-transactional and
 *   email-sending-bulk.openapi.yml): `{"success":false,"errors":[...]}`, 401 `["Unauthorized"]`.
 * - Account APIs (domains, webhooks, suppressions, email logs, stats; email-sending.openapi.yml,
 *   `components.responses`) and the emulator's own routes: 401 `{"error":"Incorrect API token"}`
 *   (Unauthorized), 404 `{"error":"Not Found"}` (NotFound), 422 `{"errors":{field:[msg]}}`
 *   (UnprocessableEntity), 400 `{"error":msg}` (BAD_REQUEST). The recorded answers in
 *   mailtrap/mailtrap-ruby spec/fixtures/vcr_cassettes say the same.
 * A route of either family only throws core errors (or HttpError); it never writes an error body.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { BadRequestError, ConflictError, DomainNotAllowedError, NotFoundError, ValidationError } from '../core/errors';
import type { Logger } from '../core/ports';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class UnauthorizedError extends HttpError {
  constructor() {
    super(401, 'Unauthorized');
  }
}

/** The account APIs' fixed bodies (email-sending.openapi.yml, `components.responses`). */
export const ACCOUNT_UNAUTHORIZED = Object.freeze({ error: 'Incorrect API token' });
export const ACCOUNT_NOT_FOUND = Object.freeze({ error: 'Not Found' });
/** The Send/Batch API's 401 (email-sending-transactional.openapi.yml, `Unauthorized`). */
export const SEND_UNAUTHORIZED = Object.freeze({ success: false, errors: ['Unauthorized'] });

export type ErrorFamily = 'send' | 'account';

export const errorFamily = (req: Request): ErrorFamily => (/^\/(bulk\/)?api\/(send|batch)\b/.test(req.path) ? 'send' : 'account');

/** The body Mailtrap answers with, for a status and its messages, in a family's envelope. */
export function errorBody(family: ErrorFamily, status: number, messages: string[]): object {
  if (family === 'send') return status === 401 ? SEND_UNAUTHORIZED : { success: false, errors: messages };
  if (status === 401) return ACCOUNT_UNAUTHORIZED;
  if (status === 404) return ACCOUNT_NOT_FOUND;
  return { error: messages.join('; ') };
}

export function sendError(req: Request, res: Response, status: number, messages: string[]): void {
  res.status(status).json(errorBody(errorFamily(req), status, messages));
}

interface BodyParserError extends Error {
  type?: string;
  /** Set by zlib when a compressed body does not decompress. */
  code?: string;
  status?: number;
  limit?: number;
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof ValidationError) {
      if (errorFamily(req) === 'send') sendError(req, res, 422, Object.entries(err.fields).map(([f, m]) => `'${f}' ${m.join(', ')}`));
      else res.status(422).json({ errors: err.fields });
      return;
    }
    if (err instanceof NotFoundError) return sendError(req, res, 404, ['Not Found']);
    // --domains strict: the Send API's 401, as Mailtrap answers a send from a domain it does not know.
    if (err instanceof DomainNotAllowedError) return sendError(req, res, 401, ['Unauthorized']);
    if (err instanceof BadRequestError) return sendError(req, res, 400, err.messages);
    if (err instanceof ConflictError) return sendError(req, res, 409, [err.message]);
    if (err instanceof HttpError) return sendError(req, res, err.status, [err.message]);
    const bp = err as BodyParserError;
    if (bp && typeof bp === 'object' && typeof bp.type === 'string') {
      if (bp.type === 'entity.parse.failed') return sendError(req, res, 400, ['Malformed JSON in request body']);
      if (bp.type === 'entity.too.large') return sendError(req, res, 413, [`Request body too large (limit ${bp.limit} bytes)`]);
      if (bp.type === 'encoding.unsupported' || bp.type === 'charset.unsupported') return sendError(req, res, 415, [bp.message]);
      if (typeof bp.status === 'number' && bp.status >= 400 && bp.status < 500) return sendError(req, res, bp.status, [bp.message]);
    }
    // A body that claims gzip/deflate/br but does not decompress: zlib's error, the client's fault.
    // (zlib codes are Z_*, brotli's ERR__ERROR_* / ERR_BROTLI_*.)
    if (bp && typeof bp.code === 'string' && /^(Z_|ERR__ERROR|ERR_BROTLI)/.test(bp.code)) {
      return sendError(req, res, 400, ['Request body could not be decompressed']);
    }
    log.error('unhandled error', { method: req.method, path: req.path, error: err instanceof Error ? err.stack : String(err) });
    sendError(req, res, 500, ['Internal server error']);
  };
}

/** Unknown route: 404 in the right family's envelope. */
export const notFound: RequestHandler = (req, res) => sendError(req, res, 404, ['Not Found']);
