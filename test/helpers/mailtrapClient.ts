/**
 * The official `mailtrap` client pointed at the emulator. The SDK has no host option, so an
 * axios request interceptor rewrites Mailtrap's hosts to the emulator's (bulk under /bulk).
 */
import { MailtrapClient } from 'mailtrap';

export function emulatorClient(http: string, token: string, opts: { accountId?: number; bulk?: boolean } = {}): MailtrapClient {
  const client = new MailtrapClient({ token, accountId: opts.accountId ?? 1, bulk: opts.bulk });
  // `axios` is private in the SDK's types but is the documented way to reach its HTTP layer.
  const axios = (client as unknown as { axios: import('axios').AxiosInstance }).axios;
  axios.interceptors.request.use((config) => {
    if (config.url) {
      config.url = config.url
        .replace(/^https:\/\/bulk\.api\.mailtrap\.io/, `${http}/bulk`)
        .replace(/^https:\/\/(send\.api\.)?mailtrap\.io/, http);
    }
    return config;
  });
  return client;
}
