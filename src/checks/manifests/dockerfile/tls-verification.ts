import type { RuleDefinition } from '../../../core/rules.js';
import type { RunInvocation } from './commands.js';
import { runInvocations } from './commands.js';
import type { DockerfileModel, Stage } from './parse.js';
import { offsetOf, propertyValue } from './parse.js';
import type { DockerfileRule } from './report.js';
import { Reporter, RUN_LOCATION_NOTE, code } from './report.js';
import type { Word } from './shell.js';
import { inlineScript, isAssignment } from './shell.js';

/** curl short options that take a value: letters after one of these in `-fsSLo` belong to the value. */
const CURL_VALUE_OPTIONS = 'AbcCdDeEFHKmoPQrtTuUwxXyYz';

function curlInsecure(word: Word): boolean {
  const text = word.text;
  if (text === '--insecure' || text === '--proxy-insecure' || text === '--doh-insecure') return true;
  if (!/^-[A-Za-z0-9#:]+$/.test(text)) return false;
  for (const letter of text.slice(1)) {
    if (letter === 'k') return true;
    if (CURL_VALUE_OPTIONS.includes(letter)) return false;
  }
  return false;
}

const APT_OPTION_RES = [
  /^Acquire::https?::(?:[^:]+::)?Verify-(?:Peer|Host)\s*=\s*"?(?:false|0|no|off)"?$/i,
  /^APT::Get::AllowUnauthenticated\s*=\s*"?(?:true|1|yes|on)"?$/i,
  /^Acquire::AllowInsecureRepositories\s*=\s*"?(?:true|1|yes|on)"?$/i,
  /^Acquire::AllowDowngradeToInsecureRepositories\s*=\s*"?(?:true|1|yes|on)"?$/i,
];
const APT_FLAGS = new Set([
  '--allow-unauthenticated',
  '--allow-insecure-repositories',
  '--force-yes',
  '--no-check-signature',
]);
const RPM_FLAGS = new Set([
  '--nogpgcheck',
  '--no-gpg-checks',
  '--nosignature',
  '--nodigest',
  '--noverify',
  '--nofiledigest',
  '--allow-untrusted-packages',
]);
const FALSE_RE = /^(?:false|0|no|off)$/i;

/** Environment variables that switch verification off, and the values that do it. */
const INSECURE_ENV: Record<string, (value: string) => boolean> = {
  GIT_SSL_NO_VERIFY: (value) => value !== '',
  NODE_TLS_REJECT_UNAUTHORIZED: (value) => value === '0',
  PYTHONHTTPSVERIFY: (value) => value === '0',
  NPM_CONFIG_STRICT_SSL: (value) => FALSE_RE.test(value),
  YARN_ENABLE_STRICT_SSL: (value) => FALSE_RE.test(value),
  PIP_TRUSTED_HOST: (value) => value !== '',
};

/** `value` is the value after quote removal (`"0\""` is `0"`, which does not disable anything). */
export function insecureEnv(name: string, value: string): boolean {
  const test = INSECURE_ENV[name.toUpperCase()];
  return test !== undefined && test(value);
}

/** The offending word and a short name of what it disables, for one command. */
function insecureWords(entry: RunInvocation): { word: Word; what: string }[] {
  const { program, args } = entry;
  const hits: { word: Word; what: string }[] = [];
  const texts = args.map((word) => word.text);

  if (program === 'curl') {
    for (const word of args) if (curlInsecure(word)) hits.push({ word, what: `curl ${word.text}` });
  } else if (program === 'wget') {
    for (const word of args)
      if (word.text === '--no-check-certificate') hits.push({ word, what: 'wget --no-check-certificate' });
  } else if (['apt-get', 'apt', 'aptitude'].includes(program)) {
    for (const word of args) {
      const option = word.text.replace(/^-o/, '').replace(/^--option=/, '');
      if (APT_FLAGS.has(word.text) || APT_OPTION_RES.some((re) => re.test(option)))
        hits.push({ word, what: `${program} ${word.text}` });
    }
  } else if (
    ['yum', 'dnf', 'microdnf', 'tdnf', 'zypper', 'rpm', 'yum-config-manager', 'dnf-config-manager'].includes(program)
  ) {
    for (const word of args) {
      if (
        RPM_FLAGS.has(word.text) ||
        /^--setopt=(?:.*\.)?(?:sslverify|gpgcheck|repo_gpgcheck)=(?:0|false|no)$/i.test(word.text)
      ) {
        hits.push({ word, what: `${program} ${word.text}` });
      }
    }
  } else if (program === 'apk') {
    for (const word of args) if (word.text === '--allow-untrusted') hits.push({ word, what: 'apk --allow-untrusted' });
  } else if (/^pip[0-9.]*$/.test(program) || (/^python[0-9.]*$/.test(program) && texts.includes('pip'))) {
    args.forEach((word, k) => {
      if (word.text === '--trusted-host' || word.text.startsWith('--trusted-host='))
        hits.push({ word, what: 'pip --trusted-host' });
      if (/^(?:global|install)\.trusted-host$/.test(word.text) && texts[k - 2] === 'config')
        hits.push({ word, what: 'pip config trusted-host' });
    });
  } else if (['npm', 'yarn', 'pnpm'].includes(program)) {
    args.forEach((word, k) => {
      if (
        /^--strict-ssl=(?:false|0)$/i.test(word.text) ||
        (word.text === '--strict-ssl' && FALSE_RE.test(texts[k + 1] ?? ''))
      ) {
        hits.push({ word, what: `${program} --strict-ssl false` });
      }
      if (
        /^strict-ssl(?:=(?:false|0))?$/i.test(word.text) &&
        texts.slice(0, k).some((t) => t === 'set' || t === 'config')
      ) {
        const value = word.text.includes('=') ? word.text.split('=')[1]! : (texts[k + 1] ?? '');
        if (FALSE_RE.test(value)) hits.push({ word, what: `${program} config set strict-ssl false` });
      }
    });
  } else if (program === 'git') {
    args.forEach((word, k) => {
      const setting = /^http\.(?:[^=]*\.)?sslverify(?:=(.*))?$/i.exec(word.text);
      if (!setting) return;
      const value = setting[1] ?? texts[k + 1] ?? '';
      if (FALSE_RE.test(value)) hits.push({ word, what: 'git http.sslVerify=false' });
    });
  }

  if (program === 'export' || program === 'declare' || program === 'typeset') {
    for (const word of args) if (isAssignment(word)) hits.push(...insecureAssignment(word));
  }
  for (const word of entry.inv.assignments) hits.push(...insecureAssignment(word));

  // Repository lines and config files written with echo/tee/sed.
  const script = inlineScript(entry.inv);
  for (const word of args) {
    // `sh -c '…'` scripts are parsed as commands of their own and checked there.
    if (word === script || hits.some((hit) => hit.word === word)) continue;
    const what = insecureConfigText(sedReplacement(word.text) ?? word.text);
    if (what) hits.push({ word, what });
  }
  return hits;
}

/**
 * Settings that switch verification off when written to a repository or tool configuration file. An ini
 * setting is not part of a longer name or option: `--setopt=main.sslverify=0` given to `echo` is text, not a
 * setting (an option belongs to the command it is passed to, and is judged with that command above).
 */
const INSECURE_CONFIG: { re: RegExp; what: string }[] = [
  { re: /\[[^\]]*\btrusted=yes\b[^\]]*\]/, what: 'apt source [trusted=yes]' },
  { re: /\bcheck_certificate\s*=\s*off\b/i, what: 'wgetrc check_certificate = off' },
  { re: /(?<![\w.=-])sslverify\s*=\s*(?:0|false|no)\b/i, what: 'repo sslverify=0' },
  { re: /(?<![\w.=-])(?:repo_|localpkg_)?gpgcheck\s*=\s*(?:0|false|no)\b/i, what: 'repo gpgcheck=0' },
  // apt.conf syntax: `Acquire::https::Verify-Peer "false";`
  {
    re: /\bAcquire::https?::(?:[^:\s]+::)?Verify-(?:Peer|Host)\s+"?(?:false|0|no|off)"?/i,
    what: 'apt.conf Verify-Peer false',
  },
  {
    re: /\b(?:APT::Get::AllowUnauthenticated|Acquire::AllowInsecureRepositories|Acquire::AllowDowngradeToInsecureRepositories)\s+"?(?:true|1|yes|on)"?/i,
    what: 'apt.conf allows unauthenticated packages',
  },
];

