/**
 * A reader for dpkg's status database (`/var/lib/dpkg/status`, format in deb-control(5) and dpkg(1)):
 * stanzas of `Field: value` lines separated by blank lines, with continuation lines starting with a space
 * or tab. Only the fields the runner probe needs are kept. The file is untrusted input: malformed lines are
 * skipped, and the number of stanzas read is capped.
 */

/** Stanzas read at most; a real status file has a few thousand (one per package ever installed). */
export const MAX_DPKG_STANZAS = 50_000;

export interface DpkgPackage {
  package: string;
  version: string;
  /** The third word of `Status:` (`installed`, `config-files`, `half-configured`…). */
  state: string;
  architecture?: string;
  /** Source package name without the `(version)` part, when the stanza names one. */
  source?: string;
}

const WANTED = new Set(['package', 'version', 'status', 'architecture', 'source']);

/** States in which the package's files are on disk (`config-files` and `not-installed` leave none). */
const FILES_PRESENT = new Set([
  'installed',
  'unpacked',
  'half-configured',
  'half-installed',
  'triggers-awaited',
  'triggers-pending',
]);

export function filesPresent(pkg: DpkgPackage): boolean {
  return FILES_PRESENT.has(pkg.state);
}

export interface DpkgStatus {
  packages: DpkgPackage[];
  /** Stanzas that had no usable Package/Version/Status, or too many stanzas. */
  skipped: number;
  truncated: boolean;
}

export function parseDpkgStatus(text: string): DpkgStatus {
  const packages: DpkgPackage[] = [];
  let skipped = 0;
  let stanzas = 0;
  let fields = new Map<string, string>();
  let truncated = false;

  const flush = (): void => {
    if (fields.size === 0) return;
    stanzas++;
    const pkg = toPackage(fields);
    if (pkg) packages.push(pkg);
    else skipped++;
    fields = new Map();
  };

  for (const raw of text.split('\n')) {
    if (stanzas >= MAX_DPKG_STANZAS) {
      truncated = true;
      break;
    }
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      flush();
      continue;
    }
    // Continuation lines belong to multi-line fields (Description, Conffiles); none of ours is one.
    if (line.startsWith(' ') || line.startsWith('\t')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!WANTED.has(name) || fields.has(name)) continue;
    fields.set(name, line.slice(colon + 1).trim());
  }
  flush();
  return { packages, skipped, truncated };
}

function toPackage(fields: Map<string, string>): DpkgPackage | undefined {
  const name = fields.get('package');
  const version = fields.get('version');
  const status = fields.get('status');
  if (!name || !version || !status) return undefined;
  const words = status.split(/\s+/);
  if (words.length !== 3) return undefined;
  const pkg: DpkgPackage = { package: name, version, state: words[2] as string };
  const architecture = fields.get('architecture');
  if (architecture) pkg.architecture = architecture;
  const source = fields.get('source')?.split(/\s+/)[0];
  if (source) pkg.source = source;
  return pkg;
}
