import { createHash } from 'node:crypto';
import type { RawFinding } from './finding.js';

/**
 * An image as its identity for fingerprints: without digest and tag, so the same problem in the next build of
 * the same image (a new digest, another tag) keeps its fingerprint and a baseline report can recognise it.
 */
export function imageIdentity(image: string): string {
  const withoutDigest = image.replace(/@sha(256|512):[0-9a-f]+$/, '');
  const lastSlash = withoutDigest.lastIndexOf('/');
  const tail = withoutDigest.slice(lastSlash + 1);
  const colon = tail.lastIndexOf(':');
  return colon > 0 ? withoutDigest.slice(0, lastSlash + 1 + colon) : withoutDigest;
}

/**
 * The identity of a finding: rule, file or image, object, container, package, advisory and the check's own
 * key. Line numbers are left out on purpose, so a finding keeps its fingerprint when unrelated lines move.
 */
export function findingIdentity(finding: RawFinding): string {
  const location = finding.location;
  const parts =
    'image' in location
      ? ['image', imageIdentity(location.image), location.path ?? '']
      : ['file', location.path, location.object ?? '', location.container ?? ''];
  return [
    finding.ruleId,
    ...parts,
    finding.package ? `${finding.package.ecosystem}/${finding.package.name}` : '',
    finding.vulnerability?.id ?? '',
    finding.key ?? '',
  ].join('\u0000');
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/**
 * Fingerprints for a check's findings, in order. Findings with the same identity are numbered in the order
 * the check reported them (document order), so two identical problems in one object stay distinct.
 */
export function fingerprintAll(findings: RawFinding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const identity = findingIdentity(finding);
    const count = (seen.get(identity) ?? 0) + 1;
    seen.set(identity, count);
    return hash(count === 1 ? identity : `${identity}\u0000#${count}`);
  });
}
