/**
 * Reconciliation watermarks per tenant and source: how far the change feed has been handled.
 * The watermark only moves forward, so a retried or overlapping pass can never move it back
 * over changes another pass already handled.
 */
import type { Queryable } from './queryable';

/** The source reconciliation reads ServiceNow incidents from. */
export const serviceNowIncidentSource = 'servicenow.incident';

/** A stored watermark. */
export interface Watermark {
  tenantId: string;
  source: string;
  /** Every change before this source time (ServiceNow `YYYY-MM-DD HH:MM:SS`, UTC) has been handled. */
  watermark: string;
  /** Changes at exactly `watermark` already handled (sorted). */
  handledIds: string[];
  updatedAt: Date;
}

interface WatermarkDbRow {
  tenant_id: string;
  source: string;
  watermark: string;
  handled_ids: string[];
  updated_at: Date;
}

const columns = 'tenant_id, source, watermark, handled_ids, updated_at';
const toWatermark = (row: WatermarkDbRow): Watermark => ({
  tenantId: row.tenant_id, source: row.source, watermark: row.watermark, handledIds: row.handled_ids, updatedAt: row.updated_at,
});

/** The stored watermark, or undefined before the first pass. */
export async function getWatermark(db: Queryable, tenantId: string, source: string): Promise<Watermark | undefined> {
  const { rows } = await db.query<WatermarkDbRow>(
    `SELECT ${columns} FROM reconcile_watermarks WHERE tenant_id = $1 AND source = $2`, [tenantId, source],
  );
  return rows[0] ? toWatermark(rows[0]) : undefined;
}

/**
 * Stores `watermark` as the starting point unless one is stored already; returns whichever is
 * stored. Concurrent first passes agree on one row.
 */
export async function initWatermark(db: Queryable, w: { tenantId: string; source: string; watermark: string }): Promise<Watermark> {
  await db.query(
    `INSERT INTO reconcile_watermarks (tenant_id, source, watermark) VALUES ($1, $2, $3)
     ON CONFLICT (tenant_id, source) DO NOTHING`,
    [w.tenantId, w.source, w.watermark],
  );
  const stored = await getWatermark(db, w.tenantId, w.source);
  if (!stored) throw new Error(`watermark for ${w.source} vanished while it was stored`);
  return stored;
}

/**
 * Records that every change up to `watermark` is handled, including `handledIds` at exactly
 * that time. Monotonic: a later time replaces the stored one (and its ids), the same time adds
 * its ids to the stored ones, an earlier time changes nothing. Returns what is stored.
 */
export async function advanceWatermark(
  db: Queryable,
  w: { tenantId: string; source: string; watermark: string; handledIds: string[] },
): Promise<Watermark> {
  // Every SET expression sees the row as it was, so `r.watermark` is the old value throughout.
  const { rows } = await db.query<WatermarkDbRow>(
    `INSERT INTO reconcile_watermarks AS r (tenant_id, source, watermark, handled_ids)
     VALUES ($1, $2, $3, ARRAY(SELECT DISTINCT id FROM unnest($4::text[]) AS id ORDER BY id))
     ON CONFLICT (tenant_id, source) DO UPDATE SET
       handled_ids = CASE
         WHEN excluded.watermark > r.watermark THEN excluded.handled_ids
         WHEN excluded.watermark = r.watermark
           THEN ARRAY(SELECT DISTINCT id FROM unnest(r.handled_ids || excluded.handled_ids) AS id ORDER BY id)
         ELSE r.handled_ids END,
       watermark = GREATEST(r.watermark, excluded.watermark),
       updated_at = CASE WHEN excluded.watermark >= r.watermark THEN now() ELSE r.updated_at END
     RETURNING ${columns}`,
    [w.tenantId, w.source, w.watermark, w.handledIds],
  );
  return toWatermark(rows[0]!);
}
