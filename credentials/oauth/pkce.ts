/**
 * PKCE (RFC 7636, S256) without storing the verifier: it is derived from the flow's state and
 * the binding value that only the admin's browser holds (its HttpOnly cookie). The provider sees
 * the challenge at authorisation; at the callback the same browser's cookie re-derives the
 * verifier. A code intercepted and replayed from another browser cannot be exchanged, and the
 * database never holds anything that completes a flow.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

/** A random URL-safe value of 32 bytes (state, tickets, bindings). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The code verifier of the flow `state`, for the browser holding `binding` (43 characters). */
export function codeVerifierFor(binding: string, state: string): string {
  return createHmac('sha256', binding).update(`gatehouse/pkce/${state}`, 'utf8').digest('base64url');
}

/** The S256 code challenge of a verifier. */
export function codeChallengeOf(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
