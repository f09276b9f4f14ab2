/**
 * Send request validation with Mailtrap's messages (SPEC §2). Every problem in a request is
 * collected and reported at once as a 400 (`BadRequestError`); nothing is stored on failure.
 * Input is JSON from the Send API, or the same shape built by the SMTP adapter (where attachment
 * content may already be bytes).
 */
import { BadRequestError } from '../errors';
import type { Address, Mail, MailAttachment } from './model';

export const LIMITS = {
  addressesPerField: 1000,
  batchRequests: 500,
  categoryLength: 255,
  /** SMTP's X-MT-Custom-Variables is ignored above this (SPEC §2); the API gets the same cap. */
  customVariablesBytes: 1000,
} as const;

/** Local part without spaces or specials, host of letters, digits, hyphens and dots. */
const EMAIL_RE = /^[^\s@"<>()[\],;:\\]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

export const isEmail = (s: string): boolean => s.length <= 254 && EMAIL_RE.test(s);

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const present = (v: unknown): boolean => v !== undefined && v !== null;

class Problems {
  readonly list: string[] = [];
  add(msg: string): void {
    if (!this.list.includes(msg)) this.list.push(msg);
  }
}

function address(v: unknown, field: string, p: Problems): Address | null {
  // Mailtrap accepts an address object; a bare string is accepted too for convenience.
  const obj = typeof v === 'string' ? { email: v } : v;
  if (!isObject(obj) || typeof obj.email !== 'string' || obj.email.trim() === '') {
    p.add(`'${field}' address must be an object with an 'email'`);
    return null;
  }
  const email = obj.email.trim();
  if (!isEmail(email)) {
    p.add(`'${field}' address '${email.slice(0, 254)}' is invalid`);
    return null;
  }
  if (present(obj.name) && typeof obj.name !== 'string') {
    p.add(`'${field}' name must be a string`);
    return null;
  }
  return typeof obj.name === 'string' && obj.name !== '' ? { email, name: obj.name } : { email };
}

function addressList(v: unknown, field: string, p: Problems): Address[] {
  if (!present(v)) return [];
  if (!Array.isArray(v)) {
    p.add(`'${field}' must be an array of addresses`);
    return [];
  }
  if (v.length > LIMITS.addressesPerField) {
    p.add(`'${field}' must contain at most ${LIMITS.addressesPerField} addresses`);
    return [];
  }
  return v.map((a) => address(a, field, p)).filter((a): a is Address => a !== null);
}

function decodeBase64(s: string): Uint8Array | null {
  const compact = s.replace(/[\r\n\t ]/g, '');
  if (compact.length % 4 === 1 || !BASE64_RE.test(compact)) return null;
  return Buffer.from(compact, 'base64');
}

function attachments(v: unknown, p: Problems): MailAttachment[] {
  if (!present(v)) return [];
  if (!Array.isArray(v)) {
    p.add("'attachments' must be an array");
    return [];
  }
  const out: MailAttachment[] = [];
  v.forEach((a, i) => {
    const f = `attachments[${i}]`;
    if (!isObject(a)) return p.add(`'${f}' must be an object`);
    if (typeof a.filename !== 'string' || a.filename === '') p.add(`'${f}.filename' is required`);
    let content: Uint8Array | null = null;
    if (a.content instanceof Uint8Array) content = a.content;
    else if (typeof a.content === 'string') {
      content = decodeBase64(a.content);
      if (!content) p.add(`'${f}.content' is not valid base64`);
    } else p.add(`'${f}.content' is required`);
    for (const k of ['type', 'disposition', 'content_id'] as const) {
      if (present(a[k]) && typeof a[k] !== 'string') p.add(`'${f}.${k}' must be a string`);
    }
    if (present(a.disposition) && a.disposition !== 'attachment' && a.disposition !== 'inline') {
      p.add(`'${f}.disposition' must be 'attachment' or 'inline'`);
    }
    if (content && typeof a.filename === 'string' && a.filename !== '') {
      out.push({
        filename: a.filename,
        content,
        type: typeof a.type === 'string' ? a.type : null,
        disposition: typeof a.disposition === 'string' ? a.disposition : null,
        contentId: typeof a.content_id === 'string' ? a.content_id : null,
      });
    }
  });
  return out;
}

function stringMap(v: unknown, field: string, p: Problems): Record<string, string> {
  if (!present(v)) return {};
  if (!isObject(v)) {
    p.add(`'${field}' must be an object`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val === 'string' || typeof val === 'number' || typeof val === 'boolean') out[k] = String(val);
    else p.add(`'${field}.${k}' must be a string`);
  }
  return out;
}

function body(v: unknown, field: string, p: Problems): string | null {
  if (!present(v)) return null;
  if (typeof v !== 'string') {
    p.add(`'${field}' must be a string`);
    return null;
  }
  return v === '' ? null : v;
}

/** Validates one send request; throws `BadRequestError` with every problem found. */
export function validateMail(input: unknown): Mail {
  if (!isObject(input)) throw new BadRequestError(['Request body must be a JSON object']);
  const p = new Problems();

  let from: Address | null = null;
  if (!present(input.from)) p.add("'from' is required");
  else from = address(input.from, 'from', p);

  const to = addressList(input.to, 'to', p);
  const cc = addressList(input.cc, 'cc', p);
  const bcc = addressList(input.bcc, 'bcc', p);
  if (![input.to, input.cc, input.bcc].some((l) => Array.isArray(l) && l.length > 0)) p.add("'to', 'cc' or 'bcc' address is required");

  const replyTo = present(input.reply_to) ? address(Array.isArray(input.reply_to) ? input.reply_to[0] : input.reply_to, 'reply_to', p) : null;

  const templateUuid = typeof input.template_uuid === 'string' && input.template_uuid !== '' ? input.template_uuid : null;
  if (present(input.template_uuid) && typeof input.template_uuid !== 'string') p.add("'template_uuid' must be a string");

  let subject: string | null = null;
  if (typeof input.subject === 'string' && input.subject.trim() !== '') subject = input.subject;
  else if (present(input.subject) && typeof input.subject !== 'string') p.add("'subject' must be a string");
  else if (!templateUuid) p.add("'subject' is required");

  const text = body(input.text, 'text', p);
  const html = body(input.html, 'html', p);
  if (!templateUuid && text === null && html === null && !p.list.some((m) => /'(text|html)'/.test(m))) {
    p.add('must specify either text or html body');
  }

  let category: string | null = null;
  if (present(input.category)) {
    if (typeof input.category !== 'string') p.add("'category' must be a string");
    else if (input.category.length > LIMITS.categoryLength) p.add(`'category' must be at most ${LIMITS.categoryLength} characters`);
    else if (input.category !== '') category = input.category;
  }

  let customVariables: Record<string, unknown> | null = null;
  if (present(input.custom_variables)) {
    if (!isObject(input.custom_variables)) p.add("'custom_variables' must be an object");
    else if (Buffer.byteLength(JSON.stringify(input.custom_variables)) > LIMITS.customVariablesBytes) {
      p.add(`'custom_variables' must be at most ${LIMITS.customVariablesBytes} bytes of JSON`);
    } else if (Object.keys(input.custom_variables).length) customVariables = input.custom_variables;
  }

  let templateVariables: Record<string, unknown> | null = null;
  if (present(input.template_variables)) {
    if (!isObject(input.template_variables)) p.add("'template_variables' must be an object");
    else templateVariables = input.template_variables;
  }

  const atts = attachments(input.attachments, p);
  const headers = stringMap(input.headers, 'headers', p);

  if (p.list.length) throw new BadRequestError(p.list);
  return {
    from: from!,
    to,
    cc,
    bcc,
    replyTo,
    subject,
    text,
    html,
    attachments: atts,
    headers,
    category,
    customVariables,
    templateUuid,
    templateVariables,
  };
}

/**
 * A batch body `{"base":{…},"requests":[…]}`: each request merged over `base` (request fields
 * win). Whole-batch problems throw; per-request problems are left to `validateMail`.
 */
export function expandBatch(input: unknown): unknown[] {
  if (!isObject(input)) throw new BadRequestError(['Request body must be a JSON object']);
  if (present(input.base) && !isObject(input.base)) throw new BadRequestError(["'base' must be an object"]);
  if (!Array.isArray(input.requests) || input.requests.length === 0) throw new BadRequestError(["'requests' is required"]);
  if (input.requests.length > LIMITS.batchRequests) {
    throw new BadRequestError([`'requests' must contain at most ${LIMITS.batchRequests} items`]);
  }
  const base = (input.base ?? {}) as Record<string, unknown>;
  return input.requests.map((r) => (isObject(r) ? { ...base, ...r } : r));
}
