import type { DeletedFile, FileContent, FileMeta, FileRequest } from '../../images/index.js';
import { TOKEN_PATTERNS, isCredentialShaped, isLiteralSecret, isSecretName } from '../manifests/secrets.js';

/**
 * Secrets in image files, including files a later layer deleted: a `RUN rm` does not remove bytes from
 * the earlier layer, so whoever pulls the image can read them. Only names and redacted excerpts ever
 * leave this module; a secret value is never put in a finding, a note or a log.
 */
export interface SecretHit {
  kind: string;
  description: string;
  /** A redacted excerpt: the format's public prefix and the length, never the secret. */
  excerpt: string;
}

export interface SecretFile {
  path: string;
  layerDigest: string;
  /** Set when a later layer deleted or replaced the file. */
  deletedBy?: string;
  hits: SecretHit[];
}

const KiB = 1024;
export const SECRET_SCAN_LIMITS = {
  /** Bytes read of one candidate file. Keys, tokens and config files are small. */
  maxFileBytes: 256 * KiB,
  /** Candidate files larger than this are not read at all. */
  maxCandidateBytes: 1024 * KiB,
  /** Bytes read by the scanner over the whole image. */
  maxTotalBytes: 64 * 1024 * KiB,
  maxHitsPerFile: 20,
};

/** File names that hold credentials by convention. */
const CREDENTIAL_NAMES =
  /^(?:id_(?:rsa|dsa|ecdsa|ed25519)|\.npmrc|\.pypirc|\.git-credentials|\.netrc|_netrc|\.env(?:\..+)?|kubeconfig|credentials(?:\.json)?|.*\.(?:pem|key|p12|pfx|jks|keystore|ppk|tfvars)|.*service[-_]?account.*\.json|terraform\.tfstate|\.htpasswd|\.pgpass|\.my\.cnf|\.s3cfg|\.boto|\.dockercfg)$/i;
/** Directories where application and user files live; small text files here are scanned. */
const SCANNED_DIRS = /^(?:root|home|app|srv|opt|workspace|usr\/src|usr\/local\/app|var\/www|build|src|code|etc)\//;
/** Third-party package trees and system data: scanned only for credential file names. */
const PACKAGE_TREES = /(?:^|\/)(?:node_modules|site-packages|dist-packages|vendor|\.cache|gems|__pycache__)\//;
const TEXT_EXTENSIONS =
  /\.(?:env|json|ya?ml|toml|ini|cfg|conf|config|properties|sh|bash|txt|xml|js|ts|py|rb|php|go|java|tf|hcl)$/i;
/** Key files distributions generate at install time; real keys, but not one the image author leaked. */
const KNOWN_GENERATED = new Set(['etc/ssl/private/ssl-cert-snakeoil.key']);

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

export function isSecretCandidate(path: string, size: number): boolean {
  if (size === 0 || size > SECRET_SCAN_LIMITS.maxCandidateBytes || KNOWN_GENERATED.has(path)) return false;
  const name = baseName(path);
  if (CREDENTIAL_NAMES.test(name)) return true;
  if (/(?:^|\/)\.(?:docker|kube|aws|azure|config\/gcloud|ssh)\/[^/]+$/.test(path)) return true;
  if (PACKAGE_TREES.test(path)) return false;
  return SCANNED_DIRS.test(path) && size <= 64 * KiB && (TEXT_EXTENSIONS.test(name) || !name.includes('.'));
}

/** Redacted text: a known public prefix is kept, the rest is replaced by its length. */
export function redact(value: string, keepPrefix = ''): string {
  const prefix = keepPrefix && value.startsWith(keepPrefix) ? keepPrefix : '';
  return `${prefix}[redacted ${value.length - prefix.length} chars]`;
}

const PUBLIC_PREFIX =
  /^(?:gh[pousr]_|github_pat_|gl[a-z]+-|npm_|pypi-|dckr_pat_|xox[abposr]-|[rs]k_live_|AIza|AKIA|ASIA|ABIA|ACCA|A3T)/;

