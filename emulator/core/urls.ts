/**
 * The one masking rule for showing a webhook URL (inspector, tree, logs, messages): the user name
 * stays, the password never shows. Pure and dependency-free, so the extension uses it too.
 */
export const PASSWORD_MASK = '***';

export function displayUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = PASSWORD_MASK;
    return u.toString();
  } catch {
    return raw;
  }
}
