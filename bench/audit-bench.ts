/**
 * The price of a tamper-evident audit trail: appending an event to the per-tenant SHA-256 hash
 * chain (lock the tenant's chain head, canonical hash, insert) against a plain INSERT of the same
 * row into an unchained copy of the table, on the same database.
 */
import type { Pool } from 'pg';
import { appendAudit } from '../db/audit-repo';
import { createTenant } from '../db/tenants-repo';
import { compare, type BenchSettings, type Comparison } from './comparison';

export async function auditBench(pool: Pool, settings: BenchSettings): Promise<Comparison[]> {
  const tenantId = (await createTenant(pool, { slug: 'bench-audit', name: 'Audit bench', settings: {} })).id;
  await pool.query('CREATE TABLE bench_plain_events (LIKE audit_events INCLUDING DEFAULTS)');
  const detail = { webhookId: 'msg_bench', incident: 'INC0010042', bodyBytes: 412 };
  const result = await compare('audit trail (database)', settings,
    {
      name: 'plain INSERT of the event',
      fn: () => pool.query(
        'INSERT INTO bench_plain_events (id, tenant_id, type, actor, outcome, detail) VALUES (nextval(\'audit_events_id_seq\'), $1, $2, $3, $4, $5::jsonb)',
        [tenantId, 'webhook.accepted', 'webhook:servicenow', 'started', JSON.stringify(detail)],
      ),
    },
    { name: 'appendAudit (hash-chained)', fn: () => appendAudit(pool, { tenantId, type: 'webhook.accepted', actor: 'webhook:servicenow', outcome: 'started', detail }) },
  );
  await pool.query('DROP TABLE bench_plain_events');
  return [result];
}
