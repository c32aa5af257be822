/**
 * Route tokens: the opaque secret in a tenant's inbound URLs (/webhooks/servicenow/<token>).
 * Only the SHA-256 of a token is stored, so a database dump does not reveal working URLs.
 * A token stops resolving when revoked or once its `expires_at` (set by a rotation) has passed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { isUuid, type Queryable } from './queryable';

/** What a route token resolves to. */
export interface RouteTarget {
  tenantId: string;
  connector: string;
}

/** 32 random bytes, base64url without padding. */
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

/** SHA-256 (hex) of a token: its primary key. A fast hash suffices: tokens carry 256 bits of entropy. */
export function hashRouteToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Issues a new token for a tenant's connector and returns it; this is the only time it is seen. */
export async function issueRouteToken(db: Queryable, tenantId: string, connector: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.query('INSERT INTO route_tokens (token_hash, tenant_id, connector) VALUES ($1, $2, $3)', [hashRouteToken(token), tenantId, connector]);
  return token;
}

/** The tenant and connector of a live token; undefined for unknown, malformed, revoked or expired ones. */
export async function resolveRouteToken(db: Queryable, token: string): Promise<RouteTarget | undefined> {
  // Anything else cannot have been issued here: answer without a query.
  if (!tokenPattern.test(token)) return undefined;
  // Expiry is judged on the database's clock, the one rotateRouteToken set it with.
  const { rows } = await db.query<{ tenant_id: string; connector: string }>(
    `SELECT tenant_id, connector FROM route_tokens
     WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
    [hashRouteToken(token)],
  );
  const row = rows[0];
  return row ? { tenantId: row.tenant_id, connector: row.connector } : undefined;
}

/** Revokes one token; true when it was live. */
export async function revokeRouteToken(db: Queryable, token: string): Promise<boolean> {
  if (!tokenPattern.test(token)) return false;
  const { rowCount } = await db.query('UPDATE route_tokens SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL', [hashRouteToken(token)]);
  return (rowCount ?? 0) > 0;
}

/** Revokes every live token of a tenant's connector (rotation); returns how many. */
export async function revokeAllRouteTokens(db: Queryable, tenantId: string, connector: string): Promise<number> {
  if (!isUuid(tenantId)) return 0;
  const { rowCount } = await db.query(
    'UPDATE route_tokens SET revoked_at = now() WHERE tenant_id = $1 AND connector = $2 AND revoked_at IS NULL',
    [tenantId, connector],
  );
  return rowCount ?? 0;
}

/** The outcome of {@link rotateRouteToken}. */
export interface RouteTokenRotation {
  /** The new token; this is the only time it is seen. */
  token: string;
  /** How many live tokens were given an expiry (or expired at once, for a zero overlap). */
  replaced: number;
  /** When the replaced tokens stop working; null when there were none. */
  previousExpireAt: Date | null;
}

/**
 * Issues a new token for a tenant's connector and lets the live ones run out after
 * `overlapSeconds` (0: at once), so the sender can be switched to the new URL without losing
 * deliveries. A token that already expires sooner keeps its earlier expiry. One statement, so
 * it is atomic: there is never a moment with the old tokens cut short and no new one.
 */
export async function rotateRouteToken(db: Queryable, tenantId: string, connector: string, overlapSeconds: number): Promise<RouteTokenRotation> {
  if (!isUuid(tenantId)) throw new TypeError('rotateRouteToken: tenantId must be a UUID');
  if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0) throw new RangeError('rotateRouteToken: overlapSeconds must be a non-negative integer');
  const token = randomBytes(32).toString('base64url');
  // Both parts of a statement see the same snapshot: the UPDATE cannot catch the new row.
  const { rows } = await db.query<{ replaced: number; previous_expire_at: Date | null }>(
    `WITH expiring AS (
       UPDATE route_tokens
       SET expires_at = LEAST(COALESCE(expires_at, 'infinity'::timestamptz), now() + make_interval(secs => $3::int))
       WHERE tenant_id = $1 AND connector = $2 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
       RETURNING expires_at
     ), issued AS (
       INSERT INTO route_tokens (token_hash, tenant_id, connector) VALUES ($4, $1, $2) RETURNING token_hash
     )
     SELECT (SELECT count(*) FROM expiring)::int AS replaced,
            (SELECT max(expires_at) FROM expiring) AS previous_expire_at,
            (SELECT count(*) FROM issued)::int AS issued`,
    [tenantId, connector, overlapSeconds, hashRouteToken(token)],
  );
  const row = rows[0];
  return { token, replaced: row?.replaced ?? 0, previousExpireAt: row?.previous_expire_at ?? null };
}
