import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type Database } from '../../db/database';
import { createTenant } from '../../db/tenants-repo';
import { getDelivery, pruneDeliveries, recordDelivery } from '../../db/webhook-deliveries-repo';

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

  it('prunes deliveries older than the cut-off, in batches, and keeps the newer ones', async () => {
    const { rows: [before] } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_deliveries');
    await db.pool.query(
      `INSERT INTO webhook_deliveries (tenant_id, webhook_id, received_at)
       SELECT $1, 'old_' || g, now() - interval '10 days' - g * interval '1 second' FROM generate_series(1, 2500) g`,
      [tenantId],
    );
    await recordDelivery(db.pool, { tenantId, webhookId: 'msg_recent', workflowId: null });
    const cutoff = new Date(Date.now() - 7 * 86_400_000);
    const batches: number[] = [];
    for (let n = -1; n !== 0;) batches.push(n = await pruneDeliveries(db.pool, cutoff, 1000));
    assert.deepEqual(batches, [1000, 1000, 500, 0]);
    const { rows: [after] } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_deliveries');
    assert.equal(after?.n, (before?.n ?? 0) + 1, 'everything newer than the cut-off is kept');
    assert.ok(await getDelivery(db.pool, tenantId, 'msg_recent'));
    assert.equal(await getDelivery(db.pool, tenantId, 'old_1'), undefined);
  });
});
