// Renders the webviews in headless Chromium with VS Code's Dark Modern theme variables and sample
// data, for the README: `npm run build && node --import tsx scripts/screenshots.ts` → docs/webhook-form.png.
// (docs/vscode-flow.png is a real VS Code: code-server 4.139.1 driven by headless Chromium.)
import { startWebviewHarness, type WebviewPage } from '../test/helpers/webviewPage';

const THEME: Record<string, string> = {
  'font-family': '"Segoe UI", "Ubuntu", "Droid Sans", sans-serif', 'font-size': '13px', foreground: '#cccccc',
  'editor-background': '#1f1f1f', 'input-background': '#313131', 'input-foreground': '#cccccc', 'input-border': '#3c3c3c',
  focusBorder: '#0078d4', descriptionForeground: '#9d9d9d', errorForeground: '#f85149', 'button-background': '#0078d4',
  'button-foreground': '#ffffff', 'button-hoverBackground': '#026ec1', 'button-secondaryBackground': '#313131',
  'button-secondaryForeground': '#cccccc', 'textCodeBlock-background': '#2b2b2b', 'panel-border': '#2b2b2b',
  'list-hoverBackground': '#2a2d2e', 'list-activeSelectionBackground': '#04395e', 'list-activeSelectionForeground': '#ffffff',
  'badge-background': '#616161', 'badge-foreground': '#f8f8f8', 'testing-iconPassed': '#73c991', 'testing-iconFailed': '#f14c4c',
  'editorWarning-foreground': '#cca700', 'debugTokenExpression-string': '#ce9178', 'debugTokenExpression-number': '#b5cea8',
  'debugTokenExpression-boolean': '#4e94ce', 'symbolIcon-propertyForeground': '#9cdcfe', 'editor-font-family': '"Droid Sans Mono", monospace',
  'editor-font-size': '12px', 'widget-border': '#313131',
};

async function theme(page: WebviewPage) {
  await page.evaluate((vars) => {
    for (const [k, v] of Object.entries(vars)) (globalThis as any).document.documentElement.style.setProperty(`--vscode-${k}`, v);
  }, THEME);
}

async function main(): Promise<void> {
const hx = await startWebviewHarness();
try {
  const form = await hx.open('form', (msg) =>
    msg.type === 'ready' ? [{ type: 'init', data: { kind: 'webhook', domains: [{ id: 1, domain_name: 'acme.test' }], domainId: 1, sinkUrl: 'http://127.0.0.1:8780/sink/demo' } }] : [],
  );
  await form.setViewportSize({ width: 760, height: 820 });
  await theme(form);
  await form.waitForSelector('form');
  await form.screenshot({ path: 'docs/webhook-form.png' });
} finally {
  await hx.close();
}
console.log('wrote docs/webhook-form.png');
}

void main();
