import { MAX_VERSION_LENGTH, type VersionScheme } from './scheme.js';
import { compareComponents, comparePrerelease, parseSemverLike, splitRest } from './semver.js';

/**
 * NuGet versions, ordered as NuGet.Versioning's `VersionComparer.Default`: up to four numeric parts
 * (missing ones are 0, leading zeros ignored: `1.0.01` = `1.0.1.0`), then the release labels with SemVer
 * 2.0 rules except that labels compare case-insensitively; build metadata is ignored.
 */
export function compareNuGet(a: string, b: string): number {
  const x = parseSemverLike(a, 4);
  const y = parseSemverLike(b, 4);
  return (
    compareComponents(x.components, y.components) ||
    comparePrerelease(splitRest(x.rest).prerelease, splitRest(y.rest).prerelease, true)
  );
}

const LABEL = '[0-9A-Za-z-]+';
const NUGET_RE = new RegExp(`^[0-9]+(?:\\.[0-9]+){0,3}(?:-${LABEL}(?:\\.${LABEL})*)?(?:\\+${LABEL}(?:\\.${LABEL})*)?$`);

/** `NuGetVersion.TryParse`: 1 to 4 numeric parts, optional dotted labels and metadata. */
export function isValidNuGet(version: string): boolean {
  const v = version.trim();
  return v.length <= MAX_VERSION_LENGTH && NUGET_RE.test(v);
}

export const nuget: VersionScheme = { id: 'nuget', compare: compareNuGet, isValid: isValidNuGet };
