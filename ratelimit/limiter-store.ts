/**
 * The limiter's shared state in PostgreSQL: table connector_rate_limits, one row per tenant and
 * bucket (column `connector` holds the bucket key, e.g. `servicenow` or
 * `slack:chat.postMessage:C0123`; see buckets.ts).
 *
 * Cost: ONE statement per call on the common path. It locks every row the call is charged to
 * (in key order, so callers never deadlock), drops the leases this process finished since its
 * last statement on those rows (releases are folded into the next call instead of costing a
 * statement each; release-batch.ts sends the leftovers in one batched statement), refills the
 * buckets, and takes a token from each (plus a concurrency lease where a bucket has a cap) only
 * if every bucket can give one — all or nothing. The verdict is computed on the database's clock
 * (clock_timestamp(), read after the locks are held, so a caller that waited for a lock does not
 * decide with a stale "now"); workers' own clocks never enter the arithmetic. Only the first
 * call to a bucket that has no row yet costs two more statements (create the row, ask again).
 */
import type { Queryable } from '../db/queryable';
import type { LimitBucket } from './buckets';
import type { RateLimitReason } from './errors';

/** A concurrency lease to take with the tokens. */
export interface LeaseRequest {
  /** Unique per call (a random UUID). */
  id: string;
  /** The lease lapses this long after it was granted unless released first. */
  ttlMs: number;
}

/** The verdict of {@link tryAcquire}. */
export type AcquireResult =
  | {
    granted: true;
    /** Keys of the buckets that hold the call's lease (those with a cap): what to release when it ends. */
    leased: string[];
  }
  | {
    granted: false;
    reason: RateLimitReason;
    /**
     * Milliseconds until the call could go: until a token has refilled (`rate`), until the
     * provider's pause is over and a token is back (`provider`), or until the earliest lease
     * lapses, an upper bound since leases are normally released sooner (`concurrency`).
     */
    waitMs: number;
    /** The bucket whose wait is the longest, i.e. the one holding the call back. */
    bucket: string;
  };

/** A finished lease to drop from one bucket (see {@link releaseLeases}). */
export interface LeaseRelease {
  tenantId: string;
  bucket: string;
  leaseId: string;
}

/** Longest provider pause honoured; a bogus header must not block a tenant indefinitely. */
export const MAX_PROVIDER_PAUSE_SECONDS = 3600;

// Parameters: $1 tenant, $2 bucket keys, $3 rates, $4 bursts, $5 caps (0: none), $6 lease id,
// $7 lease ttl (ms), $8 lease ids this process finished on these rows.
// Innermost first: `locked` takes the row locks in key order; `c` reads the clock once, after
// every lock is held (the aggregate consumes `locked` first); `s` refills each bucket (capped at
// its burst; never negative, should refilled_at lie in the future after a throttle), drops lapsed
// and released leases and checks the provider's pause; `v` grants only if every requested row
// exists and every bucket can give; `upd` writes all rows either way (a denied call changes
// nothing but bookkeeping and the releases, so it never holds a token or lease it did not get).
const ACQUIRE_SQL = `
WITH want AS (
  SELECT w.key, w.rate, w.burst, w.cap
  FROM unnest($2::text[], $3::float8[], $4::float8[], $5::int[]) AS w(key, rate, burst, cap)
), locked AS (
  SELECT b.connector, b.tokens, b.refilled_at, b.blocked_until, b.leases
  FROM connector_rate_limits b
  WHERE b.tenant_id = $1 AND b.connector = ANY ($2::text[])
  ORDER BY b.connector
  FOR UPDATE
), c AS (
  SELECT k.t, extract(epoch FROM k.t)::float8 * 1000 AS t_ms, k.n
  FROM (SELECT clock_timestamp() AS t, n FROM (SELECT count(*) AS n FROM locked) x) k
), s AS (
  SELECT l.connector, w.cap, c.t, c.t_ms,
         LEAST(w.burst, l.tokens + w.rate * GREATEST(0, extract(epoch FROM (c.t - l.refilled_at))::float8)) AS avail,
         COALESCE(l.blocked_until > c.t, false) AS blocked,
         (SELECT COALESCE(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
            FROM jsonb_each(l.leases) e
           WHERE (e.value)::float8 > c.t_ms AND e.key <> ALL ($8::text[])) AS live
  FROM locked l JOIN want w ON w.key = l.connector CROSS JOIN c
), v AS (
  SELECT COALESCE(bool_and(s.avail >= 1 AND NOT s.blocked
                           AND (s.cap = 0 OR (SELECT count(*) FROM jsonb_object_keys(s.live)) < s.cap)), false)
         AND (SELECT n FROM c) = cardinality($2::text[]) AS ok
  FROM s
), upd AS (
  UPDATE connector_rate_limits b SET
    tokens = CASE WHEN v.ok THEN s.avail - 1 ELSE s.avail END,
    refilled_at = GREATEST(b.refilled_at, s.t),
    updated_at = s.t,
    leases = CASE WHEN v.ok AND s.cap > 0 THEN s.live || jsonb_build_object($6::text, s.t_ms + $7::float8) ELSE s.live END
  FROM s CROSS JOIN v
  WHERE b.tenant_id = $1 AND b.connector = s.connector
  RETURNING b.connector AS bucket,
            v.ok AS granted,
            b.tokens,
            extract(epoch FROM b.refilled_at)::float8 * 1000 AS refilled_ms,
            s.t_ms AS now_ms,
            extract(epoch FROM b.blocked_until)::float8 * 1000 AS blocked_ms,
            (SELECT count(*)::int FROM jsonb_object_keys(b.leases)) AS lease_count,
            (SELECT min((e.value)::float8) FROM jsonb_each(b.leases) e) AS earliest_lease_ms
)
SELECT * FROM upd`;

