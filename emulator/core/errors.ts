/**
 * Typed errors thrown by the core. The HTTP adapter maps each to Mailtrap's envelope in one
 * place (http/errors.ts); the SMTP adapter maps them to 5xx replies.
 */
export class CoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A resource that does not exist (404 `{"error":"Not Found"}`, as Mailtrap answers). */
export class NotFoundError extends CoreError {
  constructor(what = 'Resource') {
    super(`${what} not found`);
  }
}

/** Field-level validation failure (422 `{"errors":{field:[msg]}}`). */
export class ValidationError extends CoreError {
  constructor(readonly fields: Record<string, string[]>) {
    super(
      Object.entries(fields)
        .map(([f, msgs]) => `${f} ${msgs.join(', ')}`)
        .join('; '),
    );
  }
}

/** A request the core cannot act on as a whole, with Mailtrap's message list (400). */
export class BadRequestError extends CoreError {
  constructor(readonly messages: string[]) {
    super(messages.join('; '));
  }
}

export class ConflictError extends CoreError {}

/** Collects field errors, then throws them all at once. */
export class FieldErrors {
  private readonly fields: Record<string, string[]> = {};
  add(field: string, message: string): void {
    (this.fields[field] ??= []).push(message);
  }
  get empty(): boolean {
    return Object.keys(this.fields).length === 0;
  }
  throwIfAny(): void {
    if (!this.empty) throw new ValidationError(this.fields);
  }
}

/**
 * A send from a domain that is not one of the account's sending domains, with `--domains strict`.
 * Mailtrap answers the Send API with its 401 (troubleshooting/unauthorized-401-error.md) and SMTP
 * with `550 5.7.1 Sending from domain is not allowed` (troubleshooting/sending-from-domain-not-allowed.md).
 */
export class DomainNotAllowedError extends CoreError {
  constructor(readonly domainName: string) {
    super('Sending from domain is not allowed');
  }
}