function insecureConfigText(text: string): string | undefined {
  // `printf '[x]\ngpgcheck=0\n'` and `echo -e`: escaped newlines separate settings.
  const lines = text.replace(/\\[nt]/g, '\n');
  return INSECURE_CONFIG.find(({ re }) => re.test(lines))?.what;
}

/** The replacement of a sed `s/old/new/` expression: only what is written matters, not what is replaced. */
function sedReplacement(text: string): string | undefined {
  const delimiter = text[1];
  if (text[0] !== 's' || delimiter === undefined || /[\w\s\\]/.test(delimiter)) return undefined;
  const parts: string[] = [''];
  for (let i = 2; i < text.length && parts.length < 3; i++) {
    if (text[i] === '\\' && i + 1 < text.length) parts[parts.length - 1] += text[i]! + text[++i]!;
    else if (text[i] === delimiter) parts.push('');
    else parts[parts.length - 1] += text[i]!;
  }
  return parts.length === 3 ? parts[1] : undefined;
}

function insecureAssignment(word: Word): { word: Word; what: string }[] {
  const eq = word.text.indexOf('=');
  const name = word.text.slice(0, eq).replace(/\+$/, '');
  return insecureEnv(name, word.text.slice(eq + 1)) ? [{ word, what: `${name}=${word.text.slice(eq + 1)}` }] : [];
}

