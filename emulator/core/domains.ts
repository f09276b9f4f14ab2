/** Sending domains: Mailtrap's sending-domains API semantics, on the emulator's one account. */
import type { CoreBus } from './bus';
import type { Clock } from './clock';
import { FieldErrors, NotFoundError, ValidationError } from './errors';
import type { DomainRepository, UnitOfWork, WebhookRepository } from './ports';
import type { Domain } from './types';

/** RFC 1123 host name with at least one dot; no trailing dot, labels 1–63 chars. */
const DOMAIN_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/**
 * Mailtrap answers a bad domain name with one `base` message (a Rails "Validation failed: …"),
 * not a field error. The blank-name wording is recorded in mailtrap/mailtrap-ruby
 * (vcr_cassettes/Mailtrap_SendingDomainsAPI/_create/when_API_returns_an_error); the other two
 * follow the same pattern (the emulator's choice: no recording exists).
 */
export const DOMAIN_NAME_ERRORS = {
  blank: "Validation failed: Domain name can't be blank, Tracking domain name is not a valid domain name",
  invalid: 'Validation failed: Domain name is not a valid domain name, Tracking domain name is not a valid domain name',
  taken: 'Validation failed: Domain name has already been taken',
} as const;

export const UPDATABLE_DOMAIN_FLAGS = {
  open_tracking_enabled: 'openTrackingEnabled',
  click_tracking_enabled: 'clickTrackingEnabled',
  tracking_opt_out_enabled: 'trackingOptOutEnabled',
  auto_unsubscribe_link_enabled: 'autoUnsubscribeLinkEnabled',
  inbound_enabled: 'inboundEnabled',
} as const satisfies Record<string, keyof Domain>;

export type DomainPatch = Partial<Record<keyof typeof UPDATABLE_DOMAIN_FLAGS, unknown>>;

export class DomainService {
  constructor(
    private readonly domains: DomainRepository,
    private readonly webhooks: WebhookRepository,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly bus: CoreBus,
  ) {}

  list(): Domain[] {
    return this.domains.list();
  }

  get(id: number): Domain {
    const d = this.domains.get(id);
    if (!d) throw new NotFoundError();
    return d;
  }

  findByName(name: string): Domain | undefined {
    return this.domains.findByName(name.toLowerCase());
  }

  /** A domain made through the API starts unverified (`dns_verified: false`), as on Mailtrap. */
  create(input: { domain_name?: unknown }, opts: { verified?: boolean } = {}): Domain {
    const name = typeof input.domain_name === 'string' ? input.domain_name.trim().toLowerCase() : '';
    const problem = name === '' ? 'blank' : !DOMAIN_RE.test(name) ? 'invalid' : this.domains.findByName(name) ? 'taken' : null;
    if (problem) throw new ValidationError({ base: [DOMAIN_NAME_ERRORS[problem]] });
    const domain = this.uow.transaction(() =>
      this.domains.insert({
        domainName: name,
        createdAt: this.clock.now(),
        openTrackingEnabled: true,
        clickTrackingEnabled: true,
        trackingOptOutEnabled: false,
        autoUnsubscribeLinkEnabled: false,
        inboundEnabled: false,
        dnsVerifiedAt: opts.verified ? this.clock.now() : null,
      }),
    );
    this.bus.emit('domain.created', domain);
    return domain;
  }

  /**
   * Marks the domain's DNS records verified, now (emulator-only: there is no DNS to check). Also
   * on an already verified domain, so a message suspended before this moment counts as "verified
   * meanwhile" at its next re-check.
   */
  verify(id: number): Domain {
    const next: Domain = { ...this.get(id), dnsVerifiedAt: this.clock.now() };
    this.uow.transaction(() => this.domains.update(next));
    this.bus.emit('domain.updated', next);
    return next;
  }

  update(id: number, patch: DomainPatch): Domain {
    const current = this.get(id);
    const errors = new FieldErrors();
    const next: Domain = { ...current };
    for (const [wire, field] of Object.entries(UPDATABLE_DOMAIN_FLAGS)) {
      const v = patch[wire as keyof DomainPatch];
      if (v === undefined) continue;
      if (typeof v !== 'boolean') errors.add(wire, 'must be true or false');
      else (next[field] as boolean) = v;
    }
    errors.throwIfAny();
    this.uow.transaction(() => this.domains.update(next));
    this.bus.emit('domain.updated', next);
    return next;
  }

  /** Deletes the domain and the webhooks scoped to it. */
  delete(id: number): Domain {
    const domain = this.get(id);
    const scoped = this.webhooks.list().filter((w) => w.domainId === id);
    this.uow.transaction(() => {
      for (const w of scoped) this.webhooks.delete(w.id);
      this.domains.delete(id);
    });
    for (const w of scoped) this.bus.emit('webhook.deleted', w);
    this.bus.emit('domain.deleted', domain);
    return domain;
  }
}
