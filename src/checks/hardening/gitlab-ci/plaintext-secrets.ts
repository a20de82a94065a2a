import type { RuleDefinition } from '../../../core/rules.js';
import type { AuditFamily, Hit } from './audit.js';
import type { CiJob, VariableDef } from './config.js';
import { ruleVariables } from './config.js';
import { positionInScalar, positionOf } from './located.js';
import { jobScripts } from './scripts.js';

const SECRET = 'gitlab-ci/plaintext-secret';

const rules: RuleDefinition[] = [
  {
    id: SECRET,
    check: 'hardening',
    title: 'Secret written in the pipeline file',
    severity: 'high',
    description:
      'A value in `variables:` (global, job, template, or `rules:` entry) or a script line looks like a ' +
      'credential: it matches a known token format (GitLab `glpat-`/`gldt-`/`glrt-`…, GitHub `ghp_`/`github_pat_`…, ' +
      'AWS `AKIA…`, Slack, Stripe, npm, PyPI, Google API keys, PEM private keys), or a variable whose name says ' +
      'secret (`*PASSWORD*`, `*TOKEN*`, `*SECRET*`, `*KEY*`…) holds a literal value rather than a `$VARIABLE`. ' +
      'Name-only matches are reported with medium severity. Messages never repeat the value.',
    rationale:
      'Everything in the repository is readable by everyone with read access, forks included, and stays in git ' +
      'history after it is deleted. A token in `.gitlab-ci.yml` is also not masked in job logs, and it is ' +
      'available to every branch and every merge request pipeline, because only CI/CD settings variables can be ' +
      'protected.',
    fix:
      'Revoke and rotate the credential first: it is already exposed. Then store the new one as a masked, ' +
      'protected variable in **Settings > CI/CD > Variables** (or fetch it with `secrets:` from a vault or ' +
      'with `id_tokens:`) and refer to it by name:\n\n```yaml\ndeploy:\n  script:\n' +
      '    - ./deploy --token "$DEPLOY_TOKEN"   # set in Settings > CI/CD > Variables, masked and protected\n```',
    references: [
      'https://docs.gitlab.com/ci/variables/#define-a-cicd-variable-in-the-ui',
      'https://docs.gitlab.com/ci/secrets/',
      'https://docs.gitlab.com/security/tokens/#token-prefixes',
    ],
    exceptions:
      'Throw-away credentials for a service container used only by tests (for example `POSTGRES_PASSWORD` of a ' +
      'database that lives for one job) can be excepted; say so in the reason.',
  },
];

interface TokenFormat {
  label: string;
  pattern: RegExp;
}

