/**
 * Paths inside an image are relative to its root, `/`-separated, without `.` or `..` segments and without
 * a leading or trailing slash: `etc/os-release`. The root itself is the empty string.
 */
export type EntryPathResult = { ok: true; path: string; note?: string } | { ok: false; reason: string };

/** Control characters and NUL have no place in a path we store or print. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Normalizes a tar entry name. A leading `/` or `./` is dropped (common in real layers). A `..` that would
 * climb above the root rejects the entry: it could never be written inside the root by a safe extractor.
 */
/** Linux PATH_MAX. Longer names cannot be created by an extractor; they also bound directory depth. */
export const MAX_PATH_BYTES = 4096;

export function normalizeEntryPath(name: string): EntryPathResult {
  if (name.includes('\u0000')) return { ok: false, reason: 'the name contains a NUL byte' };
  if (Buffer.byteLength(name) > MAX_PATH_BYTES) {
    return { ok: false, reason: `the name is longer than ${MAX_PATH_BYTES} bytes` };
  }
  const absolute = name.startsWith('/');
  const parts: string[] = [];
  let dotdot = false;
  for (const segment of name.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      dotdot = true;
      if (parts.length === 0) return { ok: false, reason: 'the name climbs above the image root with `..`' };
      parts.pop();
      continue;
    }
    parts.push(segment);
  }
  const path = parts.join('/');
  if (dotdot) return { ok: true, path, note: 'the name contains `..` segments; normalized inside the root' };
  if (absolute) return { ok: true, path, note: 'the name is absolute; read relative to the image root' };
  return { ok: true, path };
}

/** Splits a stored path into its segments (the root has none). */
export function segments(path: string): string[] {
  return path === '' ? [] : path.split('/');
}

export function joinPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}/${name}`;
}

export function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** True when a symlink target, read from the link's directory, would climb above the root. */
export function symlinkEscapesRoot(linkPath: string, target: string): boolean {
  if (target.startsWith('/')) return target.split('/').some((part) => part === '..') && escapes([], target);
  return escapes(segments(dirname(linkPath)), target);
}

function escapes(base: string[], target: string): boolean {
  const stack = [...base];
  for (const segment of target.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (stack.length === 0) return true;
      stack.pop();
    } else {
      stack.push(segment);
    }
  }
  return false;
}

/** Makes a path safe to print: control characters escaped, length bounded. */
export function displayPath(path: string, max = 300): string {
  let shown = path;
  if (CONTROL.test(shown)) {
    // eslint-disable-next-line no-control-regex
    shown = shown.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  }
  return shown.length > max ? `${shown.slice(0, max)}…` : shown;
}
