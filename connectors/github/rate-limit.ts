/**
 * Reading GitHub's rate-limit answers (wire reference §3 "Rate limits"): which errors are rate
 * limits, and how long to wait before the next attempt.
 */

/** Response headers, lower-cased names. */
export type ResponseHeaders = Readonly<Record<string, string | undefined>>;

/** GitHub's advice for a secondary limit that names no wait: at least one minute. */
export const SECONDARY_LIMIT_DEFAULT_WAIT_SECONDS = 60;

/**
 * True for a primary or secondary rate-limit answer: any 429, or a 403 that says so through
 * `x-ratelimit-remaining: 0`, a `retry-after` header or its message. (A 403 for a missing
 * permission has none of these.)
 */
export function isRateLimited(status: number, headers: ResponseHeaders, message: string): boolean {
  if (status === 429) return true;
  if (status !== 403) return false;
  return headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined || /rate limit/i.test(message);
}

function parseRetryAfter(value: string, nowMs: number): number | undefined {
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  // RFC 9110 also allows an HTTP-date; GitHub sends seconds, proxies in front of GHES may not.
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/**
 * Seconds to wait after a rate-limit answer: `retry-after` when given; else, with
 * `x-ratelimit-remaining: 0`, until `x-ratelimit-reset` (epoch seconds; at least 1 s, since the
 * window ends on a second boundary); else one minute, as GitHub advises for secondary limits.
 */
export function rateLimitWaitSeconds(headers: ResponseHeaders, nowMs: number): number {
  const retryAfter = headers['retry-after'];
  const fromRetryAfter = retryAfter === undefined ? undefined : parseRetryAfter(retryAfter, nowMs);
  if (fromRetryAfter !== undefined) return fromRetryAfter;
  const reset = Number(headers['x-ratelimit-reset']);
  if (headers['x-ratelimit-remaining'] === '0' && Number.isFinite(reset) && reset > 0) {
    return Math.max(1, Math.ceil(reset - nowMs / 1000));
  }
  return SECONDARY_LIMIT_DEFAULT_WAIT_SECONDS;
}
