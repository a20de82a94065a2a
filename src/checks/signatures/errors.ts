/**
 * Why one signature or attestation did not verify. Codes are stable so a caller (and a test) can say exactly
 * what failed, in the style of sigstore-js (`TLOG_ERROR`, `UNTRUSTED_SIGNER_ERROR`).
 */
export type SignatureErrorCode =
  /** The payload or in-toto subject names another digest than the image's. */
  | 'DIGEST_MISMATCH'
  /** The cryptographic signature does not verify with the key or certificate. */
  | 'SIGNATURE_INVALID'
  /** The signature verifies, but with a key or identity the policy does not trust. */
  | 'UNTRUSTED_SIGNER'
  /** The certificate does not chain to a trusted CA, has no valid SCT, or is outside its validity. */
  | 'CERTIFICATE_INVALID'
  /** A transparency-log entry (SET, inclusion proof, body) does not verify. */
  | 'TLOG_INVALID'
  /** Keyless signatures need a trusted time (tlog entry or RFC 3161 timestamp); this one has none. */
  | 'UNTIMESTAMPED'
  /** The signature artefact is malformed: not a simple-signing payload, not a bundle, bad base64, too big. */
  | 'MALFORMED';

export class SignatureError extends Error {
  constructor(
    readonly code: SignatureErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SignatureError';
  }
}

export function isSignatureError(error: unknown): error is SignatureError {
  return error instanceof SignatureError;
}
