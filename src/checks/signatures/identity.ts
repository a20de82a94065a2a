import { ASN1Obj, type X509Certificate } from '@sigstore/core';
import type { KeylessIdentity } from '../../policy/types.js';

/** Fulcio certificate extensions (https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md). */
const FULCIO = '1.3.6.1.4.1.57264.1.';
export const OID_ISSUER_V1 = `${FULCIO}1`;
export const OID_ISSUER_V2 = `${FULCIO}8`;

/**
 * Names a policy may use in `keyless.extensions`, as cosign spells its `--certificate-github-workflow-*` flags and
 * Fulcio documents the v2 extensions. Raw OIDs ("1.3.6.1.4.1.57264.1.12") work too.
 */
export const EXTENSION_NAMES: Readonly<Record<string, string>> = {
  'github-workflow-trigger': `${FULCIO}2`,
  'github-workflow-sha': `${FULCIO}3`,
  'github-workflow-name': `${FULCIO}4`,
  'github-workflow-repository': `${FULCIO}5`,
  'github-workflow-ref': `${FULCIO}6`,
  'build-signer-uri': `${FULCIO}9`,
  'build-signer-digest': `${FULCIO}10`,
  'runner-environment': `${FULCIO}11`,
  'source-repository-uri': `${FULCIO}12`,
  'source-repository-digest': `${FULCIO}13`,
  'source-repository-ref': `${FULCIO}14`,
  'source-repository-identifier': `${FULCIO}15`,
  'source-repository-owner-uri': `${FULCIO}16`,
  'source-repository-owner-identifier': `${FULCIO}17`,
  'build-config-uri': `${FULCIO}18`,
  'build-config-digest': `${FULCIO}19`,
  'build-trigger': `${FULCIO}20`,
  'run-invocation-uri': `${FULCIO}21`,
  'source-repository-visibility-at-signing': `${FULCIO}22`,
};

/** Who signed: what a reader of the comment needs to see, and what the identity policy is checked against. */
export interface CertificateIdentity {
  subject?: string;
  issuer?: string;
  /** Fulcio extension values by OID. */
  extensions: Record<string, string>;
}

/** v1 Fulcio extensions (1.1–1.6) hold raw bytes; from 1.8 on they are DER UTF8Strings. */
function extensionValue(oid: string, raw: Buffer): string | undefined {
  const arc = Number(oid.slice(FULCIO.length));
  if (arc >= 8) {
    try {
      return ASN1Obj.parseBuffer(Buffer.from(raw)).value.toString('utf8');
    } catch {
      return undefined;
    }
  }
  return raw.toString('utf8');
}

export function certificateIdentity(certificate: X509Certificate): CertificateIdentity {
  const extensions: Record<string, string> = {};
  for (const extension of certificate.extensions) {
    try {
      const oid = extension.subs[0]?.toOID();
      const value = extension.subs[extension.subs.length - 1]?.value;
      if (oid === undefined || value === undefined || !oid.startsWith(FULCIO)) continue;
      const text = extensionValue(oid, value);
      if (text !== undefined) extensions[oid] = text;
    } catch {
      // An extension we cannot decode cannot match a policy value either.
    }
  }
  let subject: string | undefined;
  try {
    subject = certificate.subjectAltName;
  } catch {
    subject = undefined;
  }
  const issuer = extensions[OID_ISSUER_V2] ?? extensions[OID_ISSUER_V1];
  return { ...(subject !== undefined ? { subject } : {}), ...(issuer !== undefined ? { issuer } : {}), extensions };
}

export function describeIdentity(identity: CertificateIdentity): string {
  const parts = [`subject ${identity.subject ?? '(none)'}`, `issuer ${identity.issuer ?? '(none)'}`];
  const repository = identity.extensions[`${FULCIO}12`] ?? identity.extensions[`${FULCIO}5`];
  const ref = identity.extensions[`${FULCIO}14`] ?? identity.extensions[`${FULCIO}6`];
  if (repository) parts.push(`repository ${repository}${ref ? ` @ ${ref}` : ''}`);
  return parts.join(', ');
}

