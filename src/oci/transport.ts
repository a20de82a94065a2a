import { ociError } from './errors.js';

/** Hostnames that are this machine; plain http to them exposes nothing on the network. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** "host:port" or "host"; the URL API drops default ports, so compare both spellings. */
export function isInsecureAllowed(url: URL, insecureRegistries: readonly string[]): boolean {
  if (isLoopbackHost(url.hostname)) return true;
  const hostPort = url.host.toLowerCase();
  const hostname = url.hostname.toLowerCase();
  return insecureRegistries.some((entry) => {
    const allowed = entry
      .replace(/^[a-z]+:\/\//i, '')
      .replace(/\/.*$/, '')
      .toLowerCase();
    return allowed === hostPort || allowed === hostname;
  });
}

/**
 * Refuses anything but https, except http to loopback hosts or hosts the user listed as insecure
 * registries. Applied to the registry itself, every redirect hop and every token realm, so a registry
 * cannot downgrade us (or our credentials) to cleartext somewhere else.
 */
export function assertTransportAllowed(url: URL, insecureRegistries: readonly string[], what: string): void {
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && isInsecureAllowed(url, insecureRegistries)) return;
  if (url.protocol === 'http:') {
    throw ociError(
      'INSECURE_TRANSPORT',
      `refusing plain http to ${url.host} (${what}): http is only used for loopback hosts and hosts listed in insecure-registries`,
    );
  }
  throw ociError(
    'INSECURE_TRANSPORT',
    `refusing ${url.protocol} URL for ${what}: only https (or http to allowed hosts)`,
  );
}

export function registryScheme(host: string, insecureRegistries: readonly string[]): 'http' | 'https' {
  return isInsecureAllowed(new URL(`http://${host}/`), insecureRegistries) ? 'http' : 'https';
}
