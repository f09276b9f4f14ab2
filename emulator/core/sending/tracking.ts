/**
 * Open and click tracking (SPEC §3, issue 3 §5). The stored HTML is the sender's; the tracked
 * HTML is derived from it deterministically for each message id, so nothing per recipient is
 * stored: the n-th tracked link of a message's HTML is `/t/c/<message id>.<n>`, and the click
 * handler finds the original URL by extracting the same link list again.
 *
 * Only absolute http(s) links in `<a href>` are tracked; anything else is left alone, so a
 * click redirect can never point at a `javascript:` URL.
 */

const ANCHOR_HREF_RE = /(<a\b[^>]*?\bhref\s*=\s*)(["'])(.*?)\2/gis;

const decodeEntities = (s: string): string =>
  s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

const isTrackable = (url: string): boolean => /^https?:\/\/[^\s]+$/i.test(url);

/** The original URLs of the trackable links, in document order. */
export function trackableLinks(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(ANCHOR_HREF_RE)) {
    const url = decodeEntities(m[3].trim());
    if (isTrackable(url)) out.push(url);
  }
  return out;
}

export const openToken = (messageId: string): string => messageId;
export const clickToken = (messageId: string, index: number): string => `${messageId}.${index}`;

/** `<message id>.<n>` → parts, or null for anything else. */
export function parseClickToken(token: string): { messageId: string; index: number } | null {
  const m = /^([0-9a-f-]{1,64})\.(\d{1,6})$/i.exec(token);
  return m ? { messageId: m[1], index: Number(m[2]) } : null;
}

export interface TrackingOptions {
  /** Origin the links point at, e.g. `http://127.0.0.1:8780`; only [A-Za-z0-9:./[\]-] is used. */
  baseUrl: string;
  messageId: string;
  open: boolean;
  click: boolean;
}

/** The HTML a recipient would get: links rewritten, a 1×1 pixel before `</body>` (or at the end). */
export function trackHtml(html: string, o: TrackingOptions): string {
  const base = o.baseUrl.replace(/[^A-Za-z0-9:./[\]-]/g, '');
  let out = html;
  if (o.click) {
    let n = 0;
    out = out.replace(ANCHOR_HREF_RE, (whole, lead: string, quote: string, href: string) => {
      if (!isTrackable(decodeEntities(href.trim()))) return whole;
      return `${lead}${quote}${base}/t/c/${clickToken(o.messageId, n++)}${quote}`;
    });
  }
  if (o.open) {
    const pixel = `<img src="${base}/t/o/${openToken(o.messageId)}" width="1" height="1" alt="" style="display:none;border:0">`;
    const at = out.search(/<\/body\s*>/i);
    out = at >= 0 ? out.slice(0, at) + pixel + out.slice(at) : out + pixel;
  }
  return out;
}
