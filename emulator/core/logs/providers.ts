/**
 * Email service providers (mailbox providers), inferred from the recipient's domain.
 *
 * Mailtrap finds the provider from the recipient's MX hosts; the emulator does no DNS, so it
 * infers it from the address's domain as a user would expect (gmail.com → Google). The names are
 * the values of Mailtrap's `email_service_providers[]` stats filter (`mailtrap/mailtrap-openapi`,
 * `specs/email-sending.openapi.yml`, `ESPsQueryFilter`). A domain not in this table (a company's
 * own, `example.com`, `*.test`) is `Other`, with `mx.<domain>` as its MX host.
 */

export interface Provider {
  name: string;
  /** The provider's inbound MX host, reported as `recipient_mx` in email-log events. */
  mx: string;
  domains: readonly string[];
}

export const OTHER_PROVIDER = 'Other';

export const PROVIDERS: readonly Provider[] = [
  { name: 'Google', mx: 'gmail-smtp-in.l.google.com', domains: ['gmail.com', 'googlemail.com'] },
  {
    name: 'Yahoo',
    mx: 'mta5.am0.yahoodns.net',
    domains: ['yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.de', 'yahoo.es', 'yahoo.it', 'yahoo.co.jp', 'ymail.com', 'rocketmail.com', 'aol.com'],
  },
  {
    name: 'Outlook',
    mx: 'outlook-com.olc.protection.outlook.com',
    domains: ['outlook.com', 'hotmail.com', 'hotmail.co.uk', 'hotmail.fr', 'live.com', 'msn.com'],
  },
  { name: 'Hey', mx: 'work-mx.app.hey.com', domains: ['hey.com'] },
  { name: 'Zoho Email', mx: 'mx.zoho.com', domains: ['zoho.com', 'zohomail.com'] },
  { name: 'ProtonMail', mx: 'mail.protonmail.ch', domains: ['protonmail.com', 'protonmail.ch', 'proton.me', 'pm.me'] },
  { name: 'Yandex', mx: 'mx.yandex.ru', domains: ['yandex.ru', 'yandex.com', 'ya.ru'] },
  { name: 'iCloud', mx: 'mx01.mail.icloud.com', domains: ['icloud.com', 'me.com', 'mac.com'] },
  { name: 'GMX.net', mx: 'mx00.gmx.net', domains: ['gmx.net', 'gmx.de', 'gmx.com'] },
  { name: 'FastMail', mx: 'in1-smtp.messagingengine.com', domains: ['fastmail.com', 'fastmail.fm'] },
  { name: 'Naver', mx: 'mx1.naver.com', domains: ['naver.com'] },
  { name: 'Seznam', mx: 'mx1.seznam.cz', domains: ['seznam.cz', 'email.cz'] },
  { name: 'Comcast', mx: 'mx1a1.comcast.net', domains: ['comcast.net'] },
  { name: 'Spectrum', mx: 'mx.charter.net', domains: ['charter.net', 'spectrum.net', 'rr.com'] },
];

const BY_DOMAIN = new Map<string, Provider>(PROVIDERS.flatMap((p) => p.domains.map((d) => [d, p] as const)));

export const recipientDomain = (email: string): string => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

export function providerOf(email: string): { name: string; mx: string } {
  const domain = recipientDomain(email);
  const p = BY_DOMAIN.get(domain);
  return p ? { name: p.name, mx: p.mx } : { name: OTHER_PROVIDER, mx: `mx.${domain}` };
}

/** Every domain of a known provider (to express "Other" as "none of these"). */
export const KNOWN_DOMAINS: readonly string[] = [...BY_DOMAIN.keys()];
