/**
 * Escaping for text that came from the repository, an image or an advisory, before it reaches markdown that
 * GitHub or GitLab renders. Everything that could start markup, a link, a mention, an issue reference, an
 * HTML tag or comment (and so spoof our hidden marker), or break a table cell becomes an HTML entity.
 */
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
  '|': '&#124;',
  '\\': '&#92;',
  '*': '&#42;',
  _: '&#95;',
  '[': '&#91;',
  ']': '&#93;',
  '(': '&#40;',
  ')': '&#41;',
  // A zero-width space after @ and # keeps GitHub's mention and issue-reference filters, which run on the
  // rendered text, from pinging people or linking issues.
  '#': '&#35;&#8203;',
  '@': '&#64;&#8203;',
  '!': '&#33;',
  '~': '&#126;',
  $: '&#36;',
  '{': '&#123;',
  '}': '&#125;',
};

const PATTERN = /[&<>"'`|\\*_[\]()#@!~${}]/g;

/** Inline text: one line, every markup character neutralised, length capped. */
export function escapeMarkdown(text: string, maxLength = 2000): string {
  const flat = text
    .replace(/[\r\n\t]+/g, ' ')
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u001f\u007f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/g, '');
  const capped = flat.length > maxLength ? `${flat.slice(0, maxLength - 1)}…` : flat;
  // Lines starting with these would become headings, quotes or lists even when escaped inline.
  return capped
    .replace(PATTERN, (c) => ENTITIES[c] ?? c)
    .replace(/\b(www)\./gi, '$1&#46;')
    .replace(/:\/\//g, '&#58;//')
    .replace(/^([-+=>]|\d+\.)/, (m) => `&#${m.charCodeAt(0)};${m.slice(1)}`);
}

/** Text for inside a code span: only the backtick needs care; use a fence long enough. */
export function codeSpan(text: string, maxLength = 300): string {
  const flat = text.replace(/[\r\n]+/g, ' ').slice(0, maxLength);
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A URL we built ourselves, checked to be http(s) and percent-encoded where markdown would break. */
export function safeUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
    return parsed
      .toString()
      .replace(/[()<>\s"'`|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  } catch {
    return undefined;
  }
}
