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
  // Words with @ or # are put in code spans (see escapeMarkdown), where GitHub neither mentions nor links.
  '#': '&#35;',
  '@': '&#64;',
  '!': '&#33;',
  '~': '&#126;',
  $: '&#36;',
  '{': '&#123;',
  '}': '&#125;',
};

const PATTERN = /[&<>"'`|\\*_[\]()#@!~${}]/g;

// eslint-disable-next-line no-control-regex -- removing control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/g;

/** Prose outside code: every markup character becomes an entity. */
function escapeProse(text: string, first: boolean): string {
  const escaped = text
    .replace(PATTERN, (c) => ENTITIES[c] ?? c)
    .replace(/\b(www)\./gi, '$1&#46;')
    .replace(/:\/\//g, '&#58;//');
  // Lines starting with these would become headings, quotes or lists even when escaped inline.
  return first ? escaped.replace(/^([-+=>]|\d+\.)/, (m) => `&#${m.charCodeAt(0)};${m.slice(1)}`) : escaped;
}

/** A word that would mention someone or link an issue; it goes in a code span, where GitHub does neither. */
const MENTION_WORD = /[^\s|`]*[@#][^\s|`]*/g;

function escapeOutsideCode(text: string, first: boolean): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(MENTION_WORD)) {
    out += escapeProse(text.slice(last, match.index), first && last === 0) + codeSpan(match[0]);
    last = match.index + match[0].length;
  }
  return out + escapeProse(text.slice(last), first && last === 0);
}

/**
 * Inline text: one line, length capped. Code spans the text writes (CommonMark: a run of n backticks up to
 * the next run of exactly n) stay code, re-fenced safely; everything else is escaped.
 */
export function escapeMarkdown(text: string, maxLength = 2000): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ').replace(CONTROL, '');
  const capped = flat.length > maxLength ? `${flat.slice(0, maxLength - 1)}…` : flat;
  let out = '';
  let last = 0;
  const opener = /`+/g;
  for (let m = opener.exec(capped); m; m = opener.exec(capped)) {
    const fence = m[0];
    const closer = new RegExp(`(?<!\`)${fence}(?!\`)`, 'g');
    closer.lastIndex = m.index + fence.length;
    const close = closer.exec(capped);
    if (!close) continue;
    const inner = capped.slice(m.index + fence.length, close.index);
    out += escapeOutsideCode(capped.slice(last, m.index), last === 0) + codeSpan(inner);
    last = close.index + fence.length;
    opener.lastIndex = last;
  }
  return out + escapeOutsideCode(capped.slice(last), last === 0);
}

/** Text for inside a code span: only the backtick needs care; use a fence long enough. */
export function codeSpan(text: string, maxLength = 300): string {
  const flat = text
    .replace(/[\r\n]+/g, ' ')
    .replace(CONTROL, '')
    .slice(0, maxLength);
  if (flat.trim() === '') return escapeProse(flat, false);
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/**
 * Multi-line text (a fix such as `RUN useradd …` + `USER 10001`) as a fenced code block, indented by `indent`
 * so it stays inside a list item; the fence is longer than any backtick or tilde run in the text.
 */
export function codeBlock(text: string, indent = '', maxLines = 40, maxLength = 4000): string {
  const lines = text
    .slice(0, maxLength)
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/\t/g, '    ').replace(CONTROL, ''))
    .slice(0, maxLines);
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  const longest = Math.max(0, ...lines.flatMap((l) => [...l.matchAll(/`+|~+/g)].map((m) => m[0].length)));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [fence, ...lines, fence].map((line) => (line === '' ? '' : `${indent}${line}`)).join('\n');
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
