const UTF16LE = new TextDecoder('utf-16le');
const UTF16BE = new TextDecoder('utf-16be');

/**
 * A repository file's text as editors, GitHub and Go's YAML decoders read it: UTF-8, or UTF-16 (little or
 * big endian) when the file starts with that byte-order mark; the mark itself is dropped. Kept, it is a
 * character of its own and every column on line 1 would be one too far right. UTF-16 without a mark is
 * read as UTF-8, as libyaml does (its NUL bytes then mark the file as binary).
 */
export function decodeSourceText(bytes: Buffer): string {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return bytes.subarray(3).toString('utf8');
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return UTF16LE.decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return UTF16BE.decode(bytes.subarray(2));
  return bytes.toString('utf8');
}

/** Text that holds NUL characters in its first 8,000 is a binary file (git's own test), not a source file. */
export function looksBinaryText(text: string): boolean {
  return text.slice(0, 8000).includes('\u0000');
}

/** Text from outside (a server header, a CI variable, a record) made safe for one line of a note: printable, cut. */
export function printableLine(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex -- control characters from outside never reach a note
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
