/**
 * The limiter activities wrap their provider calls in: `run(key, fn)` takes a token and a
 * concurrency lease from the shared state in PostgreSQL, sits out short waits in-process,
 * and fails fast with a {@link RateLimitedError} when the wait is long, leaving the wait to
 * Temporal's retry (nextRetryDelay) rather than holding a worker slot.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Queryable } from '../db/queryable';
import { realClock, type LimiterClock } from './clock';
import { RateLimitedError } from './errors';
import { assertLimiterKey, recordProviderThrottle, releaseLease, tryAcquire, type AcquireResult, type LimiterKey } from './limiter-store';
import { limitsFor, type ConnectorLimits, type RateLimitSettings } from './limits';
import { providerRetryAfterSeconds } from './provider-throttle';
import { WaitingLine } from './waiting-line';

/** Default for {@link LimiterConfig.maxInlineWaitMs}. */
export const DEFAULT_MAX_INLINE_WAIT_MS = 2_000;
/** Default for {@link LimiterConfig.leaseTtlMs}: well above the connector clients' 15 s timeouts. */
export const DEFAULT_LEASE_TTL_MS = 60_000;
/**
 * While the concurrency cap is reached there is no telling when a lease will be released, so
 * an in-process wait re-checks this often (and a thrown error asks for at most
 * {@link CONCURRENCY_RETRY_MS}, or less when the earliest lease lapses sooner).
 */
export const CONCURRENCY_POLL_MS = 100;
/** Upper bound of retryAfterMs for a `concurrency` denial. */
export const CONCURRENCY_RETRY_MS = 1_000;

/** How a limiter behaves; every field is optional. */
export interface LimiterConfig {
  /**
   * The tenant's overrides of the built-in limits (e.g. read from its settings), consulted on
   * every run so that edits apply without a restart. Defaults to none.
   */
  tenantLimits?: (tenantId: string) => RateLimitSettings | undefined | Promise<RateLimitSettings | undefined>;
  /** Longest total in-process wait per run before failing with RateLimitedError; 0 never waits. Default 2000. */
  maxInlineWaitMs?: number;
  /**
   * A lease not released after this long lapses (its holder is presumed dead). Keep it above the
   * longest call: a call still running past it stops counting against the cap. Default 60000.
   */
  leaseTtlMs?: number;
  /**
   * Seconds the provider asked to wait when a call's error is a throttling answer, else
   * undefined; such a pause is shared with every worker. Default {@link providerRetryAfterSeconds}.
   */
  providerRetryAfter?: (error: unknown) => number | undefined;
  /** Where to warn about a lease that could not be released (it will lapse on its own). */
  log?: Logger;
}

/** Limits calls to customers' SaaS instances, per tenant and connector, across all workers. */
export interface ConnectorLimiter {
  /**
   * Runs `fn` once a token and a concurrency lease are available, releasing the lease when it
   * settles. Throws {@link RateLimitedError} (without calling `fn`) when the wait would exceed
   * `maxInlineWaitMs`. When `fn` fails with a provider throttling answer, the pause is recorded
   * for all workers before the error is rethrown unchanged.
   */
  run<T>(key: LimiterKey, fn: () => Promise<T>): Promise<T>;
  /** Records "do not call before now + retryAfterSeconds" for every worker (429 Retry-After, reset headers). */
  noteThrottled(tenantId: string, connector: string, retryAfterSeconds: number): Promise<void>;
  /** The limits `run` applies to `key` (the defaults with the tenant's overrides). */
  limitsFor(key: LimiterKey): Promise<ConnectorLimits>;
}

function nonNegativeInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`rate limiter: ${name} must be a non-negative integer`);
  return value;
}

/** Up to 20 % (at most 50 ms) extra, so callers told the same wait do not all retry at once. */
function withJitter(ms: number): number {
  return ms + Math.random() * Math.min(50, ms * 0.2);
}

type Denial = Extract<AcquireResult, { granted: false }>;

/** How long to sit out a denial in-process before asking again. */
function pauseFor(denial: Denial): number {
  return denial.reason === 'concurrency' ? Math.min(denial.waitMs, CONCURRENCY_POLL_MS) : denial.waitMs;
}

function errorFor(denial: Denial, connector: string): RateLimitedError {
  const retryAfterMs = denial.reason === 'concurrency' ? Math.min(denial.waitMs, CONCURRENCY_RETRY_MS) : denial.waitMs;
  return new RateLimitedError(retryAfterMs, denial.reason, connector);
}

/**
 * For a caller that ran out of inline budget in the line: the front's last denial, plus, when
 * tokens are what is scarce, one refill interval per caller that was still ahead of it.
 */
