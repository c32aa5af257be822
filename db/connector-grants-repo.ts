/**
 * Tokens a provider issued for a tenant's connector (migration 0015), sealed under the tenant's
 * data key, with the generation and lease that let many processes share one refresh. Tokens are
 * opened only by {@link readGrant}, for the code about to use them; nothing here logs them.
 */
import { isUuid, type Queryable } from './queryable';
import type { SecretBox } from './secret-box';
import { currentDataKey, dataKeyById } from './tenant-data-keys-repo';
import { notifyTenantChanged } from './tenant-changes';

export type GrantType = 'authorization_code' | 'client_credentials';
export type GrantStatus = 'active' | 'needs_reauthorization';

/** A grant with its tokens opened. */
export interface StoredGrant {
  tenantId: string;
  connectorId: string;
  grantType: GrantType;
  status: GrantStatus;
  accessToken: string;
  refreshToken?: string;
  /** When the access token lapses; null when the provider did not say (it does not expire). */
  accessExpiresAt: Date | null;
  grantedScopes: string[];
  generation: number;
  leaseOwner: string | null;
  leaseUntil: Date | null;
  reauthReason: string | null;
  refreshedAt: Date | null;
}

/** What a token endpoint answered, ready to store. */
export interface IssuedTokens {
  accessToken: string;
  refreshToken?: string;
  accessExpiresAt: Date | null;
  grantedScopes: string[];
}

interface GrantDbRow {
  tenant_id: string; connector_id: string; grant_type: GrantType; status: GrantStatus; key_id: string;
  access_sealed: Buffer; refresh_sealed: Buffer | null; access_expires_at: Date | null; granted_scopes: string[];
  generation: number; lease_owner: string | null; lease_until: Date | null; reauth_reason: string | null; refreshed_at: Date | null;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Binds a sealed token to its row and role: copied elsewhere, it does not open. */
function tokenContext(tenantId: string, connectorId: string, role: 'access' | 'refresh'): string {
  return `gatehouse/connector_grants/${tenantId.toLowerCase()}/${connectorId}/${role}`;
}

function seal(box: SecretBox, value: string, context: string): Buffer {
  const sealed = box.seal(value, context);
  return Buffer.concat([sealed.iv, sealed.authTag, sealed.ciphertext]);
}

function open(box: SecretBox, packed: Buffer, context: string): string {
  return box.open({
    iv: packed.subarray(0, IV_BYTES), authTag: packed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES),
    ciphertext: packed.subarray(IV_BYTES + TAG_BYTES), keyId: box.keyId,
  }, context);
}

async function sealedTokens(db: Queryable, master: SecretBox, tenantId: string, connectorId: string, tokens: IssuedTokens) {
  const key = await currentDataKey(db, master, tenantId);
  return {
    keyId: key.keyId,
    access: seal(key, tokens.accessToken, tokenContext(tenantId, connectorId, 'access')),
    refresh: tokens.refreshToken === undefined ? null : seal(key, tokens.refreshToken, tokenContext(tenantId, connectorId, 'refresh')),
  };
}

/** Stores the tokens of a completed authorization: a new grant, or a replacement (re-authorisation). */
export async function saveGrant(db: Queryable, master: SecretBox, grant: { tenantId: string; connectorId: string; grantType: GrantType } & IssuedTokens): Promise<void> {
  const sealed = await sealedTokens(db, master, grant.tenantId, grant.connectorId, grant);
  await db.query(
    `INSERT INTO connector_grants (tenant_id, connector_id, grant_type, status, key_id, access_sealed, refresh_sealed, access_expires_at, granted_scopes)
     VALUES ($1, $2, $3, 'active', $4, $5, $6, $7, $8)
     ON CONFLICT (tenant_id, connector_id) DO UPDATE SET grant_type = EXCLUDED.grant_type, status = 'active', key_id = EXCLUDED.key_id,
       access_sealed = EXCLUDED.access_sealed, refresh_sealed = EXCLUDED.refresh_sealed, access_expires_at = EXCLUDED.access_expires_at,
       granted_scopes = EXCLUDED.granted_scopes, generation = connector_grants.generation + 1, lease_owner = NULL, lease_until = NULL,
       reauth_reason = NULL, authorized_at = now(), updated_at = now()`,
    [grant.tenantId, grant.connectorId, grant.grantType, sealed.keyId, sealed.access, sealed.refresh, grant.accessExpiresAt, grant.grantedScopes],
  );
  notifyTenantChanged(grant.tenantId);
}

