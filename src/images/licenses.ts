/**
 * Declared licences as package metadata states them (npm `license`/`licenses`, PyPI `License-Expression`/
 * `License`, apk `L:`), cleaned and bounded: hostile metadata can put anything there.
 */
const MAX_LICENSES = 16;
const MAX_LICENSE_CHARS = 200;

function clean(value: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  const flat = value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat === '' || flat.length > MAX_LICENSE_CHARS ? undefined : flat;
}

/** npm: `license` (a string, or the deprecated `{ type }`), or the deprecated `licenses: [{ type }]`. */
export function npmLicenses(manifest: { license?: unknown; licenses?: unknown }): string[] {
  const out: string[] = [];
  const add = (v: unknown) => {
    const text =
      typeof v === 'string' ? v : typeof v === 'object' && v !== null ? (v as { type?: unknown }).type : undefined;
    const value = typeof text === 'string' ? clean(text) : undefined;
    if (value && out.length < MAX_LICENSES && !out.includes(value)) out.push(value);
  };
  add(manifest.license);
  if (Array.isArray(manifest.licenses)) for (const l of manifest.licenses.slice(0, MAX_LICENSES)) add(l);
  return out;
}

/** Core metadata: `License-Expression` (PEP 639) wins over the free-text `License` header. */
export function pythonLicenses(metadata: string): string[] {
  let expression: string | undefined;
  let text: string | undefined;
  for (const line of metadata.split(/\r?\n/)) {
    if (line.trim() === '') break;
    const m = /^(License-Expression|License):\s*(.*)$/i.exec(line);
    if (!m) continue;
    if (m[1]!.toLowerCase() === 'license-expression') expression ??= clean(m[2]!);
    else text ??= clean(m[2]!);
  }
  const value = expression ?? text;
  return value ? [value] : [];
}

/** One licence field (apk `L:`, rpm `License`): kept as written. */
export function singleLicense(value: string | undefined): string[] {
  const v = value === undefined ? undefined : clean(value);
  return v ? [v] : [];
}

/** `{ licenses }` when there are any, to spread into a package. */
export function withLicenses(licenses: string[]): { licenses?: string[] } {
  return licenses.length > 0 ? { licenses } : {};
}

/** Composer's `license` (a string or a list of strings, the list meaning any of them). */
export function composerLicenses(entry: unknown): string[] {
  const value = typeof entry === 'object' && entry !== null ? (entry as { license?: unknown }).license : undefined;
  const list = Array.isArray(value) ? value.slice(0, MAX_LICENSES) : [value];
  const out: string[] = [];
  for (const v of list) {
    const text = typeof v === 'string' ? clean(v) : undefined;
    if (text && !out.includes(text)) out.push(text);
  }
  return out.length > 1 ? [`(${out.join(' OR ')})`] : out;
}

/** A gemspec as RubyGems writes it: `s.licenses = ["MIT".freeze]` (read as text, never evaluated). */
export function gemspecLicenses(text: string): string[] {
  const m = /^[ \t]*\w+\.licenses?[ \t]*=[ \t]*\[?([^\n\]]*)\]?/m.exec(text);
  if (!m) return [];
  const out: string[] = [];
  for (const q of m[1]!.matchAll(/"([^"\\]{1,200})"|'([^'\\]{1,200})'/g)) {
    const v = clean(q[1] ?? q[2] ?? '');
    if (v && out.length < MAX_LICENSES && !out.includes(v)) out.push(v);
  }
  return out;
}
