/** Test-email scenarios (SPEC §3: the recipient's plus-tag picks the lifecycle) and the send body. */
export interface Scenario {
  id: string;
  label: string;
  detail: string;
  /** Plus-tag of the recipient; empty for plain delivery. */
  tag: string;
}

export const SCENARIOS: readonly Scenario[] = [
  { id: 'delivery', label: 'Delivery', detail: 'delivered', tag: '' },
  { id: 'bounce', label: 'Bounce', detail: 'hard bounce: 550, badrecipient (suppresses the address)', tag: 'bounce' },
  { id: 'bounce-block', label: 'Bounce: blocked', detail: 'bounce, category block (does not suppress)', tag: 'bounce-block' },
  { id: 'bounce-spam', label: 'Bounce: spam', detail: 'bounce, category spam (does not suppress)', tag: 'bounce-spam' },
  { id: 'bounce-overquota', label: 'Bounce: over quota', detail: 'bounce, category overquota (suppresses)', tag: 'bounce-overquota' },
  { id: 'bounce-timeout', label: 'Bounce: timeout', detail: 'bounce, category timeout (suppresses)', tag: 'bounce-timeout' },
  { id: 'soft-bounce', label: 'Soft bounce', detail: '451 greylisting, then delivered at the first retry a minute later', tag: 'soft-bounce' },
  { id: 'soft-bounce-fail', label: 'Soft bounce, then bounce', detail: 'a soft bounce and 9 more at retries a minute apart, then a bounce at the 10th', tag: 'soft-bounce-fail' },
  { id: 'spam', label: 'Spam complaint', detail: 'delivery, then spam', tag: 'spam' },
  { id: 'unsubscribe', label: 'Unsubscribe', detail: 'delivery, open, unsubscribe', tag: 'unsubscribe' },
  { id: 'open', label: 'Open', detail: 'delivery, open', tag: 'open' },
  { id: 'click', label: 'Click', detail: 'delivery, open, click', tag: 'click' },
  { id: 'reject', label: 'Reject', detail: 'rejected before sending', tag: 'reject' },
  { id: 'suspension', label: 'Suspension', detail: 'suspended, re-checked 10 times a minute apart: reject, or delivery if the domain is marked verified meanwhile', tag: 'suspension' },
];

export function scenarioAddress(s: Scenario, base = 'test@example.com'): string {
  const [local, domain] = base.split('@');
  return s.tag ? `${local}+${s.tag}@${domain}` : base;
}

/** A Send API body from `from@<domain>` to the scenario's address, with a link so click tracking has one. */
export function testEmailBody(s: Scenario, domain: string, to = scenarioAddress(s)) {
  return {
    from: { email: `hello@${domain}`, name: 'Mailtrap Emulator' },
    to: [{ email: to }],
    subject: `Test email: ${s.label.toLowerCase()}`,
    text: `A ${s.label.toLowerCase()} test from the Mailtrap emulator. https://example.com/`,
    html: `<p>A <b>${s.label.toLowerCase()}</b> test from the Mailtrap emulator.</p><p><a href="https://example.com/">A link to click</a></p>`,
    category: 'emulator-test',
    custom_variables: { scenario: s.id },
  };
}
