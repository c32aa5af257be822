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

/**
 * Locks the chain head until the transaction ends (creating it for a new chain), then allocates
 * `count` event ids. The ids are taken in a second statement on purpose: in a `SELECT … FOR
 * UPDATE` the select list is computed before the row lock is waited for, so ids taken there
 * would not increase along the chain under concurrent appends. created_at is read after the
 * lock (timestamps never decrease along the chain) and cut to milliseconds, the precision of a
 * JS Date, so the stored value is exactly the hashed one.
 */
async function lockChainHead(client: PoolClient, tenantId: string | null, count: number): Promise<{ chainKey: string; lastHash: string; ids: string[]; createdAt: Date }> {
  // The key is derived in SQL so that any UUID spelling PostgreSQL accepts lands in one chain.
  const key = 'COALESCE($1::uuid::text, $2)';
  const lock = () => client.query<{ chain_key: string; last_hash: string }>(
    `SELECT chain_key, last_hash FROM audit_chain_heads WHERE chain_key = ${key} FOR UPDATE`,
    [tenantId, GLOBAL_CHAIN_KEY],
  );
  let { rows } = await lock();
  if (rows.length === 0) {
    // (A no-op upsert cannot lock an existing head: the heads' trigger refuses any UPDATE that
    // does not move the chain forward.)
    await client.query(
      `INSERT INTO audit_chain_heads (chain_key, last_hash) VALUES (${key}, $3) ON CONFLICT (chain_key) DO NOTHING`,
      [tenantId, GLOBAL_CHAIN_KEY, GENESIS_HASH],
    );
    ({ rows } = await lock());
  }
  const head = rows[0]!;
  const { rows: [allocated] } = await client.query<{ ids: string[]; created_at: Date }>(
    `SELECT ARRAY(SELECT nextval(pg_get_serial_sequence('audit_events', 'id'))::text FROM generate_series(1, $1::int)) AS ids,
            date_trunc('milliseconds', clock_timestamp()) AS created_at`,
    [count],
  );
  const ids = [...allocated!.ids].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : BigInt(x) > BigInt(y) ? 1 : 0));
  return { chainKey: head.chain_key, lastHash: head.last_hash, ids, createdAt: allocated!.created_at };
}

/**
 * Inserts events as the next links of one chain; the caller holds a transaction. Round trips:
 * the head lock, the ids, one multi-row INSERT and the head update — whatever the batch size.
 */
async function insertChained(client: PoolClient, tenantId: string | null, events: readonly NewAuditEvent[]): Promise<Array<{ id: string; createdAt: Date }>> {
  const head = await lockChainHead(client, tenantId, events.length);
  const linked: Array<{ stored: AuditEvent; prevHash: string; hash: string }> = [];
  let prevHash = head.lastHash;
  for (const [i, event] of events.entries()) {
    const stored: AuditEvent = {
      id: head.ids[i]!,
      tenantId: head.chainKey === GLOBAL_CHAIN_KEY ? null : head.chainKey,
      workflowId: asStored(event.workflowId),
      type: asStored(event.type)!,
      actor: asStored(event.actor),
      outcome: asStored(event.outcome),
      // The hash covers the detail as it will be read back (undefined members dropped, dates as strings).
      detail: JSON.parse(JSON.stringify(event.detail ?? {})) as Record<string, unknown>,
      // One clock reading for the batch: equal timestamps still never decrease along the chain.
      createdAt: head.createdAt,
    };
    const hash = await hashAuditEvent(prevHash, stored);
    linked.push({ stored, prevHash, hash });
    prevHash = hash;
  }
  const columns = 10;
  const values = linked.flatMap(({ stored, prevHash: prev, hash }) => [
    stored.id, stored.tenantId, stored.workflowId, stored.type, stored.actor, stored.outcome,
    JSON.stringify(stored.detail), stored.createdAt, prev, hash,
  ]);
  const tuples = linked.map((_, row) => `(${Array.from({ length: columns }, (_x, col) => `$${row * columns + col + 1}${col === 6 ? '::jsonb' : ''}`).join(', ')})`);
  const { rows } = await client.query<AuditEventRow>(
    `INSERT INTO audit_events (id, tenant_id, workflow_id, type, actor, outcome, detail, created_at, prev_hash, hash)
     VALUES ${tuples.join(', ')}
     RETURNING id, tenant_id, workflow_id, type, actor, outcome, detail, created_at`,
    values,
  );
  // Never commit an event the verifier would reject (e.g. a value PostgreSQL normalises).
  for (const [i, row] of rows.entries()) {
    const link = linked.find((l) => l.stored.id === row.id) ?? linked[i]!;
    if ((await hashAuditEvent(link.prevHash, auditEventFromRow(row))) !== link.hash) {
      throw new Error('audit event does not read back as hashed; not appended');
    }
  }
  const last = linked[linked.length - 1]!;
  await client.query('UPDATE audit_chain_heads SET last_id = $2, last_hash = $3 WHERE chain_key = $1', [head.chainKey, last.stored.id, last.hash]);
  return linked.map((l) => ({ id: l.stored.id, createdAt: l.stored.createdAt }));
}

/**
 * Appends events (each as the next link of its tenant's hash chain) in one short transaction,
 * so either all of them are in the trail or none is. Activities pass the events of the work they
 * just did together; a batch costs about the same round trips as a single event.
 *
 * Takes a pool (not any Queryable) because it runs its own transaction on one client: on the
 * embedded database, never call it while holding a client of the same pool.
 */
export async function appendAuditEvents(pool: Pool, events: readonly NewAuditEvent[]): Promise<Array<{ id: string; createdAt: Date }>> {
  if (events.length === 0) return [];
  return inTransaction(pool, (client) => appendAuditEventsWith(client, events));
}

/** {@link appendAuditEvents} inside a transaction the caller holds (to commit other rows with them). */
export async function appendAuditEventsWith(client: PoolClient, events: readonly NewAuditEvent[]): Promise<Array<{ id: string; createdAt: Date }>> {
  // Chains are locked in a fixed order, so two batches spanning the same chains cannot deadlock.
  const chains = new Map<string, NewAuditEvent[]>();
  for (const event of events) {
    const key = event.tenantId ?? '';
    chains.set(key, [...(chains.get(key) ?? []), event]);
  }
  const appended = new Map<NewAuditEvent, { id: string; createdAt: Date }>();
  for (const key of [...chains.keys()].sort()) {
    const batch = chains.get(key)!;
    const results = await insertChained(client, key === '' ? null : key, batch);
    batch.forEach((event, i) => appended.set(event, results[i]!));
  }
  return events.map((e) => appended.get(e)!);
}

/** Appends one event; see {@link appendAuditEvents}. */
export async function appendAudit(pool: Pool, event: NewAuditEvent): Promise<{ id: string; createdAt: Date }> {
  const [appended] = await appendAuditEvents(pool, [event]);
  return appended!;
}

/** Runs `body` in a transaction on one client of `pool`; rolls back (and re-throws) on error. */
export async function inTransaction<T>(pool: Pool, body: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    try {
      await client.query('BEGIN');
      const result = await body(client);
      await client.query('COMMIT');
      return result;
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
