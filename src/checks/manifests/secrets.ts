/**
 * Secret detection shared by the Dockerfile and compose linters. Findings never carry a secret value:
 * callers report the variable name and `redact()`ed text only.
 */

/**
 * A variable name that suggests a secret. Same token list and `_`-boundary logic as BuildKit's
 * `SecretsUsedInArgOrEnv` check (frontend/dockerfile/linter), so both tools agree, plus a few compound
 * names BuildKit misses because the token is glued to another word (`APIKEY`, `ACCESSKEY`, `PRIVATEKEY`).
 */
const SECRET_NAME_RE =
  /(?:^|_)(?:apikey|api_key|auth|credential|credentials|key|password|pword|passwd|pass|secret|token|accesskey|privatekey|secretkey)(?:_|$)/i;
/**
 * Tokens that mark a name as not secret despite the above: BuildKit allows `public`; `*_FILE` / `*_PATH` name
 * where a secret is mounted (the Docker secrets convention); `GPG_KEY` in official images is a public key id;
 * `AUTH_URL`, `TOKEN_ENDPOINT`, `KEY_TYPE`... describe how to authenticate, not the credential.
 */
const NOT_SECRET_NAME_RE =
  /(?:^|_)(?:public|file|path|dir|gpg|pgp|length|size|ttl|timeout|expiry|url|uri|endpoint|host|type|method|mode|enabled|disabled|header|algorithm)(?:_|$)/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME_RE.test(name) && !NOT_SECRET_NAME_RE.test(name);
}

export interface TokenPattern {
  id: string;
  description: string;
  re: RegExp;
}

/** Well-known credential formats (gitleaks / GitHub secret-scanning prefixes). Matched anywhere in a value. */
export const TOKEN_PATTERNS: readonly TokenPattern[] = [
  {
    id: 'aws-access-key-id',
    description: 'AWS access key id',
    re: /\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b/,
  },
  { id: 'github-token', description: 'GitHub token', re: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/ },
  { id: 'github-fine-grained-pat', description: 'GitHub fine-grained token', re: /\bgithub_pat_[A-Za-z0-9_]{82}\b/ },
  {
    id: 'gitlab-token',
    description: 'GitLab token',
    re: /\bgl(?:pat|dt|rt|cbt|ptt|ft|imt|agent|soat)-[A-Za-z0-9_-]{20,}/,
  },
  { id: 'slack-token', description: 'Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { id: 'stripe-secret-key', description: 'Stripe secret key', re: /\b[rs]k_live_[A-Za-z0-9]{20,}\b/ },
  { id: 'google-api-key', description: 'Google API key', re: /\bAIza[A-Za-z0-9_-]{35}\b/ },
  { id: 'npm-token', description: 'npm access token', re: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { id: 'pypi-token', description: 'PyPI upload token', re: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/ },
  { id: 'docker-hub-pat', description: 'Docker Hub access token', re: /\bdckr_pat_[A-Za-z0-9_-]{27,}/ },
  {
    id: 'openai-key',
    description: 'OpenAI API key',
    re: /\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}/,
  },
  { id: 'private-key', description: 'private key', re: /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY( BLOCK)?-----/ },
  {
    id: 'url-credentials',
    description: 'password in a URL',
    // scheme://user:password@host, where the password is literal (not `${VAR}` / `$VAR`).
    re: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:(?!\$)[^\s@/]+@[^\s/]+/i,
  },
];

export function findTokenPattern(value: string): TokenPattern | undefined {
  return TOKEN_PATTERNS.find((pattern) => pattern.re.test(value));
}

/** True when the value contains a `${VAR}` / `$VAR` reference (`$$` is an escaped dollar in compose). */
export function hasInterpolation(value: string): boolean {
  return /(?<!\$)\$(?:\{|[A-Za-z_])/.test(value.replace(/\$\$/g, ''));
}

/** `changeme`, `example`, `<your-key>`...: words that documentation and templates put where a secret goes. */
const PLACEHOLDER_WORDS = new Set([
  'changeme',
  'changeit',
  'placeholder',
  'redacted',
  'example',
  'sample',
  'dummy',
  'fixme',
  'todo',
  'tbd',
]);
/** A value made of one of these alone is a stand-in, not a credential (`secret`, `password`, `test`...). */
const STAND_IN_VALUES =
  /^(?:secret|password|passwd|pass|token|key|apikey|test|testing|none|null|nil|undefined|true|false|yes|no|on|off)$/i;
/** First words of instructions written where the secret goes: `your-api-key`, `insert_token_here`. */
const INSTRUCTION_START = new Set(['your', 'insert', 'enter', 'replace', 'put', 'paste']);

/** Words of a value: split at non-alphanumerics and camelCase boundaries, lower-cased. */
function words(value: string): string[] {
  return value
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * A value that stands for a secret without being one. The classes follow the global allow-list of gitleaks
 * (booleans and nulls, one repeated character such as `xxxx` or `****`, `$VAR` / `${VAR}` / `{{ var }}` /
 * `%VAR%` / `@VAR@` references, absolute paths) and the placeholder vocabulary of documentation (`CHANGEME`,
 * `<your-key>`, `example`), plus what Docker recommends for secrets: a path to a mounted file
 * (`/run/secrets/db-password`) or a URL without credentials. A name in SCREAMING_SNAKE_CASE
 * (`GOOGLE_API_KEY_VAL`) names a value; real keys are random mixed-case or lower-case strings.
 */
export function isPlaceholderSecret(value: string): boolean {
  const v = value.trim();
  if (v === '' || hasInterpolation(v)) return true;
  if (/^(?:\{\{.*\}\}|%\w+%|@\w+@|<[^<>]*>|\[\s*[\w .-]+\s*\]|\{\s*[\w.-]+\s*\})$/s.test(v)) return true;
  if (/^(.)\1*$/s.test(v) || /^[x*]+(?:[-_ ][x*]+)*$/i.test(v)) return true;
  if (isFileReference(v) || /^[a-z][a-z0-9+.-]*:\/\/[^@\s]*$/i.test(v)) return true;
  if (STAND_IN_VALUES.test(v) || /^[A-Z]+(?:_[A-Z]+)+$/.test(v)) return true;
  const parts = words(v);
  return (
    parts.some((word) => PLACEHOLDER_WORDS.has(word)) ||
    /^change(?:me|it)/.test(parts.join('')) ||
    INSTRUCTION_START.has(parts[0] ?? '')
  );
}

/** A path to a file (`/run/secrets/db-password`, `./key`, `~/.token`, `file:…`): where a secret is, not the secret. */
export function isFileReference(value: string): boolean {
  return /^(?:\/|\.{1,2}\/|~\/|file:)/.test(value.trim());
}

/** A literal credential: at least 4 characters and not a placeholder, a reference or a file path. */
export function isLiteralSecret(value: string): boolean {
  return value.trim().length >= 4 && !isPlaceholderSecret(value);
}

/**
 * Shaped like a credential rather than a configuration word: one token (no spaces), at least 6 characters,
 * mixing at least two of lower case, upper case, digits and symbols. `passwd: files` in nsswitch.conf or
 * `auth required pam_unix.so` are settings whose key merely looks like a secret name. Used where nothing but
 * the key name says "secret" (generic `.conf`/`.ini`/shell files), as gitleaks' generic rule asks for a
 * long, high-entropy value.
 */
export function isCredentialShaped(value: string): boolean {
  const v = value.trim();
  if (v.length < 6 || /\s/.test(v)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(v)).length;
  return classes >= 2;
}
