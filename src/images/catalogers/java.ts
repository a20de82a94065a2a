import type { FileMeta } from '../filesystem.js';
import { MAX_CATALOGER_TOTAL_BYTES, cleanValue, purl, type Cataloger, type ImagePackage } from './types.js';
import { readZipDirectory, readZipEntry, type BufferZipEntry } from './zip-buffer.js';

const MiB = 1024 * 1024;
/** A fat Spring Boot jar is tens of MiB; larger archives are noted, not read. */
export const MAX_ARCHIVE_BYTES = 64 * MiB;
const MAX_ENTRIES = 100_000;
const MAX_METADATA_ENTRY_BYTES = 1 * MiB;
const MAX_NESTED_ARCHIVE_BYTES = 64 * MiB;
/** Everything inflated from one image file (nested jars and metadata together). */
const MAX_INFLATED_PER_FILE = 256 * MiB;
const MAX_NESTED_PER_FILE = 4096;
const MAX_POM_PROPERTIES_PER_ARCHIVE = 1000;
const MAX_NOTES = 50;

/**
 * Zip archives of Java code: jar, war, ear, Jenkins plugins (`.jpi`, `.hpi`: a war layout whose
 * `WEB-INF/lib/` holds the plugin's own jar and its libraries) and Apache NiFi archives (`.nar`:
 * `META-INF/bundled-dependencies/*.jar`). Syft reads all of these.
 */
const ARCHIVE = /\.(?:jar|war|ear|jpi|hpi|nar)$/i;
const POM_PROPERTIES = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;
const MANIFEST = 'META-INF/MANIFEST.MF';

export function isJavaArchive(path: string): boolean {
  return ARCHIVE.test(path);
}

/**
 * Archives inside an archive that are read, at any depth (Spring Boot `BOOT-INF/lib`, WAR `WEB-INF/lib`,
 * EAR modules, NiFi bundled dependencies, jars a shaded or custom build stored anywhere): every Java archive
 * entry, as Syft and Trivy read them. Depth, count and inflated bytes are capped per image file.
 */
export function isNestedArchive(_outerPath: string, entry: string): boolean {
  return !entry.endsWith('/') && ARCHIVE.test(entry);
}

/** jar in a jar in a jar... Spring Boot in an EAR is three levels; deeper nesting is noted and not read. */
export const MAX_NESTING_DEPTH = 6;

/** Java properties (the subset maven-archiver writes): `key=value`, `key: value`, `#`/`!` comments. */
export function parseProperties(text: string): Map<string, string> {
  const properties = new Map<string, string>();
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.trimStart();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const match = /^((?:\\.|[^=:\s\\])+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (!match) continue;
    const unescape = (value: string) => value.replace(/\\(.)/g, '$1');
    const key = unescape(match[1] ?? '');
    if (!properties.has(key)) properties.set(key, unescape(match[2] ?? '').trim());
  }
  return properties;
}

