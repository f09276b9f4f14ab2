/**
 * Every DOM selector the UI suites use, in one place: VS Code's workbench DOM changes between
 * releases (code-server is pinned to 4.139.1 = VS Code 1.139 for that reason). Update here only.
 */
export const sel = {
  workbench: '.monaco-workbench',
  /** The activity-bar entry of a view container, by its title. */
  activityBarItem: (title: string) => `.activitybar [aria-label^="${title}"]`,
  sidebar: '.part.sidebar',
  /** Rows of the tree (and of any list) in the side bar. */
  sidebarRow: '.part.sidebar .monaco-list-row',
  rowLabel: '.label-name',
  rowDescription: '.label-description',
  quickInput: '.quick-input-widget',
  quickInputBox: '.quick-input-widget .quick-input-box input',
  quickInputRow: '.quick-input-widget .monaco-list-row',
  contextMenu: '.context-view .monaco-menu',
  contextMenuItem: '.context-view .monaco-menu .action-item',
  dialog: '.monaco-dialog-box',
  dialogButton: '.monaco-dialog-box .dialog-buttons .monaco-button',
  toast: '.notifications-toasts .notification-toast',
  /** An action button of a notification (inside a toast). */
  toastButton: '.notification-list-item-buttons-container .monaco-button',
  /** Webviews: the ready outer iframe, then the document inside it. */
  webviewOuter: 'iframe.webview.ready',
  webviewInner: '#active-frame',
  editorTab: '.tabs-container .tab',
  statusBarItem: '.statusbar .statusbar-item',
  /** Rows of the Ports view (in the panel; "Ports: Focus on Ports View"). */
  portsRow: '.part.panel .monaco-list-row',
  // Inside the extension's webviews (media/src/form.ts, media/src/inspector.ts, media/src/message.ts).
  form: {
    domainName: '#domain_name',
    url: '#url',
    username: '#username',
    password: '#password',
    submit: 'button[type=submit]',
    secret: '#signing-secret',
    done: '#done',
  },
  inspector: {
    search: '#f-search',
    selectedRow: '.row.selected',
    row: '.row[data-id]',
    webhookFilter: '#f-webhook',
    copyPayload: '#copy-payload',
    notice: '#notice',
    signature: 'table.headers tr:has(th:text("mailtrap-signature")) td',
    rowCode: '.code',
    detail: '#detail',
    attemptOk: '.attempt.ok',
  },
  // The message timeline (media/src/message.ts).
  timeline: {
    status: '#status',
    event: (type: string) => `#timeline li.ev-${type}`,
    batchButton: '.carriers button',
  },
} as const;
