/**
 * The limiter's shared state in PostgreSQL (table connector_rate_limits, one row per tenant
 * and connector). Every decision is ONE statement that locks that row: INSERT ... ON CONFLICT
 * DO UPDATE takes the row lock (waiting for a concurrent caller in any process to commit), then
 * computes the refill, the live leases and the verdict from the row as it now is, on the
 * database's clock (clock_timestamp(), read after the lock, so a caller that waited for the
 * lock does not decide with a stale "now"). Workers' own clocks never enter the arithmetic.
 */
import { isUuid, type Queryable } from '../db/queryable';
import type { RateLimitReason } from './errors';
import { rateLimitConnectorPattern, type ConnectorLimits } from './limits';

/** Whose budget a call draws from. */
export interface LimiterKey {
  /** The tenant's id (a UUID). */
  tenantId: string;
  /** The connector id, e.g. `servicenow`. */
  connector: string;
}

/** A concurrency lease to take with the token. */
export interface LeaseRequest {
  /** Unique per call (a random UUID). */
  id: string;
  /** The lease lapses this long after it was granted unless released first. */
  ttlMs: number;
}

/** The verdict of {@link tryAcquire}. */
export type AcquireResult =
  | { granted: true }
  | {
    granted: false;
    reason: RateLimitReason;
    /**
     * Milliseconds until the call could go: until a token has refilled (`rate`), until the
     * provider's pause is over and a token is back (`provider`), or until the earliest lease
     * lapses, an upper bound since leases are normally released sooner (`concurrency`).
     */
    waitMs: number;
  };

/** Longest provider pause honoured; a bogus header must not block a tenant indefinitely. */
export const MAX_PROVIDER_PAUSE_SECONDS = 3600;

/** Throws a TypeError for a key the table cannot hold (a programming error, not a limit). */
export function assertLimiterKey(key: LimiterKey): void {
  if (!isUuid(key.tenantId)) throw new TypeError('rate limiter: tenantId must be a UUID');
  if (!rateLimitConnectorPattern.test(key.connector)) throw new TypeError(`rate limiter: "${key.connector}" is not a connector id`);
}

// Parameters: $1 tenant, $2 connector, $3 requests per second, $4 burst, $5 max concurrent,
// $6 lease id, $7 lease ttl (ms).
// - First call for a key: the INSERT creates a full bucket minus the token taken, with the lease.
// - Otherwise, in the conflict branch (row locked), innermost first: `c` reads the clock once;
//   `s` refills the bucket (capped at burst; never negative, should refilled_at lie in the
//   future after a throttle), drops lapsed leases and checks the provider's pause; `d` decides.
//   A denied call changes nothing but the refill bookkeeping, so it never holds a token or a
//   lease it did not get.
// RETURNING sees only the new row: `granted` is whether our lease id made it into the lease set.
const ACQUIRE_SQL = `
INSERT INTO connector_rate_limits AS b (tenant_id, connector, tokens, refilled_at, updated_at, leases)
SELECT $1, $2, $4::float8 - 1, c.t, c.t, jsonb_build_object($6::text, extract(epoch FROM c.t)::float8 * 1000 + $7::float8)
FROM (SELECT clock_timestamp() AS t) c
ON CONFLICT (tenant_id, connector) DO UPDATE SET (tokens, refilled_at, updated_at, leases) = (
  SELECT CASE WHEN d.ok THEN d.avail - 1 ELSE d.avail END,
         GREATEST(b.refilled_at, d.t),
         d.t,
         CASE WHEN d.ok THEN d.live || jsonb_build_object($6::text, d.t_ms + $7::float8) ELSE d.live END
  FROM (
    SELECT s.*, (s.avail >= 1 AND NOT s.blocked AND (SELECT count(*) FROM jsonb_object_keys(s.live)) < $5::int) AS ok
    FROM (
      SELECT c.t, c.t_ms,
             LEAST($4::float8, b.tokens + $3::float8 * GREATEST(0, extract(epoch FROM (c.t - b.refilled_at))::float8)) AS avail,
             COALESCE(b.blocked_until > c.t, false) AS blocked,
             (SELECT COALESCE(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
                FROM jsonb_each(b.leases) e WHERE (e.value)::float8 > c.t_ms) AS live
      FROM (SELECT t, extract(epoch FROM t)::float8 * 1000 AS t_ms FROM (SELECT clock_timestamp() AS t) c0) c
    ) s
  ) d
)
RETURNING b.leases ? $6::text AS granted,
          b.tokens,
          extract(epoch FROM b.refilled_at)::float8 * 1000 AS refilled_ms,
          extract(epoch FROM b.updated_at)::float8 * 1000 AS now_ms,
          extract(epoch FROM b.blocked_until)::float8 * 1000 AS blocked_ms,
          (SELECT min((e.value)::float8) FROM jsonb_each(b.leases) e) AS earliest_lease_ms`;

