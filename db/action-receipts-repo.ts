/** Receipts of writes by idempotency key (see migration 0013): the first receipt stored wins. */
import type { FieldWriteResult } from '../connectors/framework/action-contract';
import type { Queryable } from './queryable';

export interface ActionReceipt {
  actionId: string;
  output: unknown;
  fields: FieldWriteResult[];
}

export async function findReceipt(db: Queryable, tenantId: string, key: string): Promise<ActionReceipt | undefined> {
  const { rows } = await db.query<{ action_id: string; output: unknown; fields: FieldWriteResult[] }>(
    'SELECT action_id, output, fields FROM action_receipts WHERE tenant_id = $1 AND idempotency_key = $2', [tenantId, key]);
  const row = rows[0];
  return row ? { actionId: row.action_id, output: row.output, fields: row.fields } : undefined;
}

export async function storeReceipt(db: Queryable, tenantId: string, key: string, receipt: ActionReceipt): Promise<void> {
  await db.query(
    `INSERT INTO action_receipts (tenant_id, idempotency_key, action_id, output, fields) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb)
     ON CONFLICT (tenant_id, idempotency_key) DO NOTHING`,
    [tenantId, key, receipt.actionId, JSON.stringify(receipt.output ?? null), JSON.stringify(receipt.fields)]);
}
