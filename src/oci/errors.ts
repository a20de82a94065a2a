import { ConfigurationError, ContainersecError, PlatformError } from '../core/errors.js';

/** Stable codes for everything that can go wrong while opening an image. */
export type OciErrorCode =
  | 'INVALID_REFERENCE'
  | 'DIGEST_MISMATCH'
  | 'SIZE_MISMATCH'
  | 'MANIFEST_TOO_LARGE'
  | 'BLOB_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNSUPPORTED_DIGEST_ALGORITHM'
  | 'INVALID_MANIFEST'
  | 'INVALID_CONFIG'
  | 'INVALID_LAYOUT'
  | 'INVALID_ARCHIVE'
  | 'NO_MATCHING_PLATFORM'
  | 'AMBIGUOUS_IMAGE'
  | 'AUTH_REQUIRED'
  | 'CREDENTIAL_HELPER_UNSUPPORTED'
  | 'NOT_FOUND'
  | 'INSECURE_TRANSPORT'
  | 'TOO_MANY_REDIRECTS'
  | 'RATE_LIMITED'
  | 'REGISTRY_ERROR'
  | 'NETWORK_ERROR'
  | 'UNSUPPORTED_SOURCE'
  | 'ABORTED';

/**
 * Codes the user fixes by changing input or setup (the reference, credentials, platform, flags). The
 * others mean the registry or the artifact misbehaved: the user cannot fix them by changing containersec's
 * configuration, but the message still says what was wrong.
 */
const CONFIGURATION_CODES = new Set<OciErrorCode>([
  'INVALID_REFERENCE',
  'NO_MATCHING_PLATFORM',
  'AMBIGUOUS_IMAGE',
  'AUTH_REQUIRED',
  'CREDENTIAL_HELPER_UNSUPPORTED',
  'NOT_FOUND',
  'INSECURE_TRANSPORT',
  'UNSUPPORTED_SOURCE',
]);

export type OciError = ContainersecError & { code: OciErrorCode };

export function ociError(code: OciErrorCode, message: string, cause?: unknown): OciError {
  const options = cause === undefined ? undefined : { cause };
  const error = CONFIGURATION_CODES.has(code)
    ? new ConfigurationError(code, message, options)
    : new PlatformError(code, message, options);
  return error as OciError;
}

export function isOciError(error: unknown, code?: OciErrorCode): error is OciError {
  return error instanceof ContainersecError && (code === undefined || error.code === code);
}
