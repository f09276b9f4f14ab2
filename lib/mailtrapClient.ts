/**
 * Points the official `mailtrap` client at an emulator. The SDK has no host option: an axios
 * request interceptor rewrites Mailtrap's hosts (bulk under /bulk, send and general at the root).
 */

interface AxiosLike {
  interceptors: { request: { use(fn: (config: { url?: string }) => unknown): unknown } };
}

export function pointMailtrapClient<C extends object>(client: C, emulator: { url: string }): C {
  const axios = (client as { axios?: AxiosLike }).axios;
  if (!axios?.interceptors?.request) throw new TypeError('pointMailtrapClient: expected a MailtrapClient from the mailtrap package (it has no axios instance)');
  const base = emulator.url.replace(/\/+$/, '');
  axios.interceptors.request.use((config) => {
    if (config.url) {
      config.url = config.url
        .replace(/^https:\/\/bulk\.api\.mailtrap\.io/, `${base}/bulk`)
        .replace(/^https:\/\/(send\.api\.)?mailtrap\.io/, base);
    }
    return config;
  });
  return client;
}