const rule: RuleDefinition = {
  id: 'dockerfile/tls-verification-disabled',
  check: 'manifests',
  title: 'TLS or signature verification disabled',
  severity: 'high',
  description:
    'A build step turns off certificate or package-signature checks: `curl -k`/`--insecure`, ' +
    '`wget --no-check-certificate`, `apt-get --allow-unauthenticated`/`--allow-insecure-repositories`/' +
    '`-o Acquire::https::Verify-Peer=false` (or the same in an `apt.conf` file written by `echo`/`tee`), ' +
    '`[trusted=yes]` apt sources, `yum`/`dnf --nogpgcheck`, `gpgcheck=0` or `sslverify=0` written to a repository ' +
    'file (for `sed s/…/…/`, only the replacement counts), ' +
    '`--setopt=sslverify=0`, `zypper --no-gpg-checks`, `rpm --nosignature`/`--noverify`/`--nofiledigest`, `apk --allow-untrusted`, ' +
    '`pip --trusted-host`, `npm config set strict-ssl false`, `git -c http.sslVerify=false`, or the environment ' +
    'variables `GIT_SSL_NO_VERIFY`, `NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`, ' +
    '`NPM_CONFIG_STRICT_SSL=false`, `PIP_TRUSTED_HOST` set with `ENV`, `ARG`, `export` or before a command. ' +
    'Values are judged after quote removal, as the program sees them (`"0\\""` is `0"`, which disables nothing), ' +
    'and an option counts only for the command it is given to (`echo "--setopt=sslverify=0"` configures nothing).',
  rationale:
    'Without verification anyone on the network path (a compromised proxy or mirror, a hostile Wi-Fi or CI ' +
    'network, DNS spoofing) can substitute the packages and scripts the build downloads, and the result is ' +
    'shipped as your image. Variables set with `ENV` stay in the image and weaken every TLS connection the ' +
    'application makes at run time too.',
  fix:
    'Remove the flag and fix the real cause — usually a missing CA certificate for a corporate proxy. Add the CA to ' +
    'the trust store instead:\n\n```dockerfile\nCOPY corp-root-ca.crt /usr/local/share/ca-certificates/corp-root-ca.crt\n' +
    'RUN update-ca-certificates\n```\n\nFor unsigned third-party apt repositories, import the vendor key into ' +
    '`/etc/apt/keyrings/` and use `signed-by=`.',
  references: [
    'https://curl.se/docs/sslcerts.html',
    'https://wiki.debian.org/SecureApt',
    'https://nodejs.org/api/cli.html#node_tls_reject_unauthorizedvalue',
  ],
  exceptions: RUN_LOCATION_NOTE,
};

function propertyHits(model: DockerfileModel): { offset: number; length: number; stage?: Stage; what: string }[] {
  const hits: { offset: number; length: number; stage?: Stage; what: string }[] = [];
  const stageOf = new Map<unknown, Stage>();
  for (const stage of model.stages) for (const instruction of stage.instructions) stageOf.set(instruction, stage);
  for (const instruction of model.ast.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword !== 'ENV' && keyword !== 'ARG') continue;
    const properties = (instruction as unknown as { getProperties(): PropertyLike[] }).getProperties();
    for (const property of properties) {
      const value = propertyValue(model, property.getValueRange());
      if (value === undefined || !insecureEnv(property.getName(), value)) continue;
      const start = offsetOf(model, property.getNameRange().start);
      hits.push({
        offset: start,
        length: property.getName().length,
        stage: stageOf.get(instruction),
        what: `${keyword} ${property.getName()}=${value}`,
      });
    }
  }
  return hits;
}

interface PropertyLike {
  getName(): string;
  getNameRange(): { start: { line: number; character: number } };
  getValueRange(): { start: { line: number; character: number }; end: { line: number; character: number } } | null;
}

export const tlsVerificationDisabled: DockerfileRule = {
  rule,
  check(model) {
    const reporter = new Reporter(model, rule);
    for (const hit of propertyHits(model)) {
      reporter.report({
        offset: hit.offset,
        length: hit.length,
        stage: hit.stage,
        key: hit.what,
        message: `${code(hit.what)} disables TLS verification for every process in the build${hit.what.startsWith('ENV') ? ' and in the running container' : ''}.`,
      });
    }
    for (const entry of runInvocations(model)) {
      for (const { word, what } of insecureWords(entry)) {
        reporter.reportWord(word, {
          stage: entry.run.stage,
          key: what,
          message: `${code(what)} turns off certificate or signature verification for what this step downloads.`,
        });
      }
    }
    return reporter.findings;
  },
};
