import type { FileContent } from '../filesystem.js';
import { cleanValue, textOf, type Cataloger, type CatalogContext, type OsIdentity } from './types.js';

/** os-release(5) locations, in the order the spec says to read them. */
export const OS_RELEASE_PATHS = ['etc/os-release', 'usr/lib/os-release'];
const FALLBACK_PATHS = ['etc/alpine-release', 'etc/debian_version', 'etc/redhat-release'];

/** Parses os-release: shell-style `KEY=value`, values optionally quoted, `\` escapes inside double quotes. */
export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!match) continue;
    const [, key, rawValue] = match as unknown as [string, string, string];
    fields[key] = cleanValue(unquote(rawValue));
  }
  return fields;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\([$"\\`])/g, '$1');
  }
  return value;
}

const DEBIAN_CODENAMES: Record<string, string> = {
  buzz: '1.1',
  rex: '1.2',
  bo: '1.3',
  hamm: '2.0',
  slink: '2.1',
  potato: '2.2',
  woody: '3.0',
  sarge: '3.1',
  etch: '4',
  lenny: '5',
  squeeze: '6',
  wheezy: '7',
  jessie: '8',
  stretch: '9',
  buster: '10',
  bullseye: '11',
  bookworm: '12',
  trixie: '13',
  forky: '14',
};

const major = (version: string | undefined) => /^(\d+)/.exec(version ?? '')?.[1];

/** The OSV ecosystem string for an OS release, per ossf/osv-schema's ecosystem list. */
export function osvEcosystem(
  os: Pick<OsIdentity, 'id' | 'versionId' | 'versionCodename' | 'prettyName'> & { version?: string },
): {
  ecosystem?: string;
  note?: string;
} {
  const id = os.id.toLowerCase();
  switch (id) {
    case 'debian': {
      const release = major(os.versionId) ?? major(DEBIAN_CODENAMES[os.versionCodename ?? '']);
      return release
        ? { ecosystem: `Debian:${release}` }
        : {
            note: `Debian release "${os.versionCodename ?? 'unknown'}" (testing/unstable) has no OSV ecosystem release; Debian packages are matched without a release`,
            ecosystem: 'Debian',
          };
    }
    case 'ubuntu': {
      const release = /^(\d+\.\d+)/.exec(os.versionId ?? '')?.[1];
      if (!release) return { note: 'Ubuntu without VERSION_ID: packages are not matched' };
      const lts = /\bLTS\b/.test(`${os.version ?? ''} ${os.prettyName ?? ''}`);
      return { ecosystem: `Ubuntu:${release}${lts ? ':LTS' : ''}` };
    }
    case 'alpine': {
      const release = /^(\d+\.\d+)/.exec(os.versionId ?? '')?.[1];
      if (!release || /_alpha|_beta|_rc|edge/.test(os.versionId ?? '')) {
        return {
          note: `Alpine ${os.versionId ?? '(no version)'} is not a release branch (edge?): OSV has no ecosystem for it`,
        };
      }
      return { ecosystem: `Alpine:v${release}` };
    }
    case 'almalinux':
      return major(os.versionId) ? { ecosystem: `AlmaLinux:${major(os.versionId)}` } : {};
    case 'rocky':
      return major(os.versionId) ? { ecosystem: `Rocky Linux:${major(os.versionId)}` } : {};
    case 'wolfi':
      return { ecosystem: 'Wolfi' };
    case 'chainguard':
      return { ecosystem: 'Chainguard' };
    case 'photon':
      return os.versionId ? { ecosystem: `Photon OS:${os.versionId}` } : {};
    case 'mageia':
      return os.versionId ? { ecosystem: `Mageia:${os.versionId}` } : {};
    case 'opensuse-leap':
    case 'opensuse-tumbleweed':
      return os.prettyName ? { ecosystem: `openSUSE:${os.prettyName.replace(/^openSUSE\s+/, '')}` } : {};
    case 'sles':
    case 'sled':
    case 'sle-micro':
      return os.prettyName ? { ecosystem: `SUSE:${os.prettyName.replace(/^SUSE\s+/, '')}` } : {};
    case 'rhel':
      return {
        note: 'Red Hat Enterprise Linux: OSV scopes Red Hat advisories by product stream CPE (e.g. "Red Hat:enterprise_linux:9::baseos"), which os-release does not give; RPMs are catalogued without an OSV ecosystem',
      };
    default:
      return {
        note: `no OSV ecosystem is known for the distribution "${os.id}"; its OS packages are listed but not matched`,
      };
  }
}

