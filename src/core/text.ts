/**
 * A repository file's text as editors and GitHub show it: UTF-8, with a leading byte-order mark dropped.
 * Kept, the mark is a character of its own and every column on line 1 would be one too far right.
 */
export function decodeSourceText(bytes: Buffer): string {
  const hasBom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return (hasBom ? bytes.subarray(3) : bytes).toString('utf8');
}
