/**
 * A small fake of the `vscode` API, enough for the extension's host code to run under node's test
 * runner. It records what a user would see (messages, status bar text, clipboard, output lines)
 * and answers prompts from scripted replies. Installed by `installFakeVscode()` (vscodeHook.ts).
 */
import * as path from 'node:path';

type Listener<T> = (e: T) => unknown;

export class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  event = (fn: Listener<T>) => {
    this.listeners.add(fn);
    return { dispose: () => this.listeners.delete(fn) };
  };
  fire(e: T): void {
    for (const fn of [...this.listeners]) fn(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export class Disposable {
  constructor(private readonly fn: () => void) {}
  dispose(): void {
    this.fn();
  }
}

export enum TreeItemCollapsibleState {
  None = 0,
  Collapsed = 1,
  Expanded = 2,
}
export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}
export enum ViewColumn {
  Active = -1,
  One = 1,
}
export enum ProgressLocation {
  Notification = 15,
}

export class ThemeColor {
  constructor(readonly id: string) {}
}
export class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}
export class MarkdownString {
  value = '';
  appendText(t: string): this {
    this.value += t.replace(/[\\`*_{}[\]()#+\-.!<>]/g, '\\$&');
    return this;
  }
  appendMarkdown(t: string): this {
    this.value += t;
    return this;
  }
}
export class TreeItem {
  id?: string;
  description?: string;
  tooltip?: string | MarkdownString;
  iconPath?: ThemeIcon;
  contextValue?: string;
  command?: { command: string; title: string; arguments?: unknown[] };
  constructor(
    public label: string,
    public collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None,
  ) {}
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
    private readonly raw?: string,
  ) {}
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static parse(s: string): Uri {
    return new Uri(s.split(':')[0]!, s, s);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, path.join(base.fsPath, ...parts));
  }
  toString(): string {
    return this.raw ?? `file://${this.fsPath}`;
  }
}

export interface Shown {
  level: 'info' | 'warning' | 'error';
  message: string;
  items: string[];
}

/** What the user saw and how they answer. Reset between tests with `resetFake()`. */
export const fake = {
  shown: [] as Shown[],
  /** Answers to messages with actions, matched by a substring of the message. */
  answers: [] as { match: string; pick: string | undefined }[],
  /** Next answers of showQuickPick: a function choosing among the items. */
  quickPicks: [] as ((items: any[]) => any)[],
  inputBoxes: [] as (string | undefined)[],
  clipboard: '',
  opened: [] as string[],
  /** Documents opened with `workspace.openTextDocument({language, content})` and shown. */
  documents: [] as { language?: string; content: string; shown: boolean }[],
  executed: [] as { id: string; args: unknown[] }[],
  context: new Map<string, unknown>(),
  settings: new Map<string, unknown>(),
  updates: [] as { key: string; value: unknown; target?: number }[],
  commands: new Map<string, (...a: unknown[]) => unknown>(),
  statusBarItems: [] as FakeStatusBarItem[],
  channels: [] as FakeLogChannel[],
  panels: [] as FakeWebviewPanel[],
  configChanged: new EventEmitter<{ affectsConfiguration(s: string): boolean }>(),
};

export function resetFake(): void {
  fake.shown.length = 0;
  fake.answers.length = 0;
  fake.quickPicks.length = 0;
  fake.inputBoxes.length = 0;
  fake.clipboard = '';
  fake.opened.length = 0;
  fake.documents.length = 0;
  fake.executed.length = 0;
  fake.context.clear();
  fake.settings.clear();
  fake.updates.length = 0;
  fake.commands.clear();
  fake.statusBarItems.length = 0;
  fake.channels.length = 0;
  fake.panels.length = 0;
}

/** Changes settings and fires onDidChangeConfiguration as VS Code does. */
export function changeSettings(values: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(values)) fake.settings.set(k, v);
  fake.configChanged.fire({ affectsConfiguration: (s) => Object.keys(values).some((k) => k === s || k.startsWith(`${s}.`)) });
}

export class FakeLogChannel {
  lines: string[] = [];
  shown = false;
  constructor(readonly name: string) {}
  private add(level: string, m: string) {
    this.lines.push(`${level} ${m}`);
  }
  trace = (m: string) => this.add('trace', m);
  debug = (m: string) => this.add('debug', m);
  info = (m: string) => this.add('info', m);
  warn = (m: string) => this.add('warn', m);
  error = (m: string) => this.add('error', m);
  appendLine = (m: string) => this.add('info', m);
  show = () => void (this.shown = true);
  dispose = () => {};
}

export class FakeStatusBarItem {
  text = '';
  tooltip: string | undefined;
  command: string | undefined;
  name: string | undefined;
  backgroundColor: unknown;
  visible = false;
  show = () => void (this.visible = true);
  hide = () => void (this.visible = false);
  dispose = () => void (this.visible = false);
}

export class FakeWebview {
  html = '';
  cspSource = 'vscode-webview://fake';
  posted: any[] = [];
  private readonly received = new EventEmitter<unknown>();
  onDidReceiveMessage = this.received.event;
  postMessage = async (m: unknown) => {
    this.posted.push(m);
    return true;
  };
  asWebviewUri = (u: Uri) => Uri.parse(`vscode-webview://fake${u.fsPath}`);
  /** Simulates the webview script posting a message. */
  send(m: unknown): void {
    this.received.fire(m);
  }
}

export class FakeWebviewPanel {
  readonly webview = new FakeWebview();
  iconPath: unknown;
  disposed = false;
  private readonly disposeEmitter = new EventEmitter<void>();
  onDidDispose = this.disposeEmitter.event;
  constructor(
    readonly viewType: string,
    public title: string,
    readonly options: any,
  ) {}
  reveal = () => {};
  dispose = () => {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEmitter.fire();
  };
}

function message(level: Shown['level']) {
  return async (msg: string, ...rest: unknown[]) => {
    const items = rest.filter((r): r is string => typeof r === 'string');
    fake.shown.push({ level, message: msg, items });
    const i = fake.answers.findIndex((a) => msg.includes(a.match));
    if (i < 0) return undefined;
    return fake.answers.splice(i, 1)[0]!.pick;
  };
}

export const window = {
  showInformationMessage: message('info'),
  showWarningMessage: message('warning'),
  showErrorMessage: message('error'),
  setStatusBarMessage: (m: string) => {
    fake.shown.push({ level: 'info', message: m, items: [] });
    return new Disposable(() => {});
  },
  showQuickPick: async (items: any[] | Promise<any[]>) => {
    const next = fake.quickPicks.shift();
    return next ? next(await items) : undefined;
  },
  showInputBox: async (opts?: { validateInput?(v: string): string | undefined }) => {
    const v = fake.inputBoxes.shift();
    if (v !== undefined && opts?.validateInput?.(v)) return undefined;
    return v;
  },
  showOpenDialog: async () => undefined,
  showTextDocument: async (doc: { language?: string; content: string; shown: boolean }) => {
    doc.shown = true;
    return { document: doc };
  },
  withProgress: async (_o: unknown, task: (p: unknown) => Promise<unknown>) => task({ report() {} }),
  createOutputChannel: (name: string) => {
    const c = new FakeLogChannel(name);
    fake.channels.push(c);
    return c;
  },
  createStatusBarItem: () => {
    const s = new FakeStatusBarItem();
    fake.statusBarItems.push(s);
    return s;
  },
  createTreeView: () => ({ dispose() {} }),
  registerWebviewPanelSerializer: () => new Disposable(() => {}),
  createWebviewPanel: (viewType: string, title: string, _col: unknown, options: unknown) => {
    const p = new FakeWebviewPanel(viewType, title, options);
    fake.panels.push(p);
    return p;
  },
};

export const workspace = {
  getConfiguration: (section: string) => ({
    get: <T>(key: string, fallback: T): T => (fake.settings.has(`${section}.${key}`) ? (fake.settings.get(`${section}.${key}`) as T) : fallback),
    inspect: (key: string) => ({ globalValue: fake.settings.get(`${section}.${key}`) }),
    /** Records where it was written; the change fires onDidChangeConfiguration as in VS Code. */
    update: async (key: string, value: unknown, target?: number) => {
      fake.updates.push({ key: `${section}.${key}`, value, target });
      changeSettings({ [`${section}.${key}`]: value });
    },
  }),
  onDidChangeConfiguration: fake.configChanged.event,
  openTextDocument: async (o: { language?: string; content?: string }) => {
    const doc = { language: o.language, content: o.content ?? '', shown: false, getText: () => o.content ?? '' };
    fake.documents.push(doc);
    return doc;
  },
  workspaceFolders: undefined,
  name: 'fake-workspace',
};

export const commands = {
  registerCommand: (id: string, fn: (...a: unknown[]) => unknown) => {
    fake.commands.set(id, fn);
    return new Disposable(() => fake.commands.delete(id));
  },
  executeCommand: async (id: string, ...args: unknown[]) => {
    fake.executed.push({ id, args });
    if (id === 'setContext') fake.context.set(String(args[0]), args[1]);
    return fake.commands.get(id)?.(...args);
  },
};

export const env = {
  clipboard: {
    readText: async () => fake.clipboard,
    writeText: async (t: string) => void (fake.clipboard = t),
  },
  openExternal: async (u: Uri) => {
    fake.opened.push(u.toString());
    return true;
  },
  /** Local: no port forwarding, the URI as given. */
  asExternalUri: async (u: Uri) => u,
};
