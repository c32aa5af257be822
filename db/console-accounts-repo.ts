/** Console accounts and their sessions (migration 0017). Only hashes of secrets are stored. */
import { createHash } from 'node:crypto';
import { isPgError, isUuid, type Queryable } from './queryable';

export type ConsoleRole = 'admin' | 'approver' | 'viewer';

export interface ConsoleAccount {
  id: string;
  tenantId: string;
  email: string;
  role: ConsoleRole;
  /** The Slack user id this account decides approvals as (migration 0018); absent: decides none. */
  approverId?: string;
}

/** A signed-in session with its account and tenant. */
export interface ConsoleSession extends ConsoleAccount {
  tenantSlug: string;
  expiresAt: Date;
}

export const tokenHash = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export class DuplicateAccountError extends Error {
  override readonly name = 'DuplicateAccountError';
}

export async function createAccount(db: Queryable, row: { tenantId: string; email: string; role: ConsoleRole; passwordHash: string; createdBy: string; approverId?: string }): Promise<ConsoleAccount> {
  try {
    const { rows } = await db.query<{ id: string }>(
      'INSERT INTO console_accounts (tenant_id, email, role, password_hash, created_by, approver_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
      [row.tenantId, row.email.toLowerCase(), row.role, row.passwordHash, row.createdBy, row.approverId ?? null]);
    return { id: rows[0]!.id, tenantId: row.tenantId, email: row.email.toLowerCase(), role: row.role, ...(row.approverId ? { approverId: row.approverId } : {}) };
  } catch (err) {
    if (isPgError(err, '23505')) throw new DuplicateAccountError(`an account for ${row.email} already exists`);
    throw err;
  }
}

/** The account and its password hash, for sign-in; undefined when there is none. */
export async function accountForLogin(db: Queryable, tenantSlug: string, email: string): Promise<(ConsoleAccount & { passwordHash: string; tenantSlug: string }) | undefined> {
  const { rows } = await db.query<{ id: string; tenant_id: string; email: string; role: ConsoleRole; password_hash: string; slug: string }>(
    `SELECT a.id, a.tenant_id, a.email, a.role, a.password_hash, t.slug FROM console_accounts a JOIN tenants t ON t.id = a.tenant_id
      WHERE t.slug = $1 AND a.email = $2`, [tenantSlug, email.toLowerCase()]);
  const r = rows[0];
  return r && { id: r.id, tenantId: r.tenant_id, email: r.email, role: r.role, passwordHash: r.password_hash, tenantSlug: r.slug };
}

export async function listAccounts(db: Queryable, tenantId: string): Promise<ConsoleAccount[]> {
  if (!isUuid(tenantId)) return [];
  const { rows } = await db.query<{ id: string; tenant_id: string; email: string; role: ConsoleRole }>(
    'SELECT id, tenant_id, email, role FROM console_accounts WHERE tenant_id = $1 ORDER BY email', [tenantId]);
  return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, email: r.email, role: r.role }));
}

/** The e-mail of each of the tenant's accounts that decides approvals as one of `approverIds` (Slack user ids). */
export async function emailsByApproverId(db: Queryable, tenantId: string, approverIds: readonly string[]): Promise<Record<string, string>> {
  if (!isUuid(tenantId) || approverIds.length === 0) return {};
  const { rows } = await db.query<{ approver_id: string; email: string }>(
    'SELECT approver_id, min(email) AS email FROM console_accounts WHERE tenant_id = $1 AND approver_id = ANY($2::text[]) GROUP BY approver_id',
    [tenantId, [...new Set(approverIds)]]);
  return Object.fromEntries(rows.map((r) => [r.approver_id, r.email]));
}

export async function createSession(db: Queryable, session: { id: string; accountId: string; ttlSeconds: number }): Promise<Date> {
  // Expired sessions are dropped here rather than by a job.
  await db.query('DELETE FROM console_sessions WHERE expires_at < now()');
  const { rows } = await db.query<{ expires_at: Date }>(
    `INSERT INTO console_sessions (id_hash, account_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3)) RETURNING expires_at`,
    [tokenHash(session.id), session.accountId, session.ttlSeconds]);
  return rows[0]!.expires_at;
}

/** The unexpired session the cookie value names, with its account and tenant (one query). */
export async function sessionById(db: Queryable, id: string): Promise<ConsoleSession | undefined> {
  const { rows } = await db.query<{ id: string; tenant_id: string; email: string; role: ConsoleRole; approver_id: string | null; slug: string; expires_at: Date }>(
    `SELECT a.id, a.tenant_id, a.email, a.role, a.approver_id, t.slug, s.expires_at
       FROM console_sessions s JOIN console_accounts a ON a.id = s.account_id JOIN tenants t ON t.id = a.tenant_id
      WHERE s.id_hash = $1 AND s.expires_at > now()`, [tokenHash(id)]);
  const r = rows[0];
  return r && { id: r.id, tenantId: r.tenant_id, email: r.email, role: r.role, ...(r.approver_id ? { approverId: r.approver_id } : {}), tenantSlug: r.slug, expiresAt: r.expires_at };
}

export async function deleteSession(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM console_sessions WHERE id_hash = $1', [tokenHash(id)]);
}