/** A value holding a known token format is reported once, by its format, not again by its variable name. */
const hasKnownToken = (value: string) => TOKEN_PATTERNS.some((p) => p.id !== 'url-credentials' && p.re.test(value));

function tokenHits(text: string): SecretHit[] {
  const hits: SecretHit[] = [];
  for (const pattern of TOKEN_PATTERNS) {
    const global = new RegExp(
      pattern.re.source,
      pattern.re.flags.includes('g') ? pattern.re.flags : `${pattern.re.flags}g`,
    );
    for (const match of text.matchAll(global)) {
      const value = match[0];
      if (
        pattern.id === 'url-credentials' &&
        /:\/\/[^:]+:(?:x-oauth-basic|\*+|password|changeme|<[^>]*>)@/i.test(value)
      )
        continue;
      const excerpt =
        pattern.id === 'private-key'
          ? value
          : pattern.id === 'url-credentials'
            ? value.replace(/:\/\/([^:]+):[^@]+@/, (_m, user: string) => `://${user}:[redacted]@`)
            : redact(value, PUBLIC_PREFIX.exec(value)?.[0] ?? '');
      hits.push({ kind: pattern.id, description: pattern.description, excerpt });
      if (hits.length >= SECRET_SCAN_LIMITS.maxHitsPerFile) return hits;
    }
  }
  return hits;
}

