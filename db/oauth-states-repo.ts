/**
 * Authorizations in progress (migration 0015). A flow has three moments, each a one-way step on
 * its row:
 *  1. created by the admin API, which hands out a one-time start ticket;
 *  2. begun by the browser that opens the ticket, which gets an HttpOnly binding cookie;
 *  3. completed by the provider's callback, which must carry the state and come from that browser.
 * Only hashes of the ticket, state and binding are stored.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from './queryable';

export const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export interface OAuthStateRow {
  tenantId: string;
  connectorId: string;
  startedBy: string;
  redirectUri: string;
  /** What the install request asked for (config, review timeout): no secrets. */
  install: Record<string, unknown>;
  expiresAt: Date;
  bindingHash: Buffer | null;
}

interface DbRow {
  tenant_id: string; connector_id: string; started_by: string; redirect_uri: string;
  install: Record<string, unknown>; expires_at: Date; binding_hash: Buffer | null;
}
const columns = 'tenant_id, connector_id, started_by, redirect_uri, install, expires_at, binding_hash';
const toRow = (r: DbRow): OAuthStateRow => ({
  tenantId: r.tenant_id, connectorId: r.connector_id, startedBy: r.started_by, redirectUri: r.redirect_uri,
  install: r.install, expiresAt: r.expires_at, bindingHash: r.binding_hash,
});

export async function createOAuthState(db: Queryable, row: {
  ticket: string; tenantId: string; connectorId: string; startedBy: string; redirectUri: string;
  install: Record<string, unknown>; ttlSeconds: number;
}): Promise<Date> {
  // Flows nobody finished are kept a day for the record, then dropped here rather than by a job.
  await db.query(`DELETE FROM oauth_states WHERE expires_at < now() - interval '1 day'`);
  const { rows } = await db.query<{ expires_at: Date }>(
    `INSERT INTO oauth_states (ticket_hash, tenant_id, connector_id, started_by, redirect_uri, install, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, now() + make_interval(secs => $7)) RETURNING expires_at`,
    [sha256(row.ticket), row.tenantId, row.connectorId, row.startedBy, row.redirectUri, JSON.stringify(row.install), row.ttlSeconds]);
  return rows[0]!.expires_at;
}

/**
 * Binds the flow to the browser that opened the ticket and to the `state` it will send the
 * provider: once only, before it expires. Undefined for an unknown, used or expired ticket.
 */
export async function beginOAuthState(db: Queryable, ticket: string, state: string, binding: string): Promise<OAuthStateRow | undefined> {
  const { rows } = await db.query<DbRow>(
    `UPDATE oauth_states SET state_hash = $2, binding_hash = $3, began_at = now()
      WHERE ticket_hash = $1 AND began_at IS NULL AND expires_at > now()
      RETURNING ${columns}`, [sha256(ticket), sha256(state), sha256(binding)]);
  return rows[0] ? toRow(rows[0]) : undefined;
}

/** Why a callback's state cannot complete a flow. */
export type StateRefusal = 'unknown_state' | 'expired_state' | 'already_used' | 'other_browser';

/**
 * Completes the flow `state` names, if the callback came from the browser bound to it. The
 * row is marked used before anything is exchanged, so a replayed callback cannot complete it twice.
 */
export async function completeOAuthState(db: Queryable, state: string, binding: string | undefined): Promise<{ ok: true; flow: OAuthStateRow } | { ok: false; refusal: StateRefusal; flow?: OAuthStateRow }> {
  const { rows } = await db.query<DbRow & { completed_at: Date | null; began_at: Date | null }>(
    `SELECT ${columns}, completed_at, began_at FROM oauth_states WHERE state_hash = $1`, [sha256(state)]);
  const row = rows[0];
  if (!row) return { ok: false, refusal: 'unknown_state' };
  const flow = toRow(row);
  if (row.completed_at) return { ok: false, refusal: 'already_used', flow };
  if (row.expires_at.getTime() <= Date.now()) return { ok: false, refusal: 'expired_state', flow };
  if (!binding || !row.binding_hash || !sha256(binding).equals(row.binding_hash)) return { ok: false, refusal: 'other_browser', flow };
  const { rowCount } = await db.query(
    `UPDATE oauth_states SET completed_at = now() WHERE state_hash = $1 AND completed_at IS NULL`, [sha256(state)]);
  return (rowCount ?? 0) > 0 ? { ok: true, flow } : { ok: false, refusal: 'already_used', flow };
}

/** Records how a completed flow ended (connected, denied, exchange failed…), for the audit trail's context. */
export async function recordOAuthOutcome(db: Queryable, state: string, outcome: string): Promise<void> {
  await db.query('UPDATE oauth_states SET outcome = $2 WHERE state_hash = $1', [sha256(state), outcome]);
}
