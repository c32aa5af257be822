import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type Database } from '../../db/database';
import { createTenant } from '../../db/tenants-repo';
import { getDelivery, recordDelivery } from '../../db/webhook-deliveries-repo';

describe('webhook deliveries repository', () => {
  let db: Database;
  let tenantId: string;
  let otherTenantId: string;
  before(async () => {
    db = await createTestDatabase();
    tenantId = (await createTenant(db.pool, { slug: 'acme', name: 'Acme', settings: {} })).id;
    otherTenantId = (await createTenant(db.pool, { slug: 'other', name: 'Other', settings: {} })).id;
  });
  after(async () => { await db?.close(); });

  it('records a delivery once and reports repeats as duplicates', async () => {
    assert.equal(await recordDelivery(db.pool, { tenantId, webhookId: 'msg_1', workflowId: 'wf-1' }), 'new');
    assert.equal(await recordDelivery(db.pool, { tenantId, webhookId: 'msg_1', workflowId: 'wf-other' }), 'duplicate');
    const stored = await getDelivery(db.pool, tenantId, 'msg_1');
    assert.equal(stored?.workflowId, 'wf-1', 'a duplicate does not overwrite the first record');
    assert.ok(stored?.receivedAt instanceof Date);
    assert.equal(await getDelivery(db.pool, tenantId, 'msg_unknown'), undefined);
  });

  it('keeps tenants apart and accepts deliveries that started no run', async () => {
    assert.equal(await recordDelivery(db.pool, { tenantId: otherTenantId, webhookId: 'msg_1', workflowId: null }), 'new');
    assert.equal((await getDelivery(db.pool, otherTenantId, 'msg_1'))?.workflowId, null);
  });

  it('gives exactly one "new" to 20 concurrent recordings of the same id', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => recordDelivery(db.pool, { tenantId, webhookId: 'msg_race', workflowId: `wf-${i}` })),
    );
    assert.equal(results.filter((r) => r === 'new').length, 1);
    assert.equal(results.filter((r) => r === 'duplicate').length, 19);
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = 'msg_race'`);
    assert.equal(rows[0]?.n, 1);
  });
});
