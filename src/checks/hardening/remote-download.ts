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

/** Longest command line the download tracker reads; longer lines are not real installers. */
const MAX_TRACKED_LINE = 8192;
const MAX_TRACKED_FILES = 64;
const INTERPRETERS =
  /^(?:(?:\/\S*\/)?(?:ba|z|k|da|fi)?sh|source|\.|python[0-9.]*|node|perl|ruby|php|pwsh|powershell)$/i;

export interface DeferredRun {
  /** Offset in the line of the executed file's name. */
  index: number;
  /** The name as written on the executing line. */
  file: string;
  /** The tool that downloaded it (curl, wget). */
  tool: string;
}

const unquote = (word: string): string => word.replace(/^["']|["']$/g, '');
const normalize = (path: string): string => unquote(path).replace(/^\.\//, '');

/** Files a download command writes: `curl -o F`, `curl -O URL`, `wget -O F`, `wget URL`, `curl URL > F`. */
function downloadedFiles(command: string): { tool: string; files: string[] } | undefined {
  const words = command.trim().split(/\s+/);
  const at = words.findIndex((w) => /^(?:\S*\/)?(curl|wget)$/.test(w));
  if (at < 0) return undefined;
  const tool = /(curl|wget)$/.exec(words[at]!)![1]!;
  const files: string[] = [];
  const urls: string[] = [];
  let remoteName = tool === 'wget';
  for (let i = at + 1; i < words.length; i++) {
    const w = words[i]!;
    if (w === '>' || w === '>>') {
      if (words[i + 1]) files.push(words[i + 1]!);
      break;
    }
    if (w.startsWith('>')) {
      files.push(w.replace(/^>+/, ''));
      break;
    }
    const output = tool === 'curl' ? /^(?:-o|--output)$/.test(w) : /^(?:-O|--output-document)$/.test(w);
    if (output && words[i + 1]) files.push(words[++i]!);
    else if (tool === 'curl' && /^-o\S/.test(w)) files.push(w.slice(2));
    else if (tool === 'wget' && w.startsWith('--output-document=')) files.push(w.slice('--output-document='.length));
    else if (tool === 'curl' && (w === '-O' || w === '--remote-name' || /^-[a-zA-Z]*O[a-zA-Z]*$/.test(w)))
      remoteName = true;
    else if (/^["']?https?:\/\//.test(w)) urls.push(unquote(w));
  }
  if (files.length === 0 && remoteName)
    for (const url of urls)
      files.push(
        url
          .replace(/[?#].*$/, '')
          .split('/')
          .pop() ?? '',
      );
  const named = files.map(normalize).filter((f) => f !== '' && f !== '-' && f !== '/dev/null');
  return named.length > 0 ? { tool, files: named } : undefined;
}

/**
 * Follows one job's script lines in order and reports a file downloaded on one line (`curl -o x.sh URL`,
 * `wget URL`) and executed on a later one (`sh x.sh`, `./x.sh`, `source x.sh`) with no checksum or signature
 * tool run on it in between. Lines that already had a same-line finding are not tracked, so one download
 * gives one finding.
 */
export class DownloadTracker {
  private readonly pending = new Map<string, string>();

  /** Feeds one command line; `reported` says the line already had a finding of its own. */
  line(text: string, reported: boolean): DeferredRun | undefined {
    if (text.length > MAX_TRACKED_LINE) return undefined;
    let hit: DeferredRun | undefined;
    let offset = 0;
    for (const command of text.split(/(;|&&|\|\||\||\n)/)) {
      if (!/^(;|&&|\|\||\||\n)$/.test(command)) {
        if (VERIFIES.test(command)) {
          const named = [...this.pending.keys()].filter((f) => command.includes(f));
          for (const f of named.length > 0 ? named : [...this.pending.keys()]) this.pending.delete(f);
        } else if (!hit && !reported) {
          const run = this.executed(command);
          if (run) hit = { ...run, index: offset + run.index };
        }
        const download = reported ? undefined : downloadedFiles(command);
        if (download && this.pending.size < MAX_TRACKED_FILES)
          for (const f of download.files) this.pending.set(f, download.tool);
      }
      offset += command.length;
    }
    return hit;
  }

  private executed(command: string): (Omit<DeferredRun, 'index'> & { index: number }) | undefined {
    const words = [...command.matchAll(/\S+/g)];
    let i = 0;
    while (i < words.length && (/^sudo$|^-/.test(words[i]![0]) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]![0]))) i++;
    const first = words[i];
    if (!first) return undefined;
    let target = first;
    if (INTERPRETERS.test(first[0])) {
      target = words.slice(i + 1).find((w) => !w[0].startsWith('-')) ?? first;
      if (target === first) return undefined;
    } else if (!first[0].includes('/')) return undefined;
    const tool = this.pending.get(normalize(target[0]));
    return tool ? { index: target.index, file: target[0], tool } : undefined;
  }
}
