import type { RuleDefinition } from '../../../core/rules.js';
import type { RunInvocation } from './commands.js';
import { dropOptionValues, operands, runInvocations } from './commands.js';
import type { DockerfileRule } from './report.js';
import { Reporter, RUN_LOCATION_NOTE } from './report.js';
import type { Word } from './shell.js';

/**
 * Unpinned packages per ecosystem, following hadolint's rules (DL3008 apt-get, DL3018 apk, DL3013 pip,
 * DL3016 npm, DL3028 gem, DL3033 yum, DL3041 dnf/microdnf, DL3037 zypper). Words with a `$` are not judged: their value is unknown.
 */
interface Unpinned {
  manager: string;
  word: Word;
  example: string;
}

function isUnknown(word: Word): boolean {
  return word.text.includes('$') || word.text === '';
}

/** DL3008 (and the same semantics for `apt`): `pkg=version`, `pkg/release` and `.deb` files are pinned. */
function aptPackages(entry: RunInvocation): Unpinned[] {
  if (entry.program !== 'apt-get' && entry.program !== 'apt') return [];
  if (!entry.args.some((word) => word.text === 'install')) return [];
  const packages = operands(
    dropOptionValues(entry.args, ['t', 'target-release', 'o', 'option', 'c', 'config-file']),
  ).filter((word) => word.text !== 'install');
  return packages
    .filter(
      (word) => !isUnknown(word) && !word.text.includes('=') && !word.text.includes('/') && !word.text.endsWith('.deb'),
    )
    .map((word) => ({ manager: entry.program, word, example: `${word.text}=<version>` }));
}

/** DL3018: `pkg=version`, `pkg~version` and `.apk` files are pinned. */
function apkPackages(entry: RunInvocation): Unpinned[] {
  if (entry.program !== 'apk' || !entry.args.some((word) => word.text === 'add')) return [];
  const packages = operands(
    dropOptionValues(entry.args, ['t', 'virtual', 'repository', 'X', 'p', 'root', 'keys-dir', 'cache-dir']),
  ).filter((word) => word.text !== 'add');
  return packages
    .filter((word) => !isUnknown(word) && !/[=~]/.test(word.text) && !word.text.endsWith('.apk'))
    .map((word) => ({ manager: 'apk', word, example: `${word.text}=<version>` }));
}

const PIP_VALUE_OPTIONS = [
  'abi',
  'b',
  'build',
  'e',
  'editable',
  'extra-index-url',
  'f',
  'find-links',
  'i',
  'index-url',
  'implementation',
  'no-binary',
  'only-binary',
  'platform',
  'prefix',
  'progress-bar',
  'proxy',
  'python-version',
  'root',
  'src',
  't',
  'target',
  'trusted-host',
  'upgrade-strategy',
  'cert',
  'client-cert',
  'log',
  'cache-dir',
  'timeout',
  'retries',
];
const VCS_RE = /^(?:git|hg|svn|bzr)(?:\+[a-z-]+)?:/;

/** DL3013: version specifiers, `vcs+…@ref`, local wheels/sdists and local paths are pinned; `-r`, `.` and `-c` skip. */
function pipPackages(entry: RunInvocation): Unpinned[] {
  const texts = entry.args.map((word) => word.text);
  let installAt = -1;
  if (/^pip[0-9.]*$/.test(entry.program)) installAt = texts.indexOf('install');
  else if (entry.program === 'uv' && texts[0] === 'pip' && texts[1] === 'install') installAt = 1;
  else if (/^python[0-9.]*$/.test(entry.program)) {
    const m = texts.findIndex((text, k) => text === '-m' && texts[k + 1] === 'pip' && texts[k + 2] === 'install');
    installAt = m < 0 ? -1 : m + 2;
  }
  if (installAt < 0) return [];
  const args = entry.args.slice(installAt + 1);
  const argTexts = args.map((word) => word.text);
  if (
    argTexts.some(
      (text) =>
        ['-r', '--requirement', '.', '-c', '--constraint'].includes(text) ||
        /^--(?:requirement|constraint)=/.test(text) ||
        /^-[rc]./.test(text),
    )
  ) {
    return [];
  }
  return operands(dropOptionValues(args, PIP_VALUE_OPTIONS))
    .filter((word) => {
      const text = word.text;
      if (isUnknown(word)) return false;
      if (/==|>=|<=|>|<|!=|~=|===/.test(text)) return false;
      if (VCS_RE.test(text)) return !text.includes('@', text.indexOf('://') + 3) || !/@[^/]+$/.test(text);
      if (text.endsWith('.whl') || text.endsWith('.tar.gz') || text.includes('/')) return false;
      return true;
    })
    .map((word) => ({ manager: 'pip', word, example: `${word.text.replace(/\[.*$/, '')}==<version>` }));
}

