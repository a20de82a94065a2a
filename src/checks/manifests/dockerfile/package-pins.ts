import type { RuleDefinition } from '../../../core/rules.js';
import type { RunInvocation } from './commands.js';
import { dropOptionValues, operands, runInvocations } from './commands.js';
import type { DockerfileRule } from './report.js';
import { Reporter, RUN_LOCATION_NOTE } from './report.js';
import type { Word } from './shell.js';

/**
 * Unpinned packages per ecosystem, following hadolint's rules (DL3008 apt-get, DL3018 apk, DL3013 pip,
 * DL3016 npm, DL3028 gem). Words with a `$` are not judged: their value is unknown.
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

/** DL3016: `name@version`, `git…#ref`, tarballs and folders are pinned; a bare `npm install` is fine. */
function npmPackages(entry: RunInvocation): Unpinned[] {
  if (entry.program !== 'npm') return [];
  const nonFlags = operands(entry.args);
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

/** DL3028: `gem install name:version`, or `-v`/`--version` for the whole command. */
function gemPackages(entry: RunInvocation): Unpinned[] {
  if (entry.program !== 'gem') return [];
  const texts = entry.args.map((word) => word.text);
  if (!texts.includes('install') && !texts.includes('i')) return [];
  if (texts.some((text) => text === '-v' || text === '--version' || text.startsWith('--version='))) return [];
  return operands(entry.args)
    .filter((word) => !['install', 'i', '--'].includes(word.text) && !isUnknown(word) && !word.text.includes(':'))
    .map((word) => ({ manager: 'gem', word, example: `${word.text}:<version>` }));
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
    'without a version specifier (DL3013; `-r requirements.txt`, `-c constraints.txt`, `.` and local paths are ' +
    'fine), `npm install pkg` without `@version` (DL3016; `-g` included, a bare `npm install` is fine), `gem install ' +
    'gem` without `:version` or `-v` (DL3028). Package names held in a variable are not judged. One finding per ' +
    'package.',
  rationale:
    'An unpinned install takes whatever the repository serves on the day of the build: builds stop being ' +
    'reproducible, a rebuild can silently pull a broken or compromised release (dependency confusion, a hijacked ' +
    'maintainer account), and the reviewed Dockerfile does not say what is in the image.',
  fix:
    'Pin exact versions, and let Renovate or Dependabot bump them:\n\n' +
    '```dockerfile\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \\\n' +
    ' && rm -rf /var/lib/apt/lists/*\nRUN apk add --no-cache bash=5.2.26-r0\nRUN pip install --no-cache-dir requests==2.32.3\n' +
    'RUN npm install -g pnpm@9.12.1\nRUN gem install bundler:2.5.22\n```\n\nFor many Python or Node packages, install ' +
    'from a lock file (`pip install -r requirements.txt --require-hashes`, `npm ci`).',
  references: [
    'https://github.com/hadolint/hadolint/wiki/DL3008',
    'https://github.com/hadolint/hadolint/wiki/DL3018',
    'https://github.com/hadolint/hadolint/wiki/DL3013',
    'https://github.com/hadolint/hadolint/wiki/DL3016',
    'https://github.com/hadolint/hadolint/wiki/DL3028',
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
