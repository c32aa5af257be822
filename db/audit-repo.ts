/**
 * The append-only audit trail (the table's triggers refuse UPDATE, DELETE and TRUNCATE), hash
 * chained per tenant so that changes made around the triggers show (see audit-chain.ts).
 */
import type { Pool, PoolClient } from 'pg';
import { auditEventFromRow, GLOBAL_CHAIN_KEY, GENESIS_HASH, hashAuditEvent, type AuditEventRow } from './audit-chain';
import { isUuid, type Queryable } from './queryable';

/** An audit event as stored. */
export interface AuditEvent {
  /** bigserial, as a string (int8 exceeds Number's safe range in principle). */
  id: string;
  tenantId: string | null;
  workflowId: string | null;
  type: string;
  actor: string | null;
  outcome: string | null;
  detail: Record<string, unknown>;
  createdAt: Date;
}

/** An event to append. `detail` must not carry secrets: the trail is shown to approvers. */
export interface NewAuditEvent {
  tenantId?: string | null;
  workflowId?: string | null;
  type: string;
  actor?: string | null;
  outcome?: string | null;
  detail?: Record<string, unknown>;
}

/** Filter for {@link listAudit}; all given conditions must hold. */
export interface AuditQuery {
  tenantId?: string;
  workflowId?: string;
  type?: string;
  /** Only events with a larger id (paging). */
  afterId?: string;
  /** Default 100, at most 10000. */
  limit?: number;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

/** Text as PostgreSQL will store it: lone UTF-16 surrogates become U+FFFD on the way (UTF-8). */
function asStored(value: string | null | undefined): string | null {
  return value == null ? null : Buffer.from(value, 'utf8').toString('utf8');
}

/** Locks the event's chain head (creating it for a new chain) until the transaction ends. */
async function lockChainHead(client: PoolClient, tenantId: string | null): Promise<{ chainKey: string; lastHash: string }> {
  // The key is derived in SQL so that any UUID spelling PostgreSQL accepts lands in one chain.
  const key = 'COALESCE($1::uuid::text, $2)';
  await client.query(
    `INSERT INTO audit_chain_heads (chain_key, last_hash) VALUES (${key}, $3) ON CONFLICT (chain_key) DO NOTHING`,
    [tenantId, GLOBAL_CHAIN_KEY, GENESIS_HASH],
  );
  const { rows } = await client.query<{ chain_key: string; last_hash: string }>(
    `SELECT chain_key, last_hash FROM audit_chain_heads WHERE chain_key = ${key} FOR UPDATE`,
    [tenantId, GLOBAL_CHAIN_KEY],
  );
  const head = rows[0]!;
  return { chainKey: head.chain_key, lastHash: head.last_hash };
}

/** Inserts the event as the next link of its chain; the caller holds a transaction. */
async function insertChained(client: PoolClient, event: NewAuditEvent): Promise<{ id: string; createdAt: Date }> {
  const head = await lockChainHead(client, event.tenantId ?? null);
  // Allocated under the chain lock, so ids increase along every chain. created_at is cut to
  // milliseconds, the precision of a JS Date, so the stored value is exactly the hashed one; the
  // clock is read after the lock so timestamps also increase along the chain.
  const { rows: [next] } = await client.query<{ id: string; created_at: Date }>(
    `SELECT nextval(pg_get_serial_sequence('audit_events', 'id'))::text AS id,
            date_trunc('milliseconds', clock_timestamp()) AS created_at`,
  );
  const stored: AuditEvent = {
    id: next!.id,
    tenantId: head.chainKey === GLOBAL_CHAIN_KEY ? null : head.chainKey,
    workflowId: asStored(event.workflowId),
    type: asStored(event.type)!,
    actor: asStored(event.actor),
    outcome: asStored(event.outcome),
    // The hash covers the detail as it will be read back (undefined members dropped, dates as strings).
    detail: JSON.parse(JSON.stringify(event.detail ?? {})) as Record<string, unknown>,
    createdAt: next!.created_at,
  };
  const hash = await hashAuditEvent(head.lastHash, stored);
  const { rows: [row] } = await client.query<AuditEventRow>(
    `INSERT INTO audit_events (id, tenant_id, workflow_id, type, actor, outcome, detail, created_at, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10)
     RETURNING id, tenant_id, workflow_id, type, actor, outcome, detail, created_at`,
    [stored.id, stored.tenantId, stored.workflowId, stored.type, stored.actor, stored.outcome, JSON.stringify(stored.detail), stored.createdAt, head.lastHash, hash],
  );
  // Never commit an event the verifier would reject (e.g. a value PostgreSQL normalises).
  if ((await hashAuditEvent(head.lastHash, auditEventFromRow(row!))) !== hash) {
    throw new Error('audit event does not read back as hashed; not appended');
  }
  await client.query('UPDATE audit_chain_heads SET last_id = $2, last_hash = $3 WHERE chain_key = $1', [head.chainKey, stored.id, hash]);
  return { id: stored.id, createdAt: stored.createdAt };
}

/**
 * Appends one event as the next link of its tenant's hash chain; returns its id and timestamp.
 * Takes a pool (not any Queryable) because it runs its own short transaction on one client:
 * on the embedded database, never call it while holding a client of the same pool.
 */
export async function appendAudit(pool: Pool, event: NewAuditEvent): Promise<{ id: string; createdAt: Date }> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    try {
      await client.query('BEGIN');
      const appended = await insertChained(client, event);
      await client.query('COMMIT');
      return appended;
    } catch (err) {
      // A connection whose ROLLBACK fails is in an unknown state: release() discards it.
      await client.query('ROLLBACK').catch((rollbackErr: unknown) => {
        broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
      });
      throw err;
    }
  } finally {
    client.release(broken);
  }
}

/** Events matching `query`, oldest first (by id). */
export async function listAudit(db: Queryable, query: AuditQuery = {}): Promise<AuditEvent[]> {
  // A malformed tenant id matches nothing (rather than making PostgreSQL raise).
  if (query.tenantId !== undefined && !isUuid(query.tenantId)) return [];
  if (query.afterId !== undefined && !/^\d{1,19}$/.test(query.afterId)) throw new RangeError('afterId must be an audit event id');
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (column: string, value: string | undefined, op = '='): void => {
    if (value === undefined) return;
    values.push(value);
    where.push(`${column} ${op} $${values.length}`);
  };
  add('tenant_id', query.tenantId);
  add('workflow_id', query.workflowId);
  add('type', query.type);
  add('id', query.afterId, '>');
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? DEFAULT_LIMIT), 1), MAX_LIMIT);
  values.push(limit);
  const { rows } = await db.query<AuditEventRow>(
    `SELECT id, tenant_id, workflow_id, type, actor, outcome, detail, created_at FROM audit_events
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT $${values.length}`,
    values,
  );
  return rows.map(auditEventFromRow);
}
