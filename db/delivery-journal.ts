/**
 * What an inbound route writes once it has handled a delivery — the replay record, the audit
 * event saying what became of it and the event for its run (the trigger inbox) — written by
 * group commit: under a storm, one transaction
 * carries the records of every delivery that arrived meanwhile instead of one transaction (and
 * seven round trips) each. The route answers only after its record is committed.
 */
import type { Pool } from 'pg';
import { appendAuditEventsWith, inTransaction, type NewAuditEvent } from './audit-repo';
import { GroupCommit } from './group-commit';
import { insertInboxItems, type InboxItem } from './trigger-inbox-repo';

/** One handled delivery's records. */
export interface DeliveryRecord {
  delivery?: { tenantId: string; webhookId: string; workflowId: string | null; bodyDigest: string | null };
  audit: NewAuditEvent;
  /** The event for its run, handed over by the inbox forwarder once committed. */
  inbox?: InboxItem;
}

/** A per-process journal of handled deliveries over one pool. */
export class DeliveryJournal {
  private readonly commits: GroupCommit<DeliveryRecord>;

  constructor(pool: Pool) {
    this.commits = new GroupCommit((records) => inTransaction(pool, async (db) => {
      const deliveries = records.flatMap((r) => (r.delivery ? [r.delivery] : []));
      if (deliveries.length > 0) {
        const values = deliveries.flatMap((d) => [d.tenantId, d.webhookId, d.workflowId, d.bodyDigest]);
        const tuples = deliveries.map((_, i) => `($${i * 4 + 1}::uuid, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`);
        // A redelivery racing its original: the first record stays (the same rule as recordDelivery).
        await db.query(
          `INSERT INTO webhook_deliveries (tenant_id, webhook_id, workflow_id, body_sha256) VALUES ${tuples.join(', ')}
           ON CONFLICT (tenant_id, webhook_id) DO NOTHING`,
          values,
        );
      }
      await insertInboxItems(db, records.flatMap((r) => (r.inbox ? [r.inbox] : [])));
      await appendAuditEventsWith(db, records.map((r) => r.audit));
    }));
  }

  /** Resolves once the records are committed. */
  record(record: DeliveryRecord): Promise<void> {
    return this.commits.submit(record);
  }
}
