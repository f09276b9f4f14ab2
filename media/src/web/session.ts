/**
 * Logging the browser in (issue 15). A login link carries a one-time code in its fragment
 * (`/#login=<code>`); it is exchanged with `POST /ui/session` for an HttpOnly session cookie and
 * removed from the address bar at once. Without a valid session the page shows only a form for
 * the API token (the emulator prints it in its ready line): no data, no API answers.
 */
import { h } from '../rpc';
import { api } from './host';

async function openSession(credential: { code: string } | { token: string }): Promise<boolean> {
  const res = await fetch('/ui/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(credential),
    credentials: 'same-origin',
  });
  return res.status === 204;
}

async function hasSession(): Promise<boolean> {
  try {
    await api.status();
    return true;
  } catch {
    return false;
  }
}

/** True once the browser holds a session; `note` says why not, for the login form. */
export async function ensureSession(): Promise<{ ok: boolean; note?: string }> {
  const code = /(?:^|[#&])login=([0-9a-f]+)/i.exec(decodeURIComponent(location.hash))?.[1];
  if (code) {
    // Out of the address bar (and history) before anything else, whatever the outcome.
    history.replaceState(null, '', location.pathname + location.search);
    const ok = await openSession({ code }).catch(() => false);
    if (ok) return { ok: true };
    if (await hasSession()) return { ok: true };
    return { ok: false, note: 'This login link has already been used. Open a new one (the emulator prints it at start; in VS Code: Open in Browser), or log in with the API token.' };
  }
  return { ok: await hasSession() };
}

export function showLogin(app: HTMLElement, note: string | undefined, onDone: () => void): void {
  const token = h('input', { id: 'login-token', type: 'password', placeholder: 'API token', autocomplete: 'off', 'aria-label': 'API token' });
  const submit = h('button', { type: 'submit', id: 'login-submit', text: 'Log in' });
  const error = h('div', { className: 'form-error', id: 'login-error', role: 'alert' });
  const form = h('form', {}, token, submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    void openSession({ token: token.value.trim() })
      .then((ok) => (ok ? onDone() : (error.textContent = 'That is not the emulator\'s API token.')))
      .catch((err) => (error.textContent = String(err)))
      .finally(() => (submit.disabled = false));
  });
  app.replaceChildren(
    h(
      'div',
      { className: 'web-login', id: 'login' },
      h('h1', { text: 'Mailtrap Emulator' }),
      h('p', { text: note ?? 'Open the login link the emulator printed when it started (the "ui" field of its ready line), or enter its API token.' }),
      form,
      error,
    ),
  );
  token.focus();
}

export async function logout(): Promise<void> {
  await fetch('/ui/logout', { method: 'POST', credentials: 'same-origin' });
}
