import { ociError } from './errors.js';
import type { Descriptor, ImageIndex, Platform } from './manifest.js';

export const DEFAULT_PLATFORM = 'linux/amd64';

interface Normalized {
  os: string;
  architecture: string;
  variant: string;
}

/** Parses "os/arch[/variant]" as Docker's --platform does. */
export function parsePlatform(value: string): Platform {
  const parts = value.trim().toLowerCase().split('/');
  const [os, architecture, variant] = parts;
  if (parts.length < 2 || parts.length > 3 || !os || !architecture || (parts.length === 3 && !variant)) {
    throw ociError(
      'INVALID_REFERENCE',
      `invalid platform "${value}": expected os/architecture[/variant], e.g. linux/arm64/v8`,
    );
  }
  return { os, architecture, ...(variant ? { variant } : {}) };
}

/** containerd's normalization: aliases for architectures, and the default variant of each. */
export function normalizePlatform(platform: Platform): Normalized {
  const os = platform.os.toLowerCase();
  let architecture = platform.architecture.toLowerCase();
  let variant = (platform.variant ?? '').toLowerCase();
  switch (architecture) {
    case 'x86_64':
    case 'x86-64':
      architecture = 'amd64';
      if (variant === 'v1') variant = '';
      break;
    case 'amd64':
      if (variant === 'v1') variant = '';
      break;
    case 'aarch64':
    case 'arm64':
      architecture = 'arm64';
      if (variant === '8' || variant === 'v8' || variant === 'v8.0') variant = '';
      break;
    case 'armhf':
      architecture = 'arm';
      variant = 'v7';
      break;
    case 'armel':
      architecture = 'arm';
      variant = 'v6';
      break;
    case 'arm':
      if (variant === '' || variant === '7') variant = 'v7';
      else if (variant === '5' || variant === '6' || variant === '8') variant = `v${variant}`;
      break;
    case 'i386':
    case 'i686':
      architecture = '386';
      break;
  }
  return { os, architecture, variant };
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/**
 * Picks the manifest for `wanted` from an index. An exact (normalized) match wins; when the request names
 * no variant, an entry of the same os/architecture with a variant is acceptable. Entries without a
 * platform and buildkit's attestation entries ("unknown/unknown") are never picked.
 */
export function selectPlatform(index: ImageIndex, wanted: string, what: string): Descriptor {
  const target = normalizePlatform(parsePlatform(wanted));
  const candidates = index.manifests.filter(
    (entry) =>
      entry.platform !== undefined && entry.platform.os !== 'unknown' && entry.platform.architecture !== 'unknown',
  );
  let loose: Descriptor | undefined;
  for (const entry of candidates) {
    const have = normalizePlatform(entry.platform as Platform);
    if (have.os !== target.os || have.architecture !== target.architecture) continue;
    if (have.variant === target.variant) return entry;
    if (target.variant === '' && loose === undefined) loose = entry;
  }
  if (loose) return loose;
  const available = [...new Set(candidates.map((entry) => formatPlatform(entry.platform as Platform)))];
  throw ociError(
    'NO_MATCHING_PLATFORM',
    `${what} has no image for platform ${wanted}; available: ${available.length > 0 ? available.join(', ') : 'none (no entry declares a platform)'}. Pass a platform from that list.`,
  );
}