/** `keyless.extensions` key → OID, or undefined for a name we do not know (a policy error). */
export function extensionOid(name: string): string | undefined {
  if (/^\d+(\.\d+)+$/.test(name)) return name;
  return EXTENSION_NAMES[name];
}

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Expands `keyless.github: {repository, workflow, ref}` into what the certificate is checked against: the
 * GitHub Actions issuer, a subject `https://github.com/<repository>/<workflow>@<ref>` (any workflow or ref
 * when left out; `*` in the ref matches anything) and the `source-repository-uri` extension, which also pins
 * the calling repository when the subject is a reusable workflow. Explicit keys win over the shorthand.
 */
export function expandGithubIdentity(identity: KeylessIdentity): KeylessIdentity {
  const github = identity.github;
  if (!github) return identity;
  const { github: _github, ...rest } = identity;
  const workflow = github.workflow ? escapeRegExp(github.workflow.replace(/^\/+/, '')) : '\\.github/workflows/[^@]+';
  const ref = github.ref ? github.ref.split('*').map(escapeRegExp).join('.*') : '.+';
  const subjectGiven = identity.subject !== undefined || identity['subject-regexp'] !== undefined;
  const issuerGiven = identity.issuer !== undefined || identity['issuer-regexp'] !== undefined;
  return {
    ...rest,
    ...(issuerGiven ? {} : { issuer: GITHUB_ACTIONS_ISSUER }),
    ...(subjectGiven
      ? {}
      : { 'subject-regexp': `^https://github\\.com/${escapeRegExp(github.repository)}/${workflow}@${ref}$` }),
    extensions: { 'source-repository-uri': `https://github.com/${github.repository}`, ...(identity.extensions ?? {}) },
  };
}

/** Problems with a keyless identity policy itself (reported as check errors, before anything is verified). */
export function identityPolicyErrors(identity: KeylessIdentity): string[] {
  const errors: string[] = [];
  if (identity.issuer === undefined && identity['issuer-regexp'] === undefined) {
    errors.push('keyless needs `issuer` or `issuer-regexp` (as cosign does): any OIDC provider could sign otherwise');
  }
  if (identity.subject === undefined && identity['subject-regexp'] === undefined) {
    errors.push(
      'keyless needs `subject` or `subject-regexp`: anyone with an account at the issuer could sign otherwise',
    );
  }
  for (const key of ['issuer-regexp', 'subject-regexp'] as const) {
    const pattern = identity[key];
    if (pattern === undefined) continue;
    try {
      new RegExp(pattern, 'u');
    } catch (error) {
      errors.push(`keyless.${key} is not a valid regular expression: ${(error as Error).message}`);
    }
  }
  for (const name of Object.keys(identity.extensions ?? {})) {
    if (extensionOid(name) === undefined) {
      errors.push(
        `keyless.extensions: unknown extension "${name}"; use an OID or one of ${Object.keys(EXTENSION_NAMES).join(', ')}`,
      );
    }
  }
  return errors;
}

/** Why the identity does not satisfy the policy, or undefined when it does. Issuers compare exactly. */
export function identityMismatch(identity: CertificateIdentity, policy: KeylessIdentity): string | undefined {
  if (policy.issuer !== undefined && identity.issuer !== policy.issuer) {
    return `issuer is ${JSON.stringify(identity.issuer ?? null)}, the policy wants ${JSON.stringify(policy.issuer)}`;
  }
  const issuerPattern = policy['issuer-regexp'];
  if (issuerPattern !== undefined && !new RegExp(issuerPattern, 'u').test(identity.issuer ?? '')) {
    return `issuer ${JSON.stringify(identity.issuer ?? null)} does not match ${issuerPattern}`;
  }
  if (policy.subject !== undefined && identity.subject !== policy.subject) {
    return `subject is ${JSON.stringify(identity.subject ?? null)}, the policy wants ${JSON.stringify(policy.subject)}`;
  }
  const subjectPattern = policy['subject-regexp'];
  if (subjectPattern !== undefined && !new RegExp(subjectPattern, 'u').test(identity.subject ?? '')) {
    return `subject ${JSON.stringify(identity.subject ?? null)} does not match ${subjectPattern}`;
  }
  for (const [name, wanted] of Object.entries(policy.extensions ?? {})) {
    const oid = extensionOid(name);
    const actual = oid === undefined ? undefined : identity.extensions[oid];
    if (actual !== wanted) {
      return `certificate extension ${name}${oid !== name ? ` (${oid})` : ''} is ${JSON.stringify(actual ?? null)}, the policy wants ${JSON.stringify(wanted)}`;
    }
  }
  return undefined;
}