/** npm options written `--name value` (the value is not a package); boolean flags are not listed. */
const NPM_VALUE_OPTIONS = [
  'registry',
  'loglevel',
  'prefix',
  'C',
  'cache',
  'tag',
  'userconfig',
  'globalconfig',
  'w',
  'workspace',
  'scope',
  'omit',
  'include',
  'install-strategy',
  'before',
  'otp',
  'location',
  'fetch-retries',
  'fetch-timeout',
  'maxsockets',
  'proxy',
  'https-proxy',
  'cafile',
];

/** DL3016: `name@version`, `git…#ref`, tarballs and folders are pinned; a bare `npm install` is fine. */
function npmPackages(entry: RunInvocation): Unpinned[] {
  if (entry.program !== 'npm') return [];
  const nonFlags = operands(dropOptionValues(entry.args, NPM_VALUE_OPTIONS));
  if (!['install', 'i', 'add'].includes(nonFlags[0]?.text ?? '')) return [];
  return nonFlags
    .slice(1)
    .filter((word) => {
      const text = word.text;
      if (isUnknown(word)) return false;
      if (/^git(?:\+(?:ssh|https?))?:\/\//.test(text)) return !text.includes('#');
      if (/\.(?:tar|tar\.gz|tgz)$/.test(text) || /^(?:\/|\.\/|\.\.\/|~\/)/.test(text)) return false;
      const withoutScope = text.startsWith('@') ? text.slice(text.indexOf('/') + 1) : text;
      return !withoutScope.includes('@');
    })
    .map((word) => ({ manager: 'npm', word, example: `${word.text}@<version>` }));
}

const GEM_VALUE_OPTIONS = [
  'i',
  'install-dir',
  'n',
  'bindir',
  's',
  'source',
  'platform',
  'P',
  'trust-policy',
  'g',
  'file',
  'build-root',
];

/** DL3028: `gem install name:version`, or `-v`/`--version` for the whole command. After `--` come build flags. */
function gemPackages(entry: RunInvocation): Unpinned[] {
  if (entry.program !== 'gem') return [];
  const end = entry.args.findIndex((word) => word.text === '--');
  const args = end < 0 ? entry.args : entry.args.slice(0, end);
  const texts = args.map((word) => word.text);
  if (!texts.includes('install') && !texts.includes('i')) return [];
  if (texts.some((text) => text === '-v' || text === '--version' || text.startsWith('--version='))) return [];
  return operands(dropOptionValues(args, GEM_VALUE_OPTIONS))
    .filter((word) => !['install', 'i'].includes(word.text) && !isUnknown(word) && !word.text.includes(':'))
    .map((word) => ({ manager: 'gem', word, example: `${word.text}:<version>` }));
}

/** yum/dnf options written `--name value`. */
const RPM_VALUE_OPTIONS = [
  'c',
  'config',
  'd',
  'debuglevel',
  'e',
  'errorlevel',
  'x',
  'exclude',
  'installroot',
  'releasever',
  'enablerepo',
  'disablerepo',
  'repo',
  'repoid',
  'repofrompath',
  'setopt',
  'forcearch',
  'downloaddir',
  'destdir',
  'rpmverbosity',
  'color',
];

/**
 * An RPM package argument carries a version when what follows its name is `-<version>[-<release>]`:
 * hadolint DL3041's test, applied to yum too (`rpm-sign` is a name; `rpm-sign-4.16.1.3`, `openssl-1:1.1.1k`
 * and `gcc-c++-1.1.1` are pinned). `.rpm` files, paths and version comparisons (`'pkg >= 1.2'`) count as pinned.
 */
function rpmPackagePinned(text: string): boolean {
  if (/\.rpm$/i.test(text) || text.includes('/') || /[<>=]/.test(text)) return true;
  const rest = text.split('-').slice(1);
  return (
    rest.length > 0 &&
    rest.every((part) => /^[A-Za-z0-9.~^_:+]+$/.test(part)) &&
    rest.some((part) => /^[0-9]/.test(part))
  );
}

/** DL3033 (yum), DL3041 (dnf, microdnf): `name-version`; `module install` needs `name:stream`; groups are skipped. */
function rpmPackages(entry: RunInvocation): Unpinned[] {
  if (!['yum', 'dnf', 'microdnf'].includes(entry.program)) return [];
  const words = operands(dropOptionValues(entry.args, RPM_VALUE_OPTIONS));
  const module = words[0]?.text === 'module';
  const sub = words[module ? 1 : 0]?.text;
  if (sub !== 'install') return [];
  return words
    .slice(module ? 2 : 1)
    .filter((word) => !isUnknown(word) && !word.text.startsWith('@'))
    .filter((word) => (module ? !word.text.includes(':') : !rpmPackagePinned(word.text)))
    .map((word) => ({
      manager: module ? `${entry.program} module` : entry.program,
      word,
      example: module ? `${word.text}:<stream>` : `${word.text}-<version>`,
    }));
}

const ZYPPER_VALUE_OPTIONS = [
  'r',
  'repo',
  'from',
  'R',
  'root',
  'installroot',
  'c',
  'config',
  'D',
  'reposd-dir',
  'C',
  'cache-dir',
];

/** DL3037: `zypper install|in name=version` (or `>=`, `<`...), `.rpm` files; patterns and patches are skipped. */
function zypperPackages(entry: RunInvocation): Unpinned[] {
  if (entry.program !== 'zypper') return [];
  const texts = entry.args.map((word) => word.text);
  const typeAt = texts.findIndex((text) => text === '-t' || text === '--type' || text.startsWith('--type='));
  if (typeAt >= 0) {
    const type = texts[typeAt]!.startsWith('--type=') ? texts[typeAt]!.slice(7) : texts[typeAt + 1];
    if (type !== 'package') return [];
  }
  const words = operands(dropOptionValues(entry.args, [...ZYPPER_VALUE_OPTIONS, 't', 'type']));
  if (!['install', 'in'].includes(words[0]?.text ?? '')) return [];
  return words
    .slice(1)
    .filter(
      (word) => !isUnknown(word) && !/[<>=]/.test(word.text) && !/\.rpm$/i.test(word.text) && !word.text.includes('/'),
    )
    .map((word) => ({ manager: 'zypper', word, example: `${word.text}=<version>` }));
}

const rule: RuleDefinition = {
  id: 'dockerfile/unpinned-package',
  check: 'manifests',
  title: 'Package installed without a version pin',
  severity: 'low',
  description:
    'A `RUN` installs a package without pinning its version, where the package manager allows a pin. Same ' +
    'semantics as hadolint: `apt-get install pkg` / `apt install pkg` without `=version` (DL3008; `pkg/release` ' +
    'and `.deb` files count as pinned), `apk add pkg` without `=version` or `~version` (DL3018), `pip install pkg` ' +
    '(or `uv pip install pkg`) without a version specifier (DL3013; `-r requirements.txt`, `-c constraints.txt`, `.` and local paths are ' +
    'fine), `npm install pkg` without `@version` (DL3016; `-g` included, a bare `npm install` is fine), `gem install ' +
    'gem` without `:version` or `-v` (DL3028; flags after `--` are build options), `yum`/`dnf`/`microdnf install ' +
    'pkg` without `-version` (DL3033, DL3041: what follows the name must look like a version, so `rpm-sign` is a ' +
    'name and `rpm-sign-4.16.1.3` is pinned; `module install` needs `name:stream`; `@group`s are not judged), and ' +
    '`zypper install pkg` without `=version` or a comparison (DL3037; patterns and patches are not judged). `.rpm` ' +
    'files count as pinned. Package names held in a variable are not judged. One finding per package.',
  rationale:
    'An unpinned install takes whatever the repository serves on the day of the build: builds stop being ' +
    'reproducible, a rebuild can silently pull a broken or compromised release (dependency confusion, a hijacked ' +
    'maintainer account), and the reviewed Dockerfile does not say what is in the image.',
  fix:
    'Pin exact versions, and let Renovate or Dependabot bump them:\n\n' +
    '```dockerfile\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \\\n' +
    ' && rm -rf /var/lib/apt/lists/*\nRUN apk add --no-cache bash=5.2.26-r0\nRUN pip install --no-cache-dir requests==2.32.3\n' +
    'RUN npm install -g pnpm@9.12.1\nRUN gem install bundler:2.5.22\nRUN dnf install -y nginx-1.24.0 && dnf clean all\n' +
    'RUN zypper install -y curl=8.6.0\n```\n\nFor many Python or Node packages, install ' +
    'from a lock file (`pip install -r requirements.txt --require-hashes`, `npm ci`).',
  references: [
    'https://github.com/hadolint/hadolint/wiki/DL3008',
    'https://github.com/hadolint/hadolint/wiki/DL3018',
    'https://github.com/hadolint/hadolint/wiki/DL3013',
    'https://github.com/hadolint/hadolint/wiki/DL3016',
    'https://github.com/hadolint/hadolint/wiki/DL3028',
    'https://github.com/hadolint/hadolint/wiki/DL3033',
    'https://github.com/hadolint/hadolint/wiki/DL3041',
    'https://github.com/hadolint/hadolint/wiki/DL3037',
  ],
  exceptions:
    'Distribution packages from a repository pinned by snapshot (snapshot.debian.org, a dated mirror) are effectively ' +
    'pinned; except them with a policy exception on the path, naming the snapshot in the reason. ' +
    RUN_LOCATION_NOTE,
};

export const unpinnedPackage: DockerfileRule = {
  rule,
  check(model) {
    const reporter = new Reporter(model, rule);
    for (const entry of runInvocations(model)) {
      const found = [
        ...aptPackages(entry),
        ...apkPackages(entry),
        ...pipPackages(entry),
        ...npmPackages(entry),
        ...gemPackages(entry),
        ...rpmPackages(entry),
        ...zypperPackages(entry),
      ];
      for (const { manager, word, example } of found) {
        reporter.reportWord(word, {
          stage: entry.run.stage,
          key: `${manager}:${word.text}`,
          message: `\`${manager}\` installs \`${word.text}\` without a version pin.`,
          fix: example,
        });
      }
    }
    return reporter.findings;
  },
};