function identityFrom(fields: Record<string, string>, file: FileContent): OsIdentity {
  const id = (fields.ID ?? 'linux').toLowerCase();
  const identity: OsIdentity = {
    id,
    ...(fields.VERSION_ID ? { versionId: fields.VERSION_ID } : {}),
    ...(fields.VERSION_CODENAME ? { versionCodename: fields.VERSION_CODENAME } : {}),
    ...(fields.PRETTY_NAME ? { prettyName: fields.PRETTY_NAME } : {}),
    path: file.path,
    layer: file.layerDigest,
  };
  return identity;
}

/** `/etc/redhat-release` style: "Rocky Linux release 9.3 (Blue Onyx)". */
function fromRedhatRelease(text: string): Record<string, string> | undefined {
  const match = /^(.*?)\s+release\s+([\d.]+)/.exec(text.trim());
  if (!match) return undefined;
  const [, product = '', version = ''] = match;
  const ids: [RegExp, string][] = [
    [/^Rocky/i, 'rocky'],
    [/^AlmaLinux/i, 'almalinux'],
    [/^Red Hat/i, 'rhel'],
    [/^CentOS/i, 'centos'],
    [/^Fedora/i, 'fedora'],
  ];
  const id = ids.find(([pattern]) => pattern.test(product))?.[1] ?? product.toLowerCase().replace(/\s+/g, '-');
  return { ID: id, VERSION_ID: version, PRETTY_NAME: cleanValue(text.split('\n')[0] ?? '') };
}

export function identifyOs(files: readonly FileContent[], context: CatalogContext): OsIdentity | undefined {
  const byPath = new Map(files.map((file) => [file.path, file]));
  let fields: Record<string, string> | undefined;
  let source: FileContent | undefined;
  for (const path of OS_RELEASE_PATHS) {
    const file = byPath.get(path);
    if (!file) continue;
    const parsed = parseOsRelease(textOf(file, context, 'os-release'));
    if (parsed.ID) {
      fields = parsed;
      source = file;
      break;
    }
    context.note(`os-release: /${path} has no ID field`);
  }
  if (!fields) {
    const alpine = byPath.get('etc/alpine-release');
    const debian = byPath.get('etc/debian_version');
    const redhat = byPath.get('etc/redhat-release');
    if (alpine) {
      fields = { ID: 'alpine', VERSION_ID: cleanValue(alpine.data.toString('utf8')) };
      source = alpine;
    } else if (debian) {
      const text = cleanValue(debian.data.toString('utf8'));
      fields = /^\d/.test(text)
        ? { ID: 'debian', VERSION_ID: text }
        : { ID: 'debian', VERSION_CODENAME: text.split('/')[0] ?? '' };
      source = debian;
    } else if (redhat) {
      fields = fromRedhatRelease(redhat.data.toString('utf8'));
      source = redhat;
    }
  }
  if (!fields || !source) return undefined;
  const identity = identityFrom(fields, source);
  const { ecosystem, note } = osvEcosystem({ ...identity, ...(fields.VERSION ? { version: fields.VERSION } : {}) });
  if (note) context.note(`os-release: ${note}`);
  if (ecosystem) identity.ecosystem = ecosystem;
  const distroVersion = identity.versionId ?? identity.versionCodename;
  if (distroVersion) identity.distro = `${identity.id}-${distroVersion}`;
  return identity;
}

export const osReleaseCataloger: Cataloger = {
  name: 'os-release',
  stage: 'identity',
  paths: [...OS_RELEASE_PATHS, ...FALLBACK_PATHS],
  maxFileBytes: 64 * 1024,
  catalog(files, context) {
    const os = identifyOs(files, context);
    return { packages: [], ...(os ? { os } : {}) };
  },
};
