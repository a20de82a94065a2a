import { minimatch } from 'minimatch';
import type { RawFinding } from '../core/finding.js';
import { isFileLocation } from '../core/finding.js';
import type { PolicyException } from './types.js';
import { ruleMatches } from './rule-ids.js';

const GLOB = { dot: true, nocomment: true } as const;

function anyMatch(patterns: string[] | undefined, values: (string | undefined)[]): boolean {
  if (!patterns || patterns.length === 0) return true;
  const present = values.filter((v): v is string => typeof v === 'string' && v.length > 0);
  return present.some((value) => patterns.some((pattern) => value === pattern || minimatch(value, pattern, GLOB)));
}

/**
 * A path as the exception and the finding are compared: without a leading `/` or `./`. Reports print image
 * paths from the root (`/etc/nsswitch.conf`) and repository paths relative to it (`deploy/web.yaml`); a user
 * copies either form into `paths:`, and both name the same file.
 */
function relativePath(path: string): string {
  return path.replace(/^(?:\.?\/)+/, '');
}

function pathsMatch(patterns: string[] | undefined, path: string | undefined): boolean {
  return anyMatch(patterns?.map(relativePath), [path === undefined ? undefined : relativePath(path)]);
}

/** True when every scope the exception names covers the finding (an absent scope covers everything). */
export function exceptionCovers(exception: PolicyException, finding: RawFinding): boolean {
  // One advisory has several ids (CVE, GHSA, DSA...): an exception may name any of them.
  // A finding that stands for the same problem under several rule ids is excepted by any of them.
  const aliases = (finding.vulnerability?.aliases ?? []).map((alias) => `vuln/${alias}`);
  const ids = [finding.ruleId, ...(finding.relatedRuleIds ?? []), ...aliases];
  if (!ids.some((id) => ruleMatches(exception.rule, id))) {
    return false;
  }
  const location = finding.location;
  const file = isFileLocation(location) ? location : undefined;
  const image = isFileLocation(location) ? undefined : location;
  const pkg = finding.package;
  return (
    pathsMatch(exception.paths, file?.path ?? image?.path) &&
    anyMatch(exception.images, [image?.image]) &&
    anyMatch(exception.packages, [pkg?.name, pkg?.purl, pkg ? `${pkg.ecosystem}/${pkg.name}` : undefined]) &&
    anyMatch(exception.objects, [file?.object])
  );
}

/** An exception's `expires` date has passed: it applies through that whole day (UTC). */
export function isExpired(exception: PolicyException, today: string): boolean {
  return exception.expires !== undefined && exception.expires < today;
}

export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}
