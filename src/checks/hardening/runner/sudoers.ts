/** sudoers(5) files read at most, includes included. */
export const MAX_SUDOERS_FILES = 64;

export interface SudoIdentity {
  user: string;
  uid: number;
  groups: string[];
}

export interface SudoersGrant {
  path: string;
  line: number;
  text: string;
}

export interface SudoersResult {
  /** A rule that lets the user run any command without a password, when one was found. */
  grant?: SudoersGrant;
  read: string[];
  unreadable: string[];
}

export interface SudoersReader {
  readFile(path: string): string | undefined;
  listDir?(path: string): string[] | undefined;
}

interface Line {
  path: string;
  line: number;
  text: string;
}

/** Logical lines (comments removed, `\` continuations joined) of sudoers and the files it includes. */
function collectLines(reader: SudoersReader, result: SudoersResult): Line[] {
  const lines: Line[] = [];
  const queue = ['/etc/sudoers'];
  const seen = new Set<string>();
  while (queue.length > 0 && seen.size < MAX_SUDOERS_FILES) {
    const path = queue.shift() as string;
    if (seen.has(path)) continue;
    seen.add(path);
    const text = reader.readFile(path);
    if (text === undefined) {
      result.unreadable.push(path);
      continue;
    }
    result.read.push(path);
    const raw = text.split('\n');
    for (let i = 0; i < raw.length; i++) {
      const start = i;
      let logical = raw[i] ?? '';
      while (logical.endsWith('\\') && i + 1 < raw.length) logical = logical.slice(0, -1) + ' ' + (raw[++i] ?? '');
      const include = /^\s*[#@](includedir|include)\s+(\S+)/.exec(logical);
      if (include) {
        const target = include[2] ?? '';
        if (include[1] === 'include') queue.push(target);
        else {
          const entries = reader.listDir?.(target);
          if (entries === undefined) result.unreadable.push(`${target}/`);
          // sudo skips names ending in `~` or containing `.` in included directories.
          for (const entry of (entries ?? []).sort()) {
            if (!entry.endsWith('~') && !entry.includes('.')) queue.push(`${target.replace(/\/$/, '')}/${entry}`);
          }
        }
        continue;
      }
      const uncommented = logical.replace(/(^|\s)#.*$/, '').trim();
      if (uncommented) lines.push({ path, line: start + 1, text: uncommented });
    }
  }
  return lines;
}

function matchesWho(who: string, identity: SudoIdentity, aliases: Map<string, string[]>, depth = 0): boolean {
  return who
    .split(',')
    .map((item) => item.trim())
    .some((item) => {
      if (item.startsWith('!')) return false;
      if (item === 'ALL' || item === identity.user || item === `#${identity.uid}`) return true;
      if (item.startsWith('%')) return identity.groups.includes(item.slice(1).replace(/^:/, ''));
      const alias = aliases.get(item);
      return alias !== undefined && depth < 8 && matchesWho(alias.join(','), identity, aliases, depth + 1);
    });
}

/** True when the command list runs ALL commands without a password (tags carry over until changed). */
function passwordlessAll(commands: string, authenticate: boolean): boolean {
  let nopasswd = !authenticate;
  for (const raw of commands.split(',')) {
    let item = raw.trim().replace(/^\([^)]*\)\s*/, '');
    for (;;) {
      const tag = /^([A-Z_]+):\s*/.exec(item);
      if (!tag) break;
      if (tag[1] === 'NOPASSWD') nopasswd = true;
      if (tag[1] === 'PASSWD') nopasswd = !authenticate;
      item = item.slice(tag[0].length);
    }
    if (item === 'ALL' && nopasswd) return true;
  }
  return false;
}

/** Looks for a sudoers rule giving the user every command without a password. Reads only. */
export function findPasswordlessSudo(reader: SudoersReader, identity: SudoIdentity): SudoersResult {
  const result: SudoersResult = { read: [], unreadable: [] };
  const lines = collectLines(reader, result);
  const aliases = new Map<string, string[]>();
  let authenticate = true;
  for (const { text } of lines) {
    const alias = /^User_Alias\s+([A-Z][A-Z0-9_]*)\s*=\s*(.+)$/.exec(text);
    if (alias?.[1] && alias[2])
      aliases.set(
        alias[1],
        alias[2].split(',').map((s) => s.trim()),
      );
    const defaults = /^Defaults(?::(\S+))?\s+(.*)$/.exec(text);
    if (defaults && /(^|[\s,])!authenticate\b/.test(defaults[2] ?? '')) {
      if (!defaults[1] || matchesWho(defaults[1], identity, aliases)) authenticate = false;
    }
  }
  for (const line of lines) {
    if (/^(Defaults|User_Alias|Runas_Alias|Host_Alias|Cmnd_Alias|Cmd_Alias)\b/.test(line.text)) continue;
    const spec = /^(\S+)\s+[^=]+=\s*(.+)$/.exec(line.text);
    if (!spec?.[1] || !spec[2]) continue;
    if (!matchesWho(spec[1], identity, aliases)) continue;
    if (passwordlessAll(spec[2], authenticate)) {
      result.grant = line;
      return result;
    }
  }
  return result;
}
