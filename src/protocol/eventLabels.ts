/**
 * One vocabulary for people: the webhooks API says `soft_bounce` / `spam_complaint`, payloads say
 * `soft bounce` / `spam`; the tree, the inspector and the forms all show "Soft bounce" /
 * "Spam complaint". Wire values stay as they are in payloads, requests and filters.
 */
const LABELS: Record<string, string> = {
  delivery: 'Delivery',
  soft_bounce: 'Soft bounce',
  'soft bounce': 'Soft bounce',
  bounce: 'Bounce',
  suspension: 'Suspension',
  unsubscribe: 'Unsubscribe',
  open: 'Open',
  spam_complaint: 'Spam complaint',
  spam: 'Spam complaint',
  click: 'Click',
  reject: 'Reject',
};

export function eventLabel(type: string): string {
  return LABELS[type] ?? type;
}
