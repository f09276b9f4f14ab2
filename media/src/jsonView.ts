/** Pretty, highlighted JSON built from DOM text nodes: payload text can never become markup. */
import { h } from './rpc';

function render(value: unknown, indent: string, out: (Node | string)[]): void {
  const next = indent + '  ';
  if (value === null) out.push(h('span', { className: 'j-null', text: 'null' }));
  else if (typeof value === 'string') out.push(h('span', { className: 'j-str', text: JSON.stringify(value) }));
  else if (typeof value === 'number') out.push(h('span', { className: 'j-num', text: String(value) }));
  else if (typeof value === 'boolean') out.push(h('span', { className: 'j-bool', text: String(value) }));
  else if (Array.isArray(value)) {
    if (!value.length) return void out.push('[]');
    out.push('[\n');
    value.forEach((v, i) => {
      out.push(next);
      render(v, next, out);
      out.push(i < value.length - 1 ? ',\n' : '\n');
    });
    out.push(indent + ']');
  } else if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (!entries.length) return void out.push('{}');
    out.push('{\n');
    entries.forEach(([k, v], i) => {
      out.push(next, h('span', { className: 'j-key', text: JSON.stringify(k) }), ': ');
      render(v, next, out);
      out.push(i < entries.length - 1 ? ',\n' : '\n');
    });
    out.push(indent + '}');
  } else out.push(String(value));
}

/** A <pre> with the body pretty-printed: JSON, JSON Lines (one value a line), or raw text. */
export function jsonView(text: string): HTMLPreElement {
  const pre = h('pre', { className: 'json' });
  const parts: (Node | string)[] = [];
  try {
    render(JSON.parse(text), '', parts);
  } catch {
    const lines = text.split('\n').filter((l) => l.trim());
    try {
      lines.forEach((l, i) => {
        render(JSON.parse(l), '', parts);
        if (i < lines.length - 1) parts.push('\n');
      });
    } catch {
      parts.length = 0;
      parts.push(text);
    }
  }
  pre.append(...parts);
  return pre;
}

/** Pretty text for copying. */
export function prettyText(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
