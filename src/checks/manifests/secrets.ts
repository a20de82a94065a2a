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