// Missing rows start as full buckets. Keys arrive sorted, so two callers creating the same rows
// insert them in the same order and cannot deadlock on each other's uncommitted inserts.
const CREATE_SQL = `
INSERT INTO connector_rate_limits (tenant_id, connector, tokens, refilled_at, updated_at)
SELECT $1, w.key, w.burst, clock_timestamp(), clock_timestamp()
FROM unnest($2::text[], $3::float8[]) WITH ORDINALITY AS w(key, burst, i)
ORDER BY w.i
ON CONFLICT (tenant_id, connector) DO NOTHING`;

// Rows are locked in (tenant, key) order, the same order every acquire locks its rows in.
const RELEASE_SQL = `
WITH r AS (
  SELECT x.tenant_id, x.connector, array_agg(x.lease_id) AS ids
  FROM unnest($1::uuid[], $2::text[], $3::text[]) AS x(tenant_id, connector, lease_id)
  GROUP BY x.tenant_id, x.connector
), l AS (
  SELECT b.tenant_id, b.connector, r.ids
  FROM connector_rate_limits b JOIN r ON r.tenant_id = b.tenant_id AND r.connector = b.connector
  ORDER BY b.tenant_id, b.connector
  FOR UPDATE OF b
)
UPDATE connector_rate_limits b SET leases = b.leases - l.ids
FROM l
WHERE b.tenant_id = l.tenant_id AND b.connector = l.connector`;

interface AcquireRow {
  bucket: string;
  granted: boolean;
  tokens: number;
  refilled_ms: number;
  now_ms: number;
  blocked_ms: number | null;
  lease_count: number;
  earliest_lease_ms: number | null;
}

type Denial = { reason: RateLimitReason; waitMs: number };

/** Why this bucket would refuse the call and for how long, or undefined if it would not. */
function denialFrom(row: AcquireRow, limits: LimitBucket['limits']): Denial | undefined {
  // Time until the bucket holds a whole token again (refilled_at may be after now: see recordProviderThrottle).
  const tokenWait = Math.max(0, row.refilled_ms - row.now_ms) + (Math.max(0, 1 - row.tokens) / limits.requestsPerSecond) * 1000;
  if (row.blocked_ms !== null && row.blocked_ms > row.now_ms) {
    return { reason: 'provider', waitMs: Math.max(row.blocked_ms - row.now_ms, tokenWait) };
  }
  if (row.tokens < 1) return { reason: 'rate', waitMs: tokenWait };
  if (limits.maxConcurrent !== undefined && row.lease_count >= limits.maxConcurrent) {
    return { reason: 'concurrency', waitMs: Math.max(0, (row.earliest_lease_ms ?? row.now_ms) - row.now_ms) };
  }
  return undefined;
}