function assignmentHits(
  text: string,
  description: string,
  kind: string,
  nameTest: (name: string) => boolean,
  valueTest: (value: string) => boolean = isLiteralSecret,
): SecretHit[] {
  const hits: SecretHit[] = [];
  for (const line of text.split(/\r?\n/).slice(0, 5000)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][\w.-]*)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    const [, name, rawValue] = m as unknown as [string, string, string];
    const value = rawValue.replace(/^(['"])(.*)\1$/, '$2');
    if (!nameTest(name) || !valueTest(value) || hasKnownToken(value)) continue;
    hits.push({ kind, description, excerpt: `${name}=${redact(value)}` });
    if (hits.length >= SECRET_SCAN_LIMITS.maxHitsPerFile) break;
  }
  return hits;
}

/** What secrets a file's content holds, given its path (the file name decides the format-specific checks). */
export function detectFileSecrets(path: string, text: string): SecretHit[] {
  const name = baseName(path);
  const hits = tokenHits(text);
  const add = (list: SecretHit[]) => {
    for (const hit of list) if (!hits.some((h) => h.excerpt === hit.excerpt)) hits.push(hit);
  };
  if (name === '.npmrc') {
    // `//registry.npmjs.org/:_authToken=…`, `_auth=…`, `//host/:_password=…` (npm's per-registry keys).
    for (const m of text.matchAll(/^\s*((?:\/\/\S*?:)?_(?:authToken|auth|password))\s*=\s*(\S.*?)\s*$/gm)) {
      const value = m[2]!.replace(/^(['"])(.*)\1$/, '$2');
      if (!isLiteralSecret(value) || hasKnownToken(value)) continue;
      add([
        {
          kind: 'npmrc-credentials',
          description: 'npm registry credential',
          excerpt: `${m[1]}=${redact(value, PUBLIC_PREFIX.exec(value)?.[0] ?? '')}`,
        },
      ]);
    }
  }
  if (name === '.pypirc')
    add(assignmentHits(text, 'PyPI password', 'pypirc-credentials', (n) => /^password$/i.test(n)));
  if (name === '.git-credentials' || name === '.netrc' || name === '_netrc') {
    if (/\bpassword\s+\S+/.test(text))
      hits.push({ kind: 'netrc-password', description: 'netrc password', excerpt: 'password [redacted]' });
  }
  if (/^\.env(?:\..+)?$/.test(name) || /\.(?:env|tfvars)$/i.test(name)) {
    add(assignmentHits(text, 'secret in a settings file', 'env-secret', isSecretName));
  } else if (/\.(?:properties|ini|cfg|conf|toml|sh)$/i.test(name)) {
    // Generic formats, where keys such as `passwd` (nsswitch.conf) or `auth` (PAM) are settings: only a value
    // shaped like a credential counts.
    add(
      assignmentHits(
        text,
        'secret in a settings file',
        'env-secret',
        isSecretName,
        (value) => isLiteralSecret(value) && isCredentialShaped(value),
      ),
    );
  }
  if (/"type"\s*:\s*"service_account"/.test(text) && /"private_key"\s*:\s*"-----BEGIN/.test(text)) {
    add([
      { kind: 'gcp-service-account', description: 'GCP service-account key', excerpt: '"private_key": "[redacted]"' },
    ]);
  }
  const azure = /AccountKey=([A-Za-z0-9+/=]{40,})/.exec(text);
  if (azure)
    add([
      {
        kind: 'azure-storage-key',
        description: 'Azure storage account key',
        excerpt: `AccountKey=${redact(azure[1]!)}`,
      },
    ]);
  const awsSecret = /aws_secret_access_key\s*[=:]\s*["']?([A-Za-z0-9/+=]{40})\b/i.exec(text);
  if (awsSecret) {
    add([
      {
        kind: 'aws-secret-key',
        description: 'AWS secret access key',
        excerpt: `aws_secret_access_key=${redact(awsSecret[1]!)}`,
      },
    ]);
  }
  if (/(?:^|\/)\.docker\/config\.json$/.test(path) || name === '.dockercfg') {
    const auth = /"auth"\s*:\s*"([A-Za-z0-9+/=]{4,})"/.exec(text);
    if (auth)
      add([
        {
          kind: 'docker-auth',
          description: 'registry credential in a Docker config',
          excerpt: `"auth": "${redact(auth[1]!)}"`,
        },
      ]);
  }
  if (/^\s*kind:\s*Config\s*$/m.test(text) && /^\s*clusters:/m.test(text)) {
    const kube = /^\s*(token|client-key-data|password):\s*(\S+)/m.exec(text);
    if (kube && isLiteralSecret(kube[2]!)) {
      add([
        {
          kind: 'kubeconfig-credentials',
          description: 'kubeconfig credential',
          excerpt: `${kube[1]}: ${redact(kube[2]!)}`,
        },
      ]);
    }
  }
  return hits.slice(0, SECRET_SCAN_LIMITS.maxHitsPerFile);
}

/** A pass-2 reader for catalogImage's `extraRequests`: visible and deleted candidate files. */
export function secretScanner(): { request: FileRequest; results: SecretFile[] } {
  const results: SecretFile[] = [];
  const request: FileRequest = {
    name: 'secret scanner',
    wants: (file: FileMeta) => isSecretCandidate(file.path, file.size),
    wantsDeleted: (file: DeletedFile) => isSecretCandidate(file.path, file.size),
    maxFileBytes: SECRET_SCAN_LIMITS.maxFileBytes,
    maxTotalBytes: SECRET_SCAN_LIMITS.maxTotalBytes,
    onFile: (file: FileContent) => {
      if (file.data.includes(0)) return; // binary
      const hits = detectFileSecrets(file.path, file.data.toString('utf8'));
      if (hits.length === 0) return;
      results.push({
        path: file.path,
        layerDigest: file.layerDigest,
        ...(file.deletedBy ? { deletedBy: file.deletedBy.layerDigest } : {}),
        hits,
      });
    },
  };
  return { request, results };
}

/** Secrets in config strings (`Env`, labels, history `created_by`): token formats and `NAME=value` pairs. */
export function detectConfigSecrets(text: string): SecretHit[] {
  const hits = tokenHits(text);
  for (const m of text.matchAll(/(?:^|[\s|;'"])([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s;&|]*)/g)) {
    const name = m[1]!;
    const value = m[2]!.replace(/^(['"])(.*)\1$/, '$2');
    if (!isSecretName(name) || !isLiteralSecret(value) || hasKnownToken(value)) continue;
    if (hits.some((h) => h.excerpt.startsWith(`${name}=`))) continue;
    hits.push({
      kind: 'named-secret',
      description: `secret-looking variable ${name}`,
      excerpt: `${name}=${redact(value)}`,
    });
  }
  return hits.slice(0, SECRET_SCAN_LIMITS.maxHitsPerFile);
}
