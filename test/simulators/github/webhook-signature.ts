import { createHmac } from 'node:crypto';

/**
 * GitHub's `X-Hub-Signature-256`: `"sha256=" + hex(HMAC-SHA256(secret, rawBody))` over the exact
 * UTF-8 bytes sent (wire reference §3 "Webhooks", known-answer vector in §5).
 */
export function githubSignature256(secret: string, rawBody: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** The legacy `X-Hub-Signature` (`sha1=…`) GitHub still sends beside the SHA-256 one. */
export function githubSignature1(secret: string, rawBody: string | Uint8Array): string {
  return `sha1=${createHmac('sha1', secret).update(rawBody).digest('hex')}`;
}
