/**
 * The one masking rule for showing a webhook URL (inspector, tree, logs, messages): the user name
 * stays, the password never shows. Pure and dependency-free, so the extension uses it too.
 */
export const PASSWORD_MASK = '***';

/** The user name is shown decoded (`ann@x.test`, not `ann%40x.test`): it is for people to read. */
export function displayUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = PASSWORD_MASK;
    const user = u.username;
    const shown = u.toString();
    if (!user) return shown;
    let decoded = user;
    try {
      decoded = decodeURIComponent(user);
    } catch {
      /* a malformed escape stays as it is */
    }
    return shown.replace(`//${user}:`, `//${decoded}:`).replace(`//${user}@`, `//${decoded}@`);
  } catch {
    return raw;
  }
}