/** Formats with distinctive prefixes; false positives are rare, so they are reported wherever they appear. */
const TOKEN_FORMATS: TokenFormat[] = [
  {
    label: 'GitLab token',
    pattern: /\b(?:glpat|gldt|glrt|glptt|glcbt|glft|glimt|glagent|gloas|glsoat|glffct)-[0-9A-Za-z_-]{20,}/,
  },
  { label: 'GitLab runner registration token', pattern: /\bGR1348941[0-9A-Za-z_-]{20,}/ },
  { label: 'GitHub token', pattern: /\b(?:ghp|gho|ghu|ghs|ghr)_[0-9A-Za-z]{36,}/ },
  { label: 'GitHub fine-grained token', pattern: /\bgithub_pat_[0-9A-Za-z_]{60,}/ },
  { label: 'AWS access key id', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/ },
  { label: 'Slack token', pattern: /\bxox[abposr]-[0-9A-Za-z-]{10,}/ },
  { label: 'Stripe secret key', pattern: /\b(?:sk|rk)_live_[0-9A-Za-z]{20,}/ },
  { label: 'npm token', pattern: /\bnpm_[0-9A-Za-z]{36}\b/ },
  { label: 'PyPI token', pattern: /\bpypi-AgEIcHlwaS5vcmc[0-9A-Za-z_-]{50,}/ },
  { label: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { label: 'private key', pattern: /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/ },
];

const SECRET_NAME =
  /(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|(?:^|_)KEY(?:$|_)|(?:^|_)PWD(?:$|_))/i;
/** Names that say "secret" but hold something else: where the secret is, or a setting about it. */
const NOT_A_SECRET_NAME =
  /(?:_(?:FILE|PATH|DIR|URL|HOST|PORT|NAME|USER|USERNAME|ID|IDS|ENABLED|DISABLED|TTL|EXPIRY|EXPIRES|TYPE|HEADER|LENGTH|FORMAT|VERSION|REGION|ENV|VAR|SCOPE|SCOPES)$|^CACHE_KEY$|KEY_ID$|^TOKEN_TYPE$)/i;
/** A variable name that says it holds a credential (and not where one is, or a setting about it). */
export function namesSecret(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_A_SECRET_NAME.test(name);
}

const PLACEHOLDER = /^(?:true|false|yes|no|on|off|none|null|changeme|change-me|xxx+|\*+|<[^>]*>|\.\.\.)$/i;

/**
 * A description safe to print: the token's public prefix (`glpat-`, `ghp_`, `AKIA`) when it has one, and
 * the length; never any secret characters.
 */
export function redact(value: string): string {
  const prefix =
    /^(?:[a-z]+[-_]|github_pat_|AKIA|ASIA|ABIA|ACCA|AIza|GR1348941|-----BEGIN [A-Z ]*-----)/.exec(value)?.[0] ?? '';
  return `${prefix ? `${prefix}…, ` : ''}${value.length} characters, redacted`;
}

function tokenFormat(text: string): { label: string; index: number; match: string } | undefined {
  for (const format of TOKEN_FORMATS) {
    const match = format.pattern.exec(text);
    if (match) return { label: format.label, index: match.index, match: match[0] };
  }
  return undefined;
}

function auditVariable(job: CiJob, variable: VariableDef): Hit | undefined {
  const value = variable.value;
  if (value.kind !== 'scalar' || value.value === null || typeof value.value === 'boolean') return undefined;
  const text = String(value.value);
  const format = tokenFormat(text);
  const common = { owner: value.owner, job: job.name, key: `${variable.scope}:${variable.name}` };
  const fix = `Rotate the credential, delete it from the file, and set \`${variable.name}\` as a masked, protected variable in Settings > CI/CD > Variables.`;
  if (format) {
    return {
      ruleId: SECRET,
      ...common,
      message: `\`${variable.name}\` holds what looks like a ${format.label} (${redact(format.match)}) in plain text.`,
      position: positionInScalar(value, text, format.index, format.match.slice(0, 12)),
      fix,
    };
  }
  const trimmed = text.trim();
  if (!namesSecret(variable.name)) return undefined;
  if (trimmed.length < 6 || trimmed.includes('$') || PLACEHOLDER.test(trimmed) || /^\d+$/.test(trimmed))
    return undefined;
  return {
    ruleId: SECRET,
    severity: 'medium',
    ...common,
    message: `\`${variable.name}\` is set to a literal value (${trimmed.length} characters, redacted) in the pipeline file; a secret there is readable by everyone with repository access.`,
    position: positionOf(value),
    fix,
  };
}

function auditJob(job: CiJob): Hit[] {
  const hits: Hit[] = [];
  for (const variable of [...job.variables.values(), ...ruleVariables(job.config)]) {
    const hit = auditVariable(job, variable);
    if (hit) hits.push(hit);
  }
  for (const line of jobScripts(job.config)) {
    const format = tokenFormat(line.text);
    if (!format) continue;
    hits.push({
      ruleId: SECRET,
      message: `A ${format.label} (${redact(format.match)}) is written in \`${line.key}\`.`,
      position: positionInScalar(line.scalar, line.text, format.index, format.match.slice(0, 12)),
      owner: line.scalar.owner,
      job: job.name,
      key: `${line.key}:${format.label}`,
      fix: 'Rotate the credential, delete it from the file, and read it from a masked, protected CI/CD variable.',
    });
  }
  return hits;
}

export const plaintextSecrets: AuditFamily = {
  rules,
  audit: (model) => model.jobs.flatMap(auditJob),
};