/** The grant with its tokens opened, or undefined when the connector has none. */
export async function readGrant(db: Queryable, master: SecretBox, tenantId: string, connectorId: string): Promise<StoredGrant | undefined> {
  if (!isUuid(tenantId)) return undefined;
  const { rows } = await db.query<GrantDbRow>(
    `SELECT tenant_id, connector_id, grant_type, status, key_id, access_sealed, refresh_sealed, access_expires_at, granted_scopes,
            generation, lease_owner, lease_until, reauth_reason, refreshed_at
       FROM connector_grants WHERE tenant_id = $1 AND connector_id = $2`, [tenantId, connectorId]);
  const row = rows[0];
  if (!row) return undefined;
  const key = await dataKeyById(db, master, tenantId, row.key_id);
  if (!key) throw new Error(`the data key ${row.key_id} sealing the ${connectorId} grant of tenant ${tenantId} is missing`);
  return {
    tenantId: row.tenant_id, connectorId: row.connector_id, grantType: row.grant_type, status: row.status,
    accessToken: open(key, row.access_sealed, tokenContext(tenantId, connectorId, 'access')),
    ...(row.refresh_sealed ? { refreshToken: open(key, row.refresh_sealed, tokenContext(tenantId, connectorId, 'refresh')) } : {}),
    accessExpiresAt: row.access_expires_at, grantedScopes: row.granted_scopes, generation: row.generation,
    leaseOwner: row.lease_owner, leaseUntil: row.lease_until, reauthReason: row.reauth_reason, refreshedAt: row.refreshed_at,
  };
}

/** Whether the connector has a grant (in any status). */
export async function hasGrant(db: Queryable, tenantId: string, connectorId: string): Promise<boolean> {
  if (!isUuid(tenantId)) return false;
  const { rows } = await db.query('SELECT 1 FROM connector_grants WHERE tenant_id = $1 AND connector_id = $2', [tenantId, connectorId]);
  return rows.length > 0;
}

/** A grant's standing without its tokens (nothing is unsealed): for pages that show a connection. */
export interface GrantStanding {
  connectorId: string;
  grantType: GrantType;
  status: GrantStatus;
  reauthReason: string | null;
  refreshedAt: Date | null;
}

/** The standing of every grant the tenant holds. */
export async function listGrantStandings(db: Queryable, tenantId: string): Promise<GrantStanding[]> {
  if (!isUuid(tenantId)) return [];
  const { rows } = await db.query<{ connector_id: string; grant_type: GrantType; status: GrantStatus; reauth_reason: string | null; refreshed_at: Date | null }>(
    'SELECT connector_id, grant_type, status, reauth_reason, refreshed_at FROM connector_grants WHERE tenant_id = $1', [tenantId]);
  return rows.map((r) => ({ connectorId: r.connector_id, grantType: r.grant_type, status: r.status, reauthReason: r.reauth_reason, refreshedAt: r.refreshed_at }));
}

/** What a lease claim found. */
export interface LeaseClaim {
  claimed: boolean;
  /** The owner of a lease that ran out before its refresh was stored (a crashed refresher), if any. */
  abandonedBy: string | null;
}

/**
 * Claims the right to refresh generation `generation` for `leaseMs`. Fails when another owner
 * holds an unexpired lease, or when the grant moved past that generation (someone refreshed).
 */
