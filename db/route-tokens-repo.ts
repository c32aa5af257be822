/**
 * Route tokens: the opaque secret in a tenant's inbound URLs (/webhooks/servicenow/<token>).
 * Only the SHA-256 of a token is stored, so a database dump does not reveal working URLs.
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

/** The tenant and connector of a live token; undefined for unknown, malformed or revoked ones. */
export async function resolveRouteToken(db: Queryable, token: string): Promise<RouteTarget | undefined> {
  // Anything else cannot have been issued here: answer without a query.
  if (!tokenPattern.test(token)) return undefined;
  const { rows } = await db.query<{ tenant_id: string; connector: string }>(
    'SELECT tenant_id, connector FROM route_tokens WHERE token_hash = $1 AND revoked_at IS NULL',
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
