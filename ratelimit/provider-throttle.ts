/**
 * Recognises a provider's "slow down" answer among connector errors, so the limiter can share
 * it with every worker (noteThrottled) instead of only the call that received it backing off.
 * Duck-typed, so this module needs none of the connector packages.
 */

/** Pause assumed when a provider throttles without saying for how long. */
export const DEFAULT_PROVIDER_PAUSE_SECONDS = 1;

/** @slack/web-api's ErrorCode.RateLimitedError. */
const SLACK_RATE_LIMITED = 'slack_webapi_rate_limited_error';

function numberField(err: object, field: string): number | undefined {
  const value: unknown = (err as Record<string, unknown>)[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * Seconds the provider asked Gatehouse to wait when `err` is a throttling answer, else
 * undefined. Knows ServiceNowApiError and GitHubApiError (`code: 'rate_limited'`,
 * `retryAfterSeconds`, which GitHub derives from Retry-After or x-ratelimit-reset) and the
 * Slack Web API's rate-limited error (`retryAfter` in seconds).
 */
export function providerRetryAfterSeconds(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code: unknown = err.code;
  if (code === 'rate_limited') return numberField(err, 'retryAfterSeconds') ?? DEFAULT_PROVIDER_PAUSE_SECONDS;
  if (code === SLACK_RATE_LIMITED) return numberField(err, 'retryAfter') ?? DEFAULT_PROVIDER_PAUSE_SECONDS;
  return undefined;
}
