import { ociError } from './errors.js';

/**
 * Image references, parsed and normalized the way Docker does (github.com/distribution/reference):
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [domain "/"] path-component ["/" path-component]*
 * A first component counts as a domain only when it contains "." or ":", is "localhost", or has upper
 * case letters; otherwise the image is on Docker Hub, and single-component Hub names get "library/".
 */

export const DEFAULT_REGISTRY = 'docker.io';
/** Where Docker Hub's API actually lives: "docker.io" itself does not serve /v2/. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
const LEGACY_DEFAULT_REGISTRY = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const DEFAULT_TAG = 'latest';
const NAME_TOTAL_LENGTH_MAX = 255;

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_NAME_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(
  `^(?:${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`,
);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST_SHAPE = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const ANONYMOUS_ID = /^[a-f0-9]{64}$/;

/** Digest algorithms we can verify, with the exact encoded form the OCI image spec requires. */
export const DIGEST_ALGORITHMS = { sha256: /^[a-f0-9]{64}$/, sha512: /^[a-f0-9]{128}$/ } as const;
export type DigestAlgorithm = keyof typeof DIGEST_ALGORITHMS;

export interface ImageReference {
  /** Normalized registry host, with port: "docker.io", "ghcr.io", "localhost:5000". */
  registry: string;
  /** Repository path inside the registry: "library/alpine", "acme/web". */
  repository: string;
  tag?: string;
  digest?: string;
}

export type ImageSource =
  | { kind: 'registry'; reference: ImageReference }
  | { kind: 'oci'; path: string; tag?: string }
  | { kind: 'oci-archive'; path: string; tag?: string }
  | { kind: 'docker-archive'; path: string; reference?: string }
  | { kind: 'dir'; path: string }
  | { kind: 'sbom'; path: string };

function invalid(input: string, why: string): never {
  throw ociError('INVALID_REFERENCE', `invalid image reference "${input}": ${why}`);
}

/** Throws INVALID_REFERENCE / UNSUPPORTED_DIGEST_ALGORITHM unless `digest` is a well-formed sha256/sha512. */
export function validateDigest(digest: string, context = digest): DigestAlgorithm {
  if (!DIGEST_SHAPE.test(digest)) invalid(context, `"${digest}" is not a digest (algorithm:hex)`);
  const [algorithm, encoded] = digest.split(':') as [string, string];
  if (algorithm !== 'sha256' && algorithm !== 'sha512') {
    throw ociError(
      'UNSUPPORTED_DIGEST_ALGORITHM',
      `digest "${digest}" uses ${algorithm}; only sha256 and sha512 digests can be verified`,
    );
  }
  if (!DIGEST_ALGORITHMS[algorithm].test(encoded)) {
    invalid(context, `${algorithm} digest must be ${algorithm === 'sha256' ? 64 : 128} lowercase hex characters`);
  }
  return algorithm;
}

export function isValidDigest(digest: unknown): digest is string {
  if (typeof digest !== 'string') return false;
  const [algorithm, encoded, extra] = digest.split(':');
  if (extra !== undefined || encoded === undefined) return false;
  return (algorithm === 'sha256' || algorithm === 'sha512') && DIGEST_ALGORITHMS[algorithm].test(encoded);
}

/** A repository path as the distribution API accepts it: "library/alpine", "acme/web". */
export function isValidRepository(repository: string): boolean {
  return (
    repository.length > 0 &&
    repository.length <= NAME_TOTAL_LENGTH_MAX &&
    repository.split('/').every((c) => PATH_COMPONENT.test(c))
  );
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

function splitDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const isDomain = slash !== -1 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  let domain = isDomain ? first : DEFAULT_REGISTRY;
  let remainder = isDomain ? name.slice(slash + 1) : name;
  if (domain === LEGACY_DEFAULT_REGISTRY) domain = DEFAULT_REGISTRY;
  if (domain === DEFAULT_REGISTRY && !remainder.includes('/')) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return [domain, remainder];
}

/** Parses a registry reference like "alpine", "ghcr.io/acme/web:1.2@sha256:…", "localhost:5000/x". */
export function parseImageReference(input: string): ImageReference {
  if (input.length === 0) invalid(input, 'it is empty');
  if (/\s/.test(input)) invalid(input, 'it contains whitespace');
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    validateDigest(digest, input);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) invalid(input, `tag "${tag}" must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
  }
  if (rest.length === 0) invalid(input, 'the repository name is empty');
  if (rest.length > NAME_TOTAL_LENGTH_MAX)
    invalid(input, `the name is longer than ${NAME_TOTAL_LENGTH_MAX} characters`);
  if (digest === undefined && tag === undefined && ANONYMOUS_ID.test(rest)) {
    invalid(input, 'a 64-character hex string is an image ID, not a repository name');
  }
  const [registry, repository] = splitDomain(rest);
  if (!DOMAIN.test(registry)) invalid(input, `"${registry}" is not a valid registry host[:port]`);
  if (repository.toLowerCase() !== repository) invalid(input, `repository name "${repository}" must be lowercase`);
  for (const component of repository.split('/')) {
    if (!PATH_COMPONENT.test(component)) {
      invalid(input, `"${component}" is not a valid path component (lowercase letters, digits, separators . _ __ -)`);
    }
  }
  if (tag === undefined && digest === undefined) tag = DEFAULT_TAG;
  return { registry, repository, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

/** The canonical string: "docker.io/library/alpine:3.20@sha256:…". */
export function formatImageReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag === undefined ? '' : `:${ref.tag}`}${ref.digest === undefined ? '' : `@${ref.digest}`}`;
}

/** The host to send API requests to. */
export function registryApiHost(registry: string): string {
  return registry === DEFAULT_REGISTRY ? DOCKER_HUB_API_HOST : registry;
}

function splitPathAndSuffix(input: string, body: string): [string, string | undefined] {
  const colon = body.indexOf(':');
  const path = colon === -1 ? body : body.slice(0, colon);
  const suffix = colon === -1 ? undefined : body.slice(colon + 1);
  if (path.length === 0) invalid(input, 'the path is empty');
  if (suffix !== undefined && suffix.length === 0) invalid(input, 'the tag after ":" is empty');
  return [path, suffix];
}

/**
 * Classifies an --image argument. Transport prefixes follow skopeo's (containers/image) spelling; the path
 * ends at the first ":" after the prefix, as there, so a path cannot itself contain ":".
 */
export function parseImageSource(input: string): ImageSource {
  const prefix = /^(oci|oci-archive|docker-archive|dir|sbom|docker):/.exec(input)?.[1];
  const body = prefix === undefined ? input : input.slice(prefix.length + 1);
  switch (prefix) {
    case 'oci':
    case 'oci-archive': {
      const [path, tag] = splitPathAndSuffix(input, body);
      if (tag !== undefined && !/^[\w][\w.\-/:@+]*$/.test(tag)) invalid(input, `"${tag}" is not a valid ref name`);
      return { kind: prefix, path, ...(tag === undefined ? {} : { tag }) };
    }
    case 'docker-archive': {
      const [path, reference] = splitPathAndSuffix(input, body);
      return { kind: 'docker-archive', path, ...(reference === undefined ? {} : { reference }) };
    }
    case 'dir':
    case 'sbom':
      if (body.length === 0) invalid(input, 'the path is empty');
      return { kind: prefix, path: body };
    case 'docker':
      if (!body.startsWith('//')) invalid(input, 'the docker transport is written docker://REFERENCE');
      return { kind: 'registry', reference: parseImageReference(body.slice(2)) };
    default:
      return { kind: 'registry', reference: parseImageReference(input) };
  }
}
