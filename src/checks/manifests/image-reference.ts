/** Image references as written in FROM lines and compose `image:` (shared by both linters). */

export interface ImageReference {
  /** Registry and repository, without tag or digest. */
  name: string;
  tag?: string;
  digest?: string;
}

/** Splits `registry:5000/repo:tag@sha256:…` into name, tag and digest. */
export function parseImageReference(reference: string): ImageReference {
  const at = reference.indexOf('@');
  const digest = at >= 0 ? reference.slice(at + 1) : undefined;
  const withoutDigest = at >= 0 ? reference.slice(0, at) : reference;
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > withoutDigest.lastIndexOf('/');
  return {
    name: hasTag ? withoutDigest.slice(0, colon) : withoutDigest,
    ...(hasTag ? { tag: withoutDigest.slice(colon + 1) } : {}),
    ...(digest ? { digest } : {}),
  };
}

const DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

export type Pinning = 'digest' | 'tag' | 'latest' | 'untagged';

export function pinningOf(reference: string): Pinning {
  const parsed = parseImageReference(reference);
  if (parsed.digest !== undefined && DIGEST_RE.test(parsed.digest)) return 'digest';
  if (parsed.tag === undefined || parsed.tag === '') return 'untagged';
  return parsed.tag === 'latest' ? 'latest' : 'tag';
}
