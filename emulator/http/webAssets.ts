/**
 * The web UI's static files (issue 15): the browser bundles built from media/ and their styles,
 * copied by the build into dist/web/. Only the names listed here are served (no paths from the
 * request ever reach the file system), read once on first use.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const TYPES: Record<string, string> = {
  'web.js': 'text/javascript; charset=utf-8',
  'form.js': 'text/javascript; charset=utf-8',
  'inspector.js': 'text/javascript; charset=utf-8',
  'message.js': 'text/javascript; charset=utf-8',
  'webview.css': 'text/css; charset=utf-8',
  'web.css': 'text/css; charset=utf-8',
  'icon.svg': 'image/svg+xml',
};

export const WEB_ASSET_NAMES = Object.keys(TYPES);

export interface WebAsset {
  body: Buffer;
  type: string;
}

export class WebAssets {
  private cache: Map<string, WebAsset> | null = null;

  /** `dirs`: where to look, in order (the first holding web.js wins). */
  constructor(private readonly dirs: string[]) {}

  /** The folder the assets come from, or null when the web UI was not built. */
  get dir(): string | null {
    return this.dirs.find((d) => fs.existsSync(path.join(d, 'web.js'))) ?? null;
  }

  get(name: string): WebAsset | undefined {
    if (!this.cache) {
      this.cache = new Map();
      const dir = this.dir;
      for (const [file, type] of Object.entries(TYPES)) {
        if (!dir) break;
        try {
          this.cache.set(file, { body: fs.readFileSync(path.join(dir, file)), type });
        } catch {
          /* a missing optional file (icon) is a 404 */
        }
      }
    }
    return this.cache.get(name);
  }
}

/** The bundled sample batches (dist/samples, or samples/ in a checkout), by file name. */
export class SampleFiles {
  constructor(private readonly dirs: string[]) {}

  private get dir(): string | null {
    return this.dirs.find((d) => fs.existsSync(d)) ?? null;
  }

  list(): { name: string; format: 'json' | 'jsonlines'; bytes: number }[] {
    const dir = this.dir;
    if (!dir) return [];
    return fs
      .readdirSync(dir)
      .filter((n) => /\.(json|jsonl)$/.test(n))
      .sort()
      .map((name) => ({ name, format: name.endsWith('.jsonl') ? ('jsonlines' as const) : ('json' as const), bytes: fs.statSync(path.join(dir, name)).size }));
  }

  /** The text of a listed sample; undefined for any other name. */
  read(name: string): string | undefined {
    const dir = this.dir;
    if (!dir || !this.list().some((s) => s.name === name)) return undefined;
    return fs.readFileSync(path.join(dir, name), 'utf8');
  }
}