/** The longest wait among the buckets that refuse; a provider's pause wins a tie. */
function verdictFrom(rows: AcquireRow[], buckets: readonly LimitBucket[]): Extract<AcquireResult, { granted: false }> {
  let worst: (Denial & { bucket: string }) | undefined;
  for (const row of rows) {
    const bucket = buckets.find((b) => b.key === row.bucket);
    const denial = bucket ? denialFrom(row, bucket.limits) : undefined;
    if (!denial) continue;
    if (!worst || denial.waitMs > worst.waitMs || (denial.waitMs === worst.waitMs && denial.reason === 'provider')) {
      worst = { ...denial, bucket: row.bucket };
    }
  }
  // The rows returned are the ones the database decided on, so some bucket refuses; should
  // floating-point rounding ever hide which, asking again in a millisecond is harmless.
  const { reason, waitMs, bucket } = worst ?? { reason: 'rate' as const, waitMs: 1, bucket: rows[0]?.bucket ?? '' };
  return { granted: false, reason, waitMs: Math.max(1, Math.ceil(waitMs)), bucket };
}

function acquireParams(tenantId: string, buckets: readonly LimitBucket[], lease: LeaseRequest, releasing: readonly string[]): unknown[] {
  return [
    tenantId,
    buckets.map((b) => b.key),
    buckets.map((b) => b.limits.requestsPerSecond),
    buckets.map((b) => b.limits.burst),
    buckets.map((b) => b.limits.maxConcurrent ?? 0),
    lease.id,
    lease.ttlMs,
    [...releasing],
  ];
}

async function createBuckets(db: Queryable, tenantId: string, buckets: readonly LimitBucket[]): Promise<void> {
  const sorted = [...buckets].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  await db.query(CREATE_SQL, [tenantId, sorted.map((b) => b.key), sorted.map((b) => b.limits.burst)]);
}

/**
 * Atomically takes one token from every bucket in `buckets` and a concurrency lease in each
 * bucket with a cap, or nothing at all; on the way drops the leases named in `releasing` from
 * those rows. When a provider has asked for a pause, a bucket is empty or a lease set is full,
 * says why and how long to wait. The caller must release a granted lease (from the buckets in
 * `leased`) once its call ends, e.g. by passing it in `releasing` of a later call. `tenantId`
 * must be a UUID and bucket keys distinct (see assertLimiterKey and bucketsFor).
 */
export async function tryAcquire(
  db: Queryable, tenantId: string, buckets: readonly LimitBucket[], lease: LeaseRequest, releasing: readonly string[] = [],
): Promise<AcquireResult> {
  let { rows } = await db.query<AcquireRow>(ACQUIRE_SQL, acquireParams(tenantId, buckets, lease, releasing));
  if (rows.length < buckets.length) {
    // First call to some bucket: create its row full, then decide (once) with every row present.
    await createBuckets(db, tenantId, buckets.filter((b) => !rows.some((r) => r.bucket === b.key)));
    ({ rows } = await db.query<AcquireRow>(ACQUIRE_SQL, acquireParams(tenantId, buckets, lease, releasing)));
    if (rows.length < buckets.length) throw new Error('rate limiter: bucket rows missing after creating them');
  }
  if (rows[0]?.granted) return { granted: true, leased: buckets.filter((b) => b.limits.maxConcurrent !== undefined).map((b) => b.key) };
  return verdictFrom(rows, buckets);
}

/**
 * Drops finished leases, in one statement however many tenants and buckets they are spread
 * over. Dropping a lease that lapsed already (or was dropped) is a no-op.
 */
export async function releaseLeases(db: Queryable, releases: readonly LeaseRelease[]): Promise<void> {
  if (releases.length === 0) return;
  await db.query(RELEASE_SQL, [releases.map((r) => r.tenantId), releases.map((r) => r.bucket), releases.map((r) => r.leaseId)]);
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
 * rate-limit reset header) on one bucket, for every worker. Negative or non-finite values count
 * as 0; values above {@link MAX_PROVIDER_PAUSE_SECONDS} are capped. Returns the pause's end.
 */
export async function recordProviderThrottle(db: Queryable, tenantId: string, bucket: string, retryAfterSeconds: number): Promise<Date> {
  const seconds = Number.isFinite(retryAfterSeconds) ? Math.min(Math.max(0, retryAfterSeconds), MAX_PROVIDER_PAUSE_SECONDS) : 0;
  const { rows } = await db.query<{ blocked_until: Date }>(THROTTLE_SQL, [tenantId, bucket, seconds]);
  const row = rows[0];
  if (!row) throw new Error('rate limiter: throttle returned no row');
  return row.blocked_until;
}