export async function claimRefreshLease(db: Queryable, tenantId: string, connectorId: string, generation: number, owner: string, leaseMs: number): Promise<LeaseClaim> {
  const { rows } = await db.query<{ abandoned_by: string | null }>(
    `WITH previous AS (
       SELECT lease_owner FROM connector_grants WHERE tenant_id = $1 AND connector_id = $2 FOR UPDATE)
     UPDATE connector_grants g SET lease_owner = $4, lease_until = now() + make_interval(secs => $5::double precision / 1000)
       FROM previous
      WHERE g.tenant_id = $1 AND g.connector_id = $2 AND g.generation = $3 AND g.status = 'active'
        AND (g.lease_until IS NULL OR g.lease_until < now() OR g.lease_owner = $4)
      RETURNING CASE WHEN previous.lease_owner IS DISTINCT FROM $4 THEN previous.lease_owner END AS abandoned_by`,
    [tenantId, connectorId, generation, owner, leaseMs]);
  return rows[0] ? { claimed: true, abandonedBy: rows[0].abandoned_by } : { claimed: false, abandonedBy: null };
}

/**
 * Stores a refresh's tokens (pass the refresh token used when the provider answered without a
 * new one, as ServiceNow does: it is sealed again with the access token) and moves the generation on, releasing the lease, in one statement:
 * this is the write that must land before the new access token is used. False when the lease
 * was lost (it ran out and someone else refreshed): the caller then re-reads the grant.
 */
export async function storeRefreshed(db: Queryable, master: SecretBox, change: {
  tenantId: string; connectorId: string; generation: number; owner: string;
} & IssuedTokens): Promise<boolean> {
  const sealed = await sealedTokens(db, master, change.tenantId, change.connectorId, change);
  const { rowCount } = await db.query(
    `UPDATE connector_grants SET key_id = $5, access_sealed = $6,
       refresh_sealed = $7, access_expires_at = $8,
       granted_scopes = COALESCE($9, granted_scopes), generation = generation + 1, lease_owner = NULL, lease_until = NULL,
       refreshed_at = now(), updated_at = now()
     WHERE tenant_id = $1 AND connector_id = $2 AND generation = $3 AND lease_owner = $4`,
    [change.tenantId, change.connectorId, change.generation, change.owner, sealed.keyId, sealed.access, sealed.refresh,
      change.accessExpiresAt, change.grantedScopes.length ? change.grantedScopes : null]);
  return (rowCount ?? 0) > 0;
}

/** Gives a lease back without a refresh (the provider was unreachable), so the next caller may try at once. */
export async function releaseLease(db: Queryable, tenantId: string, connectorId: string, owner: string): Promise<void> {
  await db.query('UPDATE connector_grants SET lease_owner = NULL, lease_until = NULL WHERE tenant_id = $1 AND connector_id = $2 AND lease_owner = $3',
    [tenantId, connectorId, owner]);
}

/** The provider refused the grant: every use fails with `reason` until a tenant admin authorises again. */
export async function markNeedsReauthorization(db: Queryable, tenantId: string, connectorId: string, reason: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE connector_grants SET status = 'needs_reauthorization', reauth_reason = $3, lease_owner = NULL, lease_until = NULL, updated_at = now()
      WHERE tenant_id = $1 AND connector_id = $2 AND status = 'active'`, [tenantId, connectorId, reason]);
  notifyTenantChanged(tenantId);
  return (rowCount ?? 0) > 0;
}

/** Forgets the grant (disconnect); true when there was one. */
export async function deleteGrant(db: Queryable, tenantId: string, connectorId: string): Promise<boolean> {
  if (!isUuid(tenantId)) return false;
  const { rowCount } = await db.query('DELETE FROM connector_grants WHERE tenant_id = $1 AND connector_id = $2', [tenantId, connectorId]);
  notifyTenantChanged(tenantId);
  return (rowCount ?? 0) > 0;
}
