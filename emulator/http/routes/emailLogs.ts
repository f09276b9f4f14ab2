/**
 * Mailtrap's Email Logs API (`mailtrap/mailtrap-openapi` `specs/email-sending.openapi.yml`,
 * operations `listEmailLogs` and `getEmailLogMessage`) under both path generations:
 * `/api/accounts/{account_id}/email_logs[/{id}]` (what the SDK calls) and `/api/email_logs[/{id}]`.
 * Plus the download behind `raw_message_url`: `/emulator/email_logs/{id}/raw?signature=…`.
 */
import { createHmac } from 'node:crypto';
import { Router, type Request } from 'express';
import { NotFoundError } from '../../core/errors';
import type { EmailLogService } from '../../core/logs/emailLogService';
import type { Sending } from '../../core/sending';
import { tokenMatches } from '../../token';
import { extractToken } from '../auth';
import { parseDeepQuery, rawQueryOf } from '../deepQuery';
import { parseEmailLogFilters } from '../emailLogQuery';
import { emailLogEventToWire, emailLogMessageToWire, rfcMessageId, type PathGeneration } from '../emailLogWire';
import { UnauthorizedError } from '../errors';
import { composeRawMessage } from '../rawMessage';

const GENERATIONS: [string, PathGeneration][] = [
  ['/api/accounts/:accountId/email_logs', 'account'],
  ['/api/email_logs', 'current'],
];

/**
 * Mailtrap's raw_message_url is a signed, token-free link. The emulator's signature is an HMAC of
 * the message id keyed by the API token: a link reveals neither the token nor other messages.
 */
const signature = (token: string, messageId: string): string => createHmac('sha256', token).update(`raw:${messageId}`).digest('hex');

export function rawMessageUrl(baseUrl: string, token: string, messageId: string): string {
  return `${baseUrl}/emulator/email_logs/${encodeURIComponent(messageId)}/raw?signature=${signature(token, messageId)}`;
}

/** The raw download, mounted before the token check: its signature (or the token) is the credential. */
export function rawMessageRoute(sending: Sending, logs: EmailLogService, token: string, publicUrl: () => string): Router {
  const r = Router();
  r.get('/emulator/email_logs/:id/raw', async (req, res, next) => {
    const id = String(req.params.id);
    const sig = typeof req.query.signature === 'string' ? req.query.signature : '';
    const given = extractToken(req.headers);
    const authorised = sig ? tokenMatches(sig, signature(token, id)) : given !== null && tokenMatches(given, token);
    if (!authorised) return next(new UnauthorizedError());
    const detail = logs.get(id);
    if (!detail) return next(new NotFoundError());
    try {
      const raw = await composeRawMessage(detail.view, {
        messageIdHeader: rfcMessageId(detail.entry),
        baseUrl: publicUrl(),
        attachment: (i) => sending.attachmentContent(detail.view.send.id, i),
      });
      res.set({
        'Content-Type': 'message/rfc822',
        'Content-Disposition': `attachment; filename="${id}.eml"`,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      res.send(raw);
    } catch (err) {
      next(err);
    }
  });
  return r;
}

export function emailLogRoutes(logs: EmailLogService, token: string, publicUrl: () => string): Router {
  const r = Router();
  const query = (req: Request) => parseDeepQuery(rawQueryOf(req.originalUrl));
  for (const [base, generation] of GENERATIONS) {
    r.get(base, (req, res) => {
      const q = query(req);
      const cursor = typeof q.search_after === 'string' && q.search_after !== '' ? q.search_after : undefined;
      const page = logs.list(parseEmailLogFilters(q.filters), cursor);
      res.json({
        messages: page.entries.map((e) => emailLogMessageToWire(e, generation)),
        total_count: page.total,
        next_page_cursor: page.nextCursor,
      });
    });
    r.get(`${base}/:id`, (req, res) => {
      const detail = logs.get(String(req.params.id));
      if (!detail) throw new NotFoundError();
      res.json({
        ...emailLogMessageToWire(detail.entry, generation),
        raw_message_url: rawMessageUrl(publicUrl(), token, detail.entry.messageId),
        events: detail.events.map((e) => emailLogEventToWire(e.payload)),
      });
    });
  }
  return r;
}