interface AcquireRow {
  granted: boolean;
  tokens: number;
  refilled_ms: number;
  now_ms: number;
  blocked_ms: number | null;
  earliest_lease_ms: number | null;
}

function waitFrom(row: AcquireRow, requestsPerSecond: number): { reason: RateLimitReason; waitMs: number } {
  // Time until the bucket holds a whole token again (refilled_at may be after now: see noteThrottled).
  const tokenWait = Math.max(0, row.refilled_ms - row.now_ms) + (Math.max(0, 1 - row.tokens) / requestsPerSecond) * 1000;
  let verdict: { reason: RateLimitReason; waitMs: number };
  if (row.blocked_ms !== null && row.blocked_ms > row.now_ms) {
    verdict = { reason: 'provider', waitMs: Math.max(row.blocked_ms - row.now_ms, tokenWait) };
  } else if (row.tokens < 1) {
    verdict = { reason: 'rate', waitMs: tokenWait };
  } else {
    verdict = { reason: 'concurrency', waitMs: Math.max(0, (row.earliest_lease_ms ?? row.now_ms) - row.now_ms) };
  }
  return { reason: verdict.reason, waitMs: Math.max(1, Math.ceil(verdict.waitMs)) };
}

/**
 * Atomically takes one token and one concurrency lease for `key`, or neither. When the provider
 * has asked for a pause, the bucket is empty or the lease set is full, says why and how long
 * to wait. The caller must {@link releaseLease} a granted lease when its call ends.
 */
export async function tryAcquire(db: Queryable, key: LimiterKey, limits: ConnectorLimits, lease: LeaseRequest): Promise<AcquireResult> {
  assertLimiterKey(key);
  const { rows } = await db.query<AcquireRow>(ACQUIRE_SQL, [
    key.tenantId, key.connector, limits.requestsPerSecond, limits.burst, limits.maxConcurrent, lease.id, lease.ttlMs,
  ]);
  const row = rows[0];
  if (!row) throw new Error('rate limiter: acquire returned no row');
  if (row.granted) return { granted: true };
  return { granted: false, ...waitFrom(row, limits.requestsPerSecond) };
}

/** Ends a lease early (the call finished). Releasing a lease that lapsed already is a no-op. */
export async function releaseLease(db: Queryable, key: LimiterKey, leaseId: string): Promise<void> {
  assertLimiterKey(key);
  await db.query(
    'UPDATE connector_rate_limits SET leases = leases - $3::text WHERE tenant_id = $1 AND connector = $2 AND leases ? $3::text',
    [key.tenantId, key.connector, leaseId],
  );
}

// The pause only ever grows (a shorter Retry-After from a later answer must not cut an earlier,
// longer one short). The bucket is emptied and set to start refilling when the pause ends, so
// the workers resume at the sustained rate instead of all spending a full burst at once and
// getting throttled again.
const THROTTLE_SQL = `
INSERT INTO connector_rate_limits AS b (tenant_id, connector, tokens, refilled_at, updated_at, blocked_until)
SELECT $1, $2, 0, c.t + make_interval(secs => $3::float8), c.t, c.t + make_interval(secs => $3::float8)
FROM (SELECT clock_timestamp() AS t) c
ON CONFLICT (tenant_id, connector) DO UPDATE SET
  blocked_until = GREATEST(b.blocked_until, excluded.blocked_until),
  tokens = 0,
  refilled_at = GREATEST(b.refilled_at, excluded.blocked_until),
  updated_at = excluded.updated_at
RETURNING blocked_until`;

/**
 * Records a provider's "do not call before now + retryAfterSeconds" (a 429 Retry-After or a
 * rate-limit reset header) for every worker. Negative or non-finite values count as 0; values
 * above {@link MAX_PROVIDER_PAUSE_SECONDS} are capped. Returns the pause's end.
 */
export async function recordProviderThrottle(db: Queryable, key: LimiterKey, retryAfterSeconds: number): Promise<Date> {
  assertLimiterKey(key);
  const seconds = Number.isFinite(retryAfterSeconds) ? Math.min(Math.max(0, retryAfterSeconds), MAX_PROVIDER_PAUSE_SECONDS) : 0;
  const { rows } = await db.query<{ blocked_until: Date }>(THROTTLE_SQL, [key.tenantId, key.connector, seconds]);
  const row = rows[0];
  if (!row) throw new Error('rate limiter: throttle returned no row');
  return row.blocked_until;
}
