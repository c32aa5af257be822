/**
 * The limiter activities wrap their provider calls in: `run(key, fn)` charges the call to every
 * bucket that applies to it (buckets.ts: the connector's, and for Slack the method's or the
 * channel's), in one database statement (limiter-store.ts), sits out short waits in-process,
 * and fails fast with a {@link RateLimitedError} when the wait is long, leaving the wait to
 * Temporal's retry (nextRetryDelay) rather than holding a worker slot.
 *
 * Database cost per call on the common path: one statement. The tenant's overrides come with
 * the call (`options.settings`, from the tenant context the activity already loaded) instead of
 * a lookup per call; a concurrency lease is released without a statement of its own
 * (release-batch.ts); buckets without a cap (Slack's) take no lease at all.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Queryable } from '../db/queryable';
import { bucketsFor, throttledBucketKey, type LimitBucket } from './buckets';
import { realClock, type LimiterClock } from './clock';
import { RateLimitedError } from './errors';
import { assertLimiterKey, type LimiterKey } from './limiter-key';
import { recordProviderThrottle, releaseLeases, tryAcquire, type AcquireResult } from './limiter-store';
import type { RateLimitSettings } from './limits';
import { providerRetryAfterSeconds } from './provider-throttle';
import { DEFAULT_RELEASE_FLUSH_MS, ReleaseBatch } from './release-batch';
import { WaitingLine } from './waiting-line';

/** Default for {@link LimiterConfig.maxInlineWaitMs}. */
export const DEFAULT_MAX_INLINE_WAIT_MS = 2_000;
/** Default for {@link LimiterConfig.leaseTtlMs}: well above the connector clients' 15 s timeouts. */
export const DEFAULT_LEASE_TTL_MS = 60_000;
/**
 * While a concurrency cap is reached there is no telling when a lease will be released, so
 * an in-process wait re-checks this often (and a thrown error asks for at most
 * {@link CONCURRENCY_RETRY_MS}, or less when the earliest lease lapses sooner).
 */
export const CONCURRENCY_POLL_MS = 100;
/** Upper bound of retryAfterMs for a `concurrency` denial. */
export const CONCURRENCY_RETRY_MS = 1_000;

/** How a limiter behaves; every field is optional. */
export interface LimiterConfig {
  /**
   * The tenant's overrides of the built-in limits (e.g. read from its settings), for calls that
   * do not bring them (`RunOptions.settings`); consulted on every such run so that edits apply
   * without a restart. Defaults to none.
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
   * How long a finished lease may wait to be dropped by a later call of this process before it
   * is sent in a batch of its own (see release-batch.ts). Default 100.
   */
  releaseFlushMs?: number;
  /**
   * Seconds the provider asked to wait when a call's error is a throttling answer, else
   * undefined; such a pause is shared with every worker. Default {@link providerRetryAfterSeconds}.
   */
  providerRetryAfter?: (error: unknown) => number | undefined;
  /** Where to warn about leases that could not be released (they will lapse on their own). */
  log?: Logger;
}

/** Per-call options of {@link ConnectorLimiter.run}. */
export interface RunOptions {
  /**
   * The tenant's overrides as the caller already has them (its loaded tenant settings; `{}` for
   * none). Given, the limiter does not ask `tenantLimits`, which may cost a lookup per call.
   */
  settings?: RateLimitSettings;
}

/** Limits calls to customers' SaaS instances, per tenant, connector and operation, across all workers. */
export interface ConnectorLimiter {
  /**
   * Runs `fn` once every bucket `key` is charged to has a token (and a lease where it has a
   * cap), releasing the leases when it settles. Throws {@link RateLimitedError} (without
   * calling `fn`) when the wait would exceed `maxInlineWaitMs`. When `fn` fails with a provider
   * throttling answer, the pause is recorded on the call's most specific bucket (a Slack 429
   * for chat.update pauses chat.update only) for all workers before the error is rethrown unchanged.
   */
  run<T>(key: LimiterKey, fn: () => Promise<T>, options?: RunOptions): Promise<T>;
  /**
   * Records "do not call before now + retryAfterSeconds" for every worker (429 Retry-After,
   * reset headers), on the most specific bucket of `key`: the connector's when `key` names no
   * operation.
   */
  noteThrottled(key: LimiterKey, retryAfterSeconds: number): Promise<void>;
  /** The buckets `run` charges `key` to, with their limits (the defaults with the tenant's overrides). */
  bucketsFor(key: LimiterKey, options?: RunOptions): Promise<LimitBucket[]>;
  /** Sends the releases of finished leases still pending (e.g. before shutting down). */
  flush(): Promise<void>;
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
  return new RateLimitedError(retryAfterMs, denial.reason, connector, denial.bucket);
}

/**
 * For a caller that ran out of inline budget in the line: the front's last denial, plus, when
 * tokens are what is scarce, one refill interval of the refusing bucket per caller still ahead.
 */
