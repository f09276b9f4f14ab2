/**
 * Every error becomes Mailtrap's envelope here, and only here:
 * - Send API (`/api/send`, `/api/batch`, `/bulk/...`): `{"success":false,"errors":[...]}`
 * - management and emulator routes: 404 `{"error":"Resource not found"}`,
 *   422 `{"errors":{field:[msg]}}`, other 4xx `{"error": msg}`
 * - 401 everywhere: `{"success":false,"errors":["Unauthorized"]}` (SPEC §2)
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { BadRequestError, ConflictError, NotFoundError, ValidationError } from '../core/errors';
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

const isSendRoute = (req: Request): boolean => /^\/(bulk\/)?api\/(send|batch)\b/.test(req.path);

export function sendError(req: Request, res: Response, status: number, messages: string[]): void {
  if (status === 401) {
    res.status(401).json({ success: false, errors: ['Unauthorized'] });
  } else if (isSendRoute(req)) {
    res.status(status).json({ success: false, errors: messages });
  } else if (status === 404) {
    res.status(404).json({ error: messages[0] === 'Not found' ? 'Not found' : 'Resource not found' });
  } else {
    res.status(status).json({ error: messages.join('; ') });
  }
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
      if (isSendRoute(req)) sendError(req, res, 422, Object.entries(err.fields).map(([f, m]) => `'${f}' ${m.join(', ')}`));
      else res.status(422).json({ errors: err.fields });
      return;
    }
    if (err instanceof NotFoundError) return sendError(req, res, 404, ['Resource not found']);
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
export const notFound: RequestHandler = (req, res) => sendError(req, res, 404, ['Not found']);
