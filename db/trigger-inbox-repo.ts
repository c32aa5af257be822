/**
 * The trigger inbox (migration 0011): accepted incident events waiting to be handed to their
 * Temporal run. Written in the same transaction as the delivery's replay record (see
 * delivery-journal.ts), claimed in batches by the forwarder (runs/inbox-forwarder.ts).
 */
import type { TriageTrigger } from '../triage/types';
import type { Queryable } from './queryable';

/** An event to hand over. */
export interface InboxItem {
  tenantId: string;
  tenantSlug: string;
  trigger: TriageTrigger;
}

/** A claimed row. */
export interface ClaimedInboxItem extends InboxItem {
  id: string;
  attempts: number;
}

/** Inserts events (one statement for the batch). */
export async function insertInboxItems(db: Queryable, items: readonly InboxItem[]): Promise<void> {
  if (items.length === 0) return;
  const values = items.flatMap((i) => [i.tenantId, i.tenantSlug, JSON.stringify(i.trigger)]);
  const tuples = items.map((_, n) => `($${n * 3 + 1}::uuid, $${n * 3 + 2}, $${n * 3 + 3}::jsonb)`);
  await db.query(`INSERT INTO trigger_inbox (tenant_id, tenant_slug, trigger) VALUES ${tuples.join(', ')}`, values);
}

/**
 * Claims up to `limit` due events, oldest first, for `leaseSeconds` (another forwarder skips
 * them meanwhile; once the lease lapses they are due again).
 */
export async function claimInboxItems(db: Queryable, limit: number, leaseSeconds: number): Promise<ClaimedInboxItem[]> {
  const { rows } = await db.query<{ id: string; tenant_id: string; tenant_slug: string; trigger: TriageTrigger; attempts: number }>(
    `UPDATE trigger_inbox SET claimed_until = now() + make_interval(secs => $2::int), attempts = attempts + 1
      WHERE id IN (SELECT id FROM trigger_inbox WHERE claimed_until <= now() ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING id::text, tenant_id, tenant_slug, trigger, attempts`,
    [limit, leaseSeconds],
  );
  return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, tenantSlug: r.tenant_slug, trigger: r.trigger, attempts: r.attempts }))
    .sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
}

/** Removes events that reached their run. */
export async function deleteInboxItems(db: Queryable, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query('DELETE FROM trigger_inbox WHERE id = ANY($1::bigint[])', [ids]);
}

/** Puts events back for a later attempt, with the reason they could not be handed over. */
export async function deferInboxItems(db: Queryable, ids: readonly string[], retryInSeconds: number, error: string): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    'UPDATE trigger_inbox SET claimed_until = now() + make_interval(secs => $2::int), last_error = $3 WHERE id = ANY($1::bigint[])',
    [ids, retryInSeconds, error.slice(0, 500)],
  );
}

/** Events waiting, and how long the oldest has waited (for operators and tests). */
export async function inboxBacklog(db: Queryable): Promise<{ waiting: number; oldestAgeSeconds: number | null }> {
  const { rows } = await db.query<{ n: string; age: number | null }>(
    'SELECT count(*)::text AS n, EXTRACT(EPOCH FROM now() - min(received_at))::float8 AS age FROM trigger_inbox',
  );
  return { waiting: Number(rows[0]!.n), oldestAgeSeconds: rows[0]!.age === null ? null : Math.round(rows[0]!.age * 10) / 10 };
}
