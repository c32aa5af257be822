/**
 * A few quick in-process retries for the identity lookups of the self-approval check. They run
 * inside an activity that Temporal retries too, but a lookup that blips (a 503, a dropped
 * connection) should not cost the whole planning activity — ServiceNow reads included — a
 * retry. Only transient trouble is retried, and never for longer than the budget: a provider
 * asking for a longer wait (Retry-After) gets the error back at once, so Temporal's retry,
 * which honours the wait, takes over. Anything else is not retried and propagates unchanged.
 */
import { ErrorCode, type WebAPIHTTPError, type WebAPIPlatformError, type WebAPIRateLimitedError } from '@slack/web-api';
import { ServiceNowApiError } from './servicenow/errors';
import { RateLimitedError } from '../ratelimit';

/** Slack `error` codes that say "try again later" rather than "this request is wrong". */
export const retryableSlackErrors: ReadonlySet<string> = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

export interface RetryOptions {
  /** Waits before the 2nd, 3rd… attempt; one more attempt than there are waits. */
  delaysMs?: readonly number[];
  /** Most time spent waiting in all; a provider's Retry-After that does not fit is not waited for. */
  budgetMs?: number;
  /** Injected by tests so they need not wait. */
  sleep?: (ms: number) => Promise<void>;
}

/** Three attempts within about a second (plus the calls themselves). */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [200, 600];
/** Well under the planning activity's timeouts, and short enough that a caller barely notices. */
export const DEFAULT_RETRY_BUDGET_MS = 1_500;

function slackCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = (err as { code: unknown }).code;
  return typeof code === 'string' && code.startsWith('slack_') ? code : undefined;
}

/**
 * How long to wait before trying again (0: no particular wait), or undefined when `err` is not
 * transient: ServiceNow or Slack throttling, a 5xx, a network failure, or our own outbound
 * limiter holding the call back.
 */
export function transientWaitMs(err: unknown): number | undefined {
  if (err instanceof ServiceNowApiError) return err.retryable ? (err.retryAfterSeconds ?? 0) * 1000 : undefined;
  if (err instanceof RateLimitedError) return err.retryAfterMs;
  switch (slackCode(err)) {
    case ErrorCode.RequestError:
      return 0;
    case ErrorCode.RateLimitedError:
      return (err as WebAPIRateLimitedError).retryAfter * 1000;
    case ErrorCode.HTTPError: {
      const status = (err as WebAPIHTTPError).statusCode;
      return status === 429 || status >= 500 ? 0 : undefined;
    }
    case ErrorCode.PlatformError:
      return retryableSlackErrors.has((err as WebAPIPlatformError).data.error) ? 0 : undefined;
    default:
      return undefined;
  }
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `call()`, tried again after each of `delaysMs` (or the provider's longer wait, within the budget) while it fails transiently; the last error otherwise. */
export async function retryTransient<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const delays = options.delaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const budget = options.budgetMs ?? DEFAULT_RETRY_BUDGET_MS;
  const sleep = options.sleep ?? realSleep;
  let waited = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const wait = transientWaitMs(err);
      const delay = delays[attempt];
      // Not transient, out of attempts, or asked to wait longer than this retry is meant to.
      if (wait === undefined || delay === undefined) throw err;
      const pause = Math.max(delay, wait);
      if (waited + pause > budget) throw err;
      waited += pause;
      await sleep(pause);
    }
  }
}
