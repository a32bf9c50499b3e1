const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

/**
 * Keys and group memberships are only as trustworthy as the channel they come
 * over: require https, except on loopback (the dev issuer and tests) or when
 * the operator explicitly allows plain http (e.g. a dev issuer on a compose
 * network). Userinfo in the URL is refused so credentials never sit in config.
 */
export function isAllowedUrl(raw: string, allowInsecureHttp = false): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '') return false;
  if (url.protocol === 'https:') return true;
  if (url.protocol !== 'http:') return false;
  return allowInsecureHttp || LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
}
