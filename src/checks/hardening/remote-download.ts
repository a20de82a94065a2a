/**
 * Shapes of "download and run" that are not a pipe into a shell, and the one download that needs no
 * verification, shared by the GitHub Actions and GitLab CI curl-pipe-shell audits (poutine's
 * unverified_script_exec patterns, read against the shell semantics).
 */

/**
 * A GitHub raw URL at a full commit SHA names immutable content, like a pinned action: running it is as
 * safe as the commit it names.
 */
const PINNED_GITHUB_RAW =
  /^https:\/\/(?:raw\.githubusercontent\.com\/[^/\s]+\/[^/\s]+\/[0-9a-f]{40}\/|github\.com\/[^/\s]+\/[^/\s]+\/raw\/[0-9a-f]{40}\/)/i;
const URL = /https?:\/\/[^\s"'`)|;&]+/gi;

/** True when every URL the download command starting at `index` fetches is commit-pinned (and there is one). */
export function fetchesPinnedContent(text: string, index: number): boolean {
  const rest = text.slice(index, index + 2048);
  const end = rest.search(/[|;)\n]|&&/);
  const command = end < 0 ? rest : rest.slice(0, end);
  const urls = command.match(URL) ?? [];
  return urls.length > 0 && urls.every((u) => PINNED_GITHUB_RAW.test(u));
}

/** `curl -o tool URL && chmod +x tool` on one command line: a downloaded binary made executable. */
const FETCH_THEN_CHMOD =
  /\b(curl|wget)\b[^\n]{0,256}?\bchmod\s+(?:-\S+\s+)*(?:[ugoa]*\+[rw]*x|0?[0-7]?[1357][0-7]{2})\b/i;
/** Checksum or signature tools whose presence on the line means the download is verified before use. */
const VERIFIES =
  /\b(?:sha(?:1|224|256|384|512)sum|shasum|b2sum|md5sum|gpg|gpgv|cosign|minisign|slsa-verifier)\b|\bopenssl\s+dgst\b/i;
/** `deno run -A https://…`: remote code with every permission. */
const DENO_REMOTE = /\bdeno\s+(?:run|install)\s+(?:-\S+\s+)*?(?:-A|--allow-all)\b[^\n]{0,128}?https?:\/\//i;

export interface UnverifiedRun {
  index: number;
  tool: string;
}

/** A download made executable, or remote code run by deno, with no verification on the same line. */
export function unverifiedRun(text: string): UnverifiedRun | undefined {
  const chmod = FETCH_THEN_CHMOD.exec(text);
  if (chmod && !VERIFIES.test(text) && !fetchesPinnedContent(text, chmod.index))
    return { index: chmod.index, tool: chmod[1]! };
  const deno = DENO_REMOTE.exec(text);
  if (deno) {
    const url = text.indexOf('http', deno.index);
    if (!fetchesPinnedContent(text, url)) return { index: deno.index, tool: 'deno' };
  }
  return undefined;
}
