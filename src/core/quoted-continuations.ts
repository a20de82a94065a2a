/**
 * Quoted scalars continued at (or left of) their key's indentation, which Go's YAML decoders (libyaml's
 * scanner, used by gopkg.in/yaml.v2/v3 and so by sigs.k8s.io/yaml and kubectl) and PyYAML accept:
 *
 * ```yaml
 * metadata:
 *   annotations:
 *     description: 'a long text
 *     continued here'
 * ```
 *
 * The `yaml` library follows the spec and ends the scalar at the under-indented line (no parse option
 * changes that). libyaml only stops a quoted scalar at its closing quote, a document marker or the end
 * of the stream, and folds away the leading white space of continuation lines. So re-indenting those
 * lines gives the library the value Go reads. Only spaces are inserted at the start of lines inside the
 * scalar: every line keeps its number, and columns move only on the re-indented lines (the caller
 * corrects them with `pads`).
 */

/** Lines re-indented, by 1-based line number: how many spaces were inserted at the start of the line. */
export type LinePads = Map<number, number>;

/** Offset of the quote that closes the scalar opened at `open`, found as the yaml lexer finds it; -1 when none. */
export function closingQuote(text: string, open: number): number {
  const quote = text[open];
  let end = text.indexOf(quote!, open + 1);
  if (quote === "'") {
    while (end !== -1 && text[end + 1] === "'") end = text.indexOf("'", end + 2);
    return end;
  }
  while (end !== -1) {
    let backslashes = 0;
    while (text[end - 1 - backslashes] === '\\') backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}

function isDocumentMarker(text: string, lineStart: number): boolean {
  const marker = text.slice(lineStart, lineStart + 3);
  if (marker !== '---' && marker !== '...') return false;
  const after = text[lineStart + 3];
  return after === undefined || after === ' ' || after === '\t' || after === '\n' || after === '\r';
}

/**
 * Inserts spaces at the start of every continuation line of the quoted scalars opened at `openings`
 * (offsets of their opening quote), so each is indented past the opening quote's column. Scalars without
 * a closing quote, or crossing a document marker (libyaml rejects those too), are left alone. Returns
 * undefined when nothing changed. `pads` is updated with the spaces inserted per line.
 */
export function reindentQuotedContinuations(text: string, openings: number[], pads: LinePads): string | undefined {
  const chunks: string[] = [];
  let copied = 0;
  let line = 1;
  let counted = 0;
  const lineOf = (offset: number): number => {
    for (let i = text.indexOf('\n', counted); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
    counted = offset;
    return line;
  };
  for (const open of [...openings].sort((a, b) => a - b)) {
    if (open < copied) continue;
    const close = closingQuote(text, open);
    if (close === -1) continue;
    const column = open - (text.lastIndexOf('\n', open - 1) + 1);
    const inserts: { at: number; spaces: number }[] = [];
    let crossesMarker = false;
    for (let nl = text.indexOf('\n', open); nl !== -1 && nl < close; nl = text.indexOf('\n', nl + 1)) {
      const start = nl + 1;
      if (isDocumentMarker(text, start)) {
        crossesMarker = true;
        break;
      }
      let spaces = 0;
      while (text[start + spaces] === ' ') spaces++;
      const next = text[start + spaces];
      if (next === '\n' || (next === '\r' && text[start + spaces + 1] === '\n')) continue;
      if (spaces <= column) inserts.push({ at: start, spaces: column + 1 - spaces });
    }
    if (crossesMarker || inserts.length === 0) continue;
    for (const { at, spaces } of inserts) {
      chunks.push(text.slice(copied, at), ' '.repeat(spaces));
      copied = at;
      const number = lineOf(at);
      pads.set(number, (pads.get(number) ?? 0) + spaces);
    }
    // Continue after the closing quote so no later opening inside this scalar is treated.
    chunks.push(text.slice(copied, close));
    copied = close;
  }
  if (chunks.length === 0) return undefined;
  chunks.push(text.slice(copied));
  return chunks.join('');
}
