import type { InTotoStatement } from './candidates.js';

export const SLSA_V1 = 'https://slsa.dev/provenance/v1';
export const SLSA_V02 = 'https://slsa.dev/provenance/v0.2';

/**
 * Short predicate names, as `cosign attest --type` spells them, to the predicate types they accept.
 * `slsa-provenance` accepts either SLSA version.
 */
const PREDICATE_ALIASES: Readonly<Record<string, readonly string[]>> = {
  'slsa-provenance': [SLSA_V1, SLSA_V02],
  slsaprovenance: [SLSA_V02],
  slsaprovenance02: [SLSA_V02],
  slsaprovenance1: [SLSA_V1],
  cyclonedx: ['https://cyclonedx.org/bom'],
  spdx: ['https://spdx.dev/Document'],
  spdxjson: ['https://spdx.dev/Document'],
  vuln: ['https://cosign.sigstore.dev/attestation/vuln/v1'],
  link: ['https://in-toto.io/Link/v1'],
  custom: ['https://cosign.sigstore.dev/attestation/v1'],
};

/** Whether a statement's predicate type satisfies a policy `type` (alias or URI; SPDX versions by prefix). */
export function predicateMatches(wanted: string, predicateType: string): boolean {
  const accepted = PREDICATE_ALIASES[wanted.toLowerCase()] ?? [wanted];
  return accepted.some(
    (type) => type === predicateType || (type === 'https://spdx.dev/Document' && predicateType.startsWith(`${type}/`)),
  );
}

/** What a policy may pin in SLSA provenance. */
export interface ProvenancePins {
  'builder-id'?: string;
  'source-repository'?: string;
  'source-ref'?: string;
}

function field(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** "git+https://github.com/acme/web@refs/heads/main" → repository and ref. */
function splitGitUri(uri: string | undefined): { repository?: string; ref?: string } {
  if (uri === undefined) return {};
  const stripped = uri.replace(/^git\+/, '');
  const at = stripped.lastIndexOf('@');
  return at > stripped.indexOf('://') + 3
    ? { repository: stripped.slice(0, at), ref: stripped.slice(at + 1) }
    : { repository: stripped };
}

/** Builder, source repository and ref of SLSA provenance v1 (GitHub's buildType) or v0.2. */
export function provenanceFacts(statement: InTotoStatement): { builderId?: string; repository?: string; ref?: string } {
  const predicate = statement.predicate;
  if (statement.predicateType === SLSA_V1) {
    const workflow = field(predicate, 'buildDefinition', 'externalParameters', 'workflow');
    const dependencies = field(predicate, 'buildDefinition', 'resolvedDependencies');
    const firstUri = Array.isArray(dependencies) ? text(field(dependencies[0], 'uri')) : undefined;
    const fromUri = splitGitUri(firstUri);
    const builderId = text(field(predicate, 'runDetails', 'builder', 'id'));
    const repository = text(field(workflow, 'repository')) ?? fromUri.repository;
    const ref = text(field(workflow, 'ref')) ?? fromUri.ref;
    return { ...(builderId ? { builderId } : {}), ...(repository ? { repository } : {}), ...(ref ? { ref } : {}) };
  }
  const builderId = text(field(predicate, 'builder', 'id'));
  const source = splitGitUri(text(field(predicate, 'invocation', 'configSource', 'uri')));
  return {
    ...(builderId ? { builderId } : {}),
    ...(source.repository ? { repository: source.repository } : {}),
    ...(source.ref ? { ref: source.ref } : {}),
  };
}

/** Why the provenance does not match the pins, or undefined. */
export function provenanceMismatch(statement: InTotoStatement, pins: ProvenancePins): string | undefined {
  const facts = provenanceFacts(statement);
  const checks: [string, string | undefined, string | undefined][] = [
    ['builder id', pins['builder-id'], facts.builderId],
    ['source repository', pins['source-repository'], facts.repository],
    ['source ref', pins['source-ref'], facts.ref],
  ];
  for (const [name, wanted, actual] of checks) {
    if (wanted !== undefined && actual !== wanted) {
      return `${name} is ${JSON.stringify(actual ?? null)}, the policy wants ${JSON.stringify(wanted)}`;
    }
  }
  return undefined;
}
