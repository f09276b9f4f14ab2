/** Code snippets that point nodemailer, the `mailtrap` SDK or env vars at the running emulator. */
import type { ReadyInfo } from '../emulator/readyLine';

export type SnippetKind = 'nodemailer' | 'mailtrap' | 'env';

export function snippet(kind: SnippetKind, r: ReadyInfo): string {
  switch (kind) {
    case 'nodemailer':
      return `import nodemailer from 'nodemailer';

// Mailtrap emulator SMTP (user "api", password = emulator token)
const transport = nodemailer.createTransport({
  host: '127.0.0.1',
  port: ${r.smtpPort},
  secure: false,
  auth: { user: 'api', pass: '${r.token}' },
});
`;
    case 'mailtrap':
      return `import { MailtrapClient } from 'mailtrap';

// The official client pointed at the Mailtrap emulator
const client = new MailtrapClient({ token: '${r.token}', accountId: ${r.accountId} });
(client as any).axios.interceptors.request.use((c: any) => {
  c.url = c.url
    .replace(/^https:\\/\\/bulk\\.api\\.mailtrap\\.io/, '${r.http}/bulk')
    .replace(/^https:\\/\\/(send\\.api\\.)?mailtrap\\.io/, '${r.http}');
  return c;
});
`;
    case 'env':
      return `MAILTRAP_API_URL=${r.http}
MAILTRAP_TOKEN=${r.token}
MAILTRAP_ACCOUNT_ID=${r.accountId}
SMTP_HOST=127.0.0.1
SMTP_PORT=${r.smtpPort}
SMTP_USER=api
SMTP_PASS=${r.token}
`;
  }
}
