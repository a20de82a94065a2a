/** Shared by the GitHub and GitLab token probes: one request and a short timeout. */

/** The one API request may take this long; the gate must not wait on a slow API for a probe. */
export const TOKEN_PROBE_TIMEOUT_MS = 5_000;

export interface TokenProbeOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export function timeoutFetch(options: TokenProbeOptions) {
  const ms = options.timeoutMs ?? TOKEN_PROBE_TIMEOUT_MS;
  return (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const signals = [
      AbortSignal.timeout(ms),
      ...(init?.signal ? [init.signal] : []),
      ...(options.signal ? [options.signal] : []),
    ];
    return fetch(url, { ...init, signal: AbortSignal.any(signals) });
  };
}

/** True when the error, or what caused it, is the request timing out. */
export function timedOut(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const { name, message } = current as { name?: unknown; message?: unknown };
    if (name === 'TimeoutError' || (typeof message === 'string' && /due to timeout|TimeoutError/i.test(message)))
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
