import { createHmac } from 'node:crypto';

/**
 * Slack request signing v0: `"v0=" + hex(HMAC-SHA256(signingSecret, "v0:" + timestamp + ":" + rawBody))`.
 *
 * @param signingSecret - the app's signing secret
 * @param timestamp - the `X-Slack-Request-Timestamp` value, epoch seconds
 * @param rawBody - the exact request body bytes as sent (as a UTF-8 string)
 * @returns the `X-Slack-Signature` header value
 */
export function slackSignature(signingSecret: string, timestamp: number, rawBody: string): string {
  const digest = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`, 'utf8').digest('hex');
  return `v0=${digest}`;
}