function queuedTooLong(denial: Denial, ahead: number, limits: ConnectorLimits, connector: string): RateLimitedError {
  if (denial.reason === 'concurrency') return errorFor(denial, connector);
  const behindOthers = Math.ceil((ahead * 1000) / limits.requestsPerSecond);
  return new RateLimitedError(denial.waitMs + behindOthers, denial.reason, connector);
}

/**
 * A limiter over `pool` (any Queryable; it never holds a connection between statements, so it
 * is safe on the embedded database's one-connection pool). `clock` times in-process waits only;
 * the limits are measured on the database's clock.
 */
export function createConnectorLimiter(pool: Queryable, config: LimiterConfig = {}, clock: LimiterClock = realClock): ConnectorLimiter {
  const maxInlineWaitMs = nonNegativeInteger(config.maxInlineWaitMs, DEFAULT_MAX_INLINE_WAIT_MS, 'maxInlineWaitMs');
  const leaseTtlMs = nonNegativeInteger(config.leaseTtlMs, DEFAULT_LEASE_TTL_MS, 'leaseTtlMs');
  if (leaseTtlMs === 0) throw new RangeError('rate limiter: leaseTtlMs must be positive');
  const providerRetryAfter = config.providerRetryAfter ?? providerRetryAfterSeconds;

  const resolveLimits = async (key: LimiterKey): Promise<ConnectorLimits> =>
    limitsFor(key.connector, config.tenantLimits ? await config.tenantLimits(key.tenantId) : undefined);

  const noteThrottled = async (tenantId: string, connector: string, retryAfterSeconds: number): Promise<void> => {
    await recordProviderThrottle(pool, { tenantId, connector }, retryAfterSeconds);
  };

  const line = new WaitingLine();
  /** The latest denial the front of each line saw: what callers giving up behind it report. */
  const lastDenial = new Map<string, Denial>();

  /**
   * Takes a token and a lease, waiting up to the inline budget; throws RateLimitedError past it.
   * The first attempt goes straight to the database; only callers that must wait queue up.
   */
  const acquire = async (key: LimiterKey, limits: ConnectorLimits, leaseId: string): Promise<void> => {
    const started = clock.now();
    const remaining = (): number => maxInlineWaitMs - (clock.now() - started);
    const attempt = (): Promise<AcquireResult> => tryAcquire(pool, key, limits, { id: leaseId, ttlMs: leaseTtlMs });

    const first = await attempt();
    if (first.granted) return;
    if (pauseFor(first) > remaining()) throw errorFor(first, key.connector);

    const lineKey = `${key.tenantId}/${key.connector}`;
    const turn = await line.enter(lineKey, remaining());
    if (!turn.reached) throw queuedTooLong(lastDenial.get(lineKey) ?? first, turn.ahead, limits, key.connector);
    try {
      for (;;) {
        const verdict = await attempt();
        if (verdict.granted) return;
        lastDenial.set(lineKey, verdict);
        const pause = pauseFor(verdict);
        if (pause > remaining()) throw errorFor(verdict, key.connector);
        await clock.sleep(withJitter(pause));
      }
    } finally {
      // The last one out forgets the line's denial, so a later line never reports a stale one.
      if (line.length(lineKey) === 1) lastDenial.delete(lineKey);
      turn.leave();
    }
  };

  const release = async (key: LimiterKey, leaseId: string): Promise<void> => {
    try {
      await releaseLease(pool, key, leaseId);
    } catch (err) {
      // Failing the call here would make Temporal repeat a provider call that already happened;
      // the lease lapses after leaseTtlMs anyway, only briefly costing one concurrency slot.
      config.log?.warn({ err, connector: key.connector, tenantId: key.tenantId }, 'could not release rate-limit lease; it will lapse');
    }
  };

  const run = async <T>(key: LimiterKey, fn: () => Promise<T>): Promise<T> => {
    assertLimiterKey(key);
    const limits = await resolveLimits(key);
    const leaseId = randomUUID();
    try {
      await acquire(key, limits, leaseId);
    } catch (err) {
      // A database error may have come after the grant was committed (a dropped connection):
      // give the lease back rather than leave it to lapse. A RateLimitedError holds none.
      if (!(err instanceof RateLimitedError)) await release(key, leaseId);
      throw err;
    }
    try {
      return await fn();
    } catch (err) {
      const seconds = providerRetryAfter(err);
      if (seconds !== undefined) {
        // Best effort: the provider's own error is what the caller must see.
        await noteThrottled(key.tenantId, key.connector, seconds).catch((noteErr: unknown) => {
          config.log?.warn({ err: noteErr, connector: key.connector }, 'could not record provider throttling');
        });
      }
      throw err;
    } finally {
      await release(key, leaseId);
    }
  };

  return { run, noteThrottled, limitsFor: resolveLimits };
}