/** The main section of a JAR manifest: `Name: value`, continuation lines start with one space. */
export function parseManifest(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') break;
    if (line.startsWith(' ') && last !== undefined) {
      attributes.set(last, `${attributes.get(last) ?? ''}${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(': ');
    if (colon <= 0) continue;
    last = line.slice(0, colon).toLowerCase();
    if (!attributes.has(last)) attributes.set(last, line.slice(colon + 2));
    else last = undefined;
  }
  return attributes;
}

/** `commons-lang3-3.12.0.jar` → `commons-lang3`, `3.12.0`. */
export function nameFromFileName(fileName: string): { artifact?: string; version?: string } {
  const bare = fileName.replace(/^.*\//, '');
  const match = /^(.+?)-(\d[^/]*?)\.(?:jar|war|ear|jpi|hpi|nar)$/i.exec(bare);
  if (match) return { artifact: match[1] ?? '', version: match[2] ?? '' };
  const plain = /^(.+)\.(?:jar|war|ear|jpi|hpi|nar)$/i.exec(bare);
  return plain ? { artifact: plain[1] ?? '' } : {};
}

interface Identity {
  group?: string;
  artifact: string;
  version: string;
}

const MAVEN_PART = /^[A-Za-z0-9_.-]+$/;

function valid(identity: Identity): boolean {
  return (
    MAVEN_PART.test(identity.artifact) &&
    (identity.group === undefined || MAVEN_PART.test(identity.group)) &&
    identity.version !== '' &&
    identity.version.length <= 128
  );
}

/** The identity a manifest suggests when no pom.properties says: a guess, reported as one. */
export function manifestIdentity(manifest: Map<string, string>, fileName: string): Identity | undefined {
  const fromName = nameFromFileName(fileName);
  const symbolic = manifest.get('bundle-symbolicname')?.split(';')[0]?.trim();
  const title = manifest.get('implementation-title')?.trim();
  const artifact = fromName.artifact ?? (title && MAVEN_PART.test(title) ? title : symbolic?.split('.').pop());
  const version = (
    manifest.get('implementation-version') ??
    manifest.get('bundle-version') ??
    manifest.get('plugin-version') ??
    fromName.version ??
    ''
  ).trim();
  if (!artifact || !version) return undefined;
  // Jenkins plugins (maven-hpi-plugin) name their Maven groupId `Group-Id`.
  let group = (manifest.get('implementation-vendor-id') ?? manifest.get('group-id'))?.trim();
  if (!group && symbolic) {
    group = symbolic.endsWith(`.${artifact}`) ? symbolic.slice(0, -artifact.length - 1) : symbolic;
  }
  return {
    ...(group ? { group: cleanValue(group) } : {}),
    artifact: cleanValue(artifact),
    version: cleanValue(version),
  };
}

interface ScanState {
  inflated: number;
  nested: number;
  problems: string[];
}

function entryText(
  data: Buffer,
  entry: BufferZipEntry,
  label: string,
  state: ScanState,
  maxBytes: number,
): Buffer | undefined {
  if (state.inflated + Math.min(entry.size, maxBytes) > MAX_INFLATED_PER_FILE) {
    state.problems.push(`${label}!/${entry.name}: over the ${MAX_INFLATED_PER_FILE}-byte inflation budget; not read`);
    return undefined;
  }
  const read = readZipEntry(data, entry, maxBytes);
  if (!read.ok) {
    state.problems.push(`${label}!/${entry.name}: ${read.reason}; not read`);
    return undefined;
  }
  state.inflated += read.data.length;
  return read.data;
}

/** Identities found in one archive and in the archives nested in it, down to MAX_NESTING_DEPTH. */
function scanArchive(
  data: Buffer,
  label: string,
  depth: number,
  state: ScanState,
): { identity: Identity; path: string; guessed: boolean }[] {
  const directory = readZipDirectory(data, MAX_ENTRIES);
  if (!directory.ok) {
    state.problems.push(`${label}: ${directory.reason}`);
    return [];
  }
  if (directory.declared > MAX_ENTRIES) {
    state.problems.push(`${label}: ${directory.declared} entries; only the first ${MAX_ENTRIES} were read`);
  }
  const found: { identity: Identity; path: string; guessed: boolean }[] = [];
  const poms = directory.entries.filter((entry) => POM_PROPERTIES.test(entry.name));
  if (poms.length > MAX_POM_PROPERTIES_PER_ARCHIVE) {
    state.problems.push(
      `${label}: ${poms.length} pom.properties; only the first ${MAX_POM_PROPERTIES_PER_ARCHIVE} read`,
    );
  }
  for (const entry of poms.slice(0, MAX_POM_PROPERTIES_PER_ARCHIVE)) {
    const bytes = entryText(data, entry, label, state, MAX_METADATA_ENTRY_BYTES);
    if (!bytes) continue;
    const properties = parseProperties(bytes.toString('utf8'));
    const identity = {
      group: cleanValue(properties.get('groupId') ?? ''),
      artifact: cleanValue(properties.get('artifactId') ?? ''),
      version: cleanValue(properties.get('version') ?? ''),
    };
    if (identity.group === '' || !valid(identity)) {
      state.problems.push(`${label}!/${entry.name}: no valid groupId, artifactId and version`);
      continue;
    }
    found.push({ identity, path: label, guessed: false });
  }
  // A shaded jar (Gradle shadow, some maven-shade builds) carries its dependencies' pom.properties but not
  // its own: when none of them is the archive itself (by file name), the manifest still names it, as syft does.
  const own = nameFromFileName(label).artifact;
  const shadedOnly = found.length > 0 && own !== undefined && !found.some((f) => f.identity.artifact === own);
  if (shadedOnly) {
    const entry = directory.entries.find((e) => e.name === MANIFEST);
    const bytes = entry ? entryText(data, entry, label, state, MAX_METADATA_ENTRY_BYTES) : undefined;
    const manifestText = bytes?.toString('utf8');
    const attributes = manifestText === undefined ? undefined : parseManifest(manifestText);
    const identity =
      attributes && (attributes.has('implementation-version') || attributes.has('bundle-version'))
        ? manifestIdentity(attributes, label)
        : undefined;
    if (identity && valid(identity)) found.push({ identity, path: label, guessed: true });
  }
  if (poms.length === 0) {
    const entry = directory.entries.find((e) => e.name === MANIFEST);
    const bytes = entry ? entryText(data, entry, label, state, MAX_METADATA_ENTRY_BYTES) : undefined;
    const identity = bytes ? manifestIdentity(parseManifest(bytes.toString('utf8')), label) : undefined;
    if (identity && valid(identity)) found.push({ identity, path: label, guessed: true });
    else if (entry && bytes)
      state.problems.push(`${label}: no pom.properties and no usable name and version in ${MANIFEST}`);
    else if (!entry) state.problems.push(`${label}: no pom.properties and no ${MANIFEST}`);
  }
  const nested = directory.entries.filter((e) => isNestedArchive(label, e.name));
  if (nested.length > 0 && depth >= MAX_NESTING_DEPTH) {
    state.problems.push(`${label}: archives nested more than ${MAX_NESTING_DEPTH} levels deep; not read`);
    return found;
  }
  for (const entry of nested) {
    if (state.nested >= MAX_NESTED_PER_FILE) {
      state.problems.push(`${label}: more than ${MAX_NESTED_PER_FILE} nested archives; the rest were not read`);
      break;
    }
    state.nested++;
    const bytes = entryText(data, entry, label, state, MAX_NESTED_ARCHIVE_BYTES);
    if (bytes) found.push(...scanArchive(bytes, `${label}!/${entry.name}`, depth + 1, state));
  }
  return found;
}

function noteBounded(notes: string[], context: { note(message: string): void }, what: string): void {
  for (const message of notes.slice(0, MAX_NOTES)) context.note(`java: ${message}`);
  if (notes.length > MAX_NOTES) context.note(`java: ${notes.length - MAX_NOTES} more ${what} not listed`);
}

export const javaCataloger: Cataloger = {
  name: 'java',
  stage: 'language',
  wants: (file: FileMeta) => isJavaArchive(file.path),
  maxFileBytes: MAX_ARCHIVE_BYTES,
  maxTotalBytes: MAX_CATALOGER_TOTAL_BYTES,
  catalog(files, context) {
    const packages: ImagePackage[] = [];
    const problems: string[] = [];
    const guesses: string[] = [];
    for (const file of files) {
      if (context.ownedByOsPackage(file.path)) continue;
      if (file.truncated) {
        problems.push(`/${file.path} is larger than ${MAX_ARCHIVE_BYTES} bytes (${file.size}); not read`);
        continue;
      }
      const state: ScanState = { inflated: 0, nested: 0, problems };
      const seen = new Set<string>();
      for (const { identity, path, guessed } of scanArchive(file.data, file.path, 0, state)) {
        const name = identity.group ? `${identity.group}:${identity.artifact}` : identity.artifact;
        const key = `${path}\n${name}\n${identity.version}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (guessed)
          guesses.push(`/${path}: no pom.properties of its own; ${name}@${identity.version} guessed from ${MANIFEST}`);
        packages.push({
          ecosystem: 'Maven',
          name,
          version: identity.version,
          purl: purl('maven', identity.group, identity.artifact, identity.version),
          path,
          layer: file.layerDigest,
          cataloger: 'java',
        });
      }
    }
    noteBounded(
      problems.map((p) => (p.startsWith('/') ? p : `/${p}`)),
      context,
      'archive problems',
    );
    noteBounded(guesses, context, 'manifest guesses');
    return { packages };
  },
};