function queuedTooLong(denial: Denial, ahead: number, buckets: readonly LimitBucket[], connector: string): RateLimitedError {
  if (denial.reason === 'concurrency') return errorFor(denial, connector);
  const rate = buckets.find((b) => b.key === denial.bucket)?.limits.requestsPerSecond ?? Math.min(...buckets.map((b) => b.limits.requestsPerSecond));
  const behindOthers = Math.ceil((ahead * 1000) / rate);
  return new RateLimitedError(denial.waitMs + behindOthers, denial.reason, connector, denial.bucket);
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
  const releaseFlushMs = nonNegativeInteger(config.releaseFlushMs, DEFAULT_RELEASE_FLUSH_MS, 'releaseFlushMs');
  const providerRetryAfter = config.providerRetryAfter ?? providerRetryAfterSeconds;
  const releases = new ReleaseBatch((batch) => releaseLeases(pool, batch), releaseFlushMs, (err) => {
    // Failing a call over this would make Temporal repeat a provider call that already happened;
    // the leases lapse after leaseTtlMs anyway, only briefly costing concurrency slots.
    config.log?.warn({ err }, 'could not release rate-limit leases; they will lapse');
  });

  const resolveBuckets = async (key: LimiterKey, options?: RunOptions): Promise<LimitBucket[]> => {
    const settings = options?.settings ?? (config.tenantLimits ? await config.tenantLimits(key.tenantId) : undefined);
    return bucketsFor(key, settings);
  };

  const noteThrottled = async (key: LimiterKey, retryAfterSeconds: number): Promise<void> => {
    assertLimiterKey(key);
    await recordProviderThrottle(pool, key.tenantId, throttledBucketKey(key), retryAfterSeconds);
  };

  /** One statement: drop this process's finished leases on these rows, then try to take. */
  const attempt = async (tenantId: string, buckets: LimitBucket[], leaseId: string): Promise<AcquireResult> => {
    const keys = buckets.map((b) => b.key);
    const releasing = releases.take(tenantId, keys);
    try {
      return await tryAcquire(pool, tenantId, buckets, { id: leaseId, ttlMs: leaseTtlMs }, releasing);
    } catch (err) {
      releases.restore(tenantId, keys, releasing);
      throw err;
    }
  };

  const line = new WaitingLine();
  /** The latest denial the front of each line saw: what callers giving up behind it report. */
  const lastDenial = new Map<string, Denial>();

  /**
   * Takes tokens (and leases), waiting up to the inline budget; throws RateLimitedError past it.
   * Returns the buckets holding a lease. The first attempt goes straight to the database; only
   * callers that must wait queue up, one line per set of buckets.
   */
  const acquire = async (key: LimiterKey, buckets: LimitBucket[], leaseId: string): Promise<string[]> => {
    const started = clock.now();
    const remaining = (): number => maxInlineWaitMs - (clock.now() - started);

    const first = await attempt(key.tenantId, buckets, leaseId);
    if (first.granted) return first.leased;
    if (pauseFor(first) > remaining()) throw errorFor(first, key.connector);

    const lineKey = `${key.tenantId}/${buckets.map((b) => b.key).join('|')}`;
    const turn = await line.enter(lineKey, remaining());
    if (!turn.reached) throw queuedTooLong(lastDenial.get(lineKey) ?? first, turn.ahead, buckets, key.connector);
    try {
      for (;;) {
        const verdict = await attempt(key.tenantId, buckets, leaseId);
        if (verdict.granted) return verdict.leased;
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

  const run = async <T>(key: LimiterKey, fn: () => Promise<T>, options?: RunOptions): Promise<T> => {
    assertLimiterKey(key);
    const buckets = await resolveBuckets(key, options);
    const leaseId = randomUUID();
    let leased: string[];
    try {
      leased = await acquire(key, buckets, leaseId);
    } catch (err) {
      // A database error may have come after the grant was committed (a dropped connection):
      // give back any lease it took rather than leave it to lapse. A RateLimitedError holds none.
      if (!(err instanceof RateLimitedError)) {
        releases.add(key.tenantId, buckets.filter((b) => b.limits.maxConcurrent !== undefined).map((b) => b.key), leaseId);
      }
      throw err;
    }
    try {
      return await fn();
    } catch (err) {
      const seconds = providerRetryAfter(err);
      if (seconds !== undefined) {
        // Best effort: the provider's own error is what the caller must see.
        await noteThrottled(key, seconds).catch((noteErr: unknown) => {
          config.log?.warn({ err: noteErr, connector: key.connector }, 'could not record provider throttling');
        });
      }
      throw err;
    } finally {
      releases.add(key.tenantId, leased, leaseId);
    }
  };

  return { run, noteThrottled, bucketsFor: resolveBuckets, flush: () => releases.flush() };
}
