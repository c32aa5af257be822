import { createHash } from 'node:crypto';
import { secretsEqual } from './directory';

/** An S256 code_challenge: base64url of a SHA-256 digest, so always 43 characters (RFC 7636 4.2). */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** A code_verifier: 43 to 128 unreserved characters (RFC 7636 4.1). */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** True when the authorize request's challenge is a well-formed S256 challenge. */
export function isS256Challenge(challenge: string): boolean {
  return S256_CHALLENGE.test(challenge);
}

/** base64url(SHA-256(verifier)), the S256 transformation. */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** True when the verifier is well formed and transforms to the challenge. */
export function verifierMatches(verifier: string | undefined, challenge: string): boolean {
  if (verifier === undefined || !VERIFIER.test(verifier)) return false;
  return secretsEqual(s256(verifier), challenge);
}
