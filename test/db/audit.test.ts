import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { appendAudit, listAudit } from '../../db/audit-repo';
import { createTestDatabase, type Database } from '../../db/database';
import { createTenant } from '../../db/tenants-repo';

describe('audit repository', () => {
  let db: Database;
  let tenantId: string;
  before(async () => {
    db = await createTestDatabase();
    tenantId = (await createTenant(db.pool, { slug: 'acme', name: 'Acme', settings: {} })).id;
  });
  after(async () => { await db?.close(); });

  it('appends events and lists them by id with filters', async () => {
    const first = await appendAudit(db.pool, { tenantId, workflowId: 'wf-1', type: 'webhook.accepted', outcome: 'started', detail: { webhookId: 'msg_1', nested: { a: [1, 2] } } });
    assert.match(first.id, /^\d+$/);
    assert.ok(first.createdAt instanceof Date);
    await appendAudit(db.pool, { tenantId, workflowId: 'wf-1', type: 'approval.decided', actor: 'U0ALICE', outcome: 'approve' });
    await appendAudit(db.pool, { tenantId, workflowId: 'wf-2', type: 'webhook.accepted' });
    await appendAudit(db.pool, { type: 'system.started' });

    const wf1 = await listAudit(db.pool, { workflowId: 'wf-1' });
    assert.deepEqual(wf1.map((e) => e.type), ['webhook.accepted', 'approval.decided']);
    assert.deepEqual(wf1[0], {
      id: first.id, tenantId, workflowId: 'wf-1', type: 'webhook.accepted', actor: null, outcome: 'started',
      detail: { webhookId: 'msg_1', nested: { a: [1, 2] } }, createdAt: first.createdAt,
    });
    assert.deepEqual(wf1[1]?.detail, {});
    assert.equal(wf1[1]?.actor, 'U0ALICE');

    assert.equal((await listAudit(db.pool, { tenantId })).length, 3);
    assert.deepEqual((await listAudit(db.pool, { tenantId, type: 'webhook.accepted' })).map((e) => e.workflowId), ['wf-1', 'wf-2']);
    assert.equal((await listAudit(db.pool)).length, 4);
    assert.equal((await listAudit(db.pool, { limit: 2 })).length, 2);
    assert.deepEqual((await listAudit(db.pool, { afterId: first.id })).map((e) => e.type), ['approval.decided', 'webhook.accepted', 'system.started']);
    assert.deepEqual(await listAudit(db.pool, { tenantId: 'not-a-uuid' }), []);

    const ids = (await listAudit(db.pool)).map((e) => BigInt(e.id));
    assert.deepEqual(ids, [...ids].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('refuses UPDATE, DELETE and TRUNCATE', async () => {
    const { id } = await appendAudit(db.pool, { tenantId, type: 'tamper.target', detail: { original: true } });
    await assert.rejects(db.pool.query(`UPDATE audit_events SET outcome = 'forged' WHERE id = $1`, [id]), /append-only/);
    await assert.rejects(db.pool.query('DELETE FROM audit_events WHERE id = $1', [id]), /append-only/);
    await assert.rejects(db.pool.query('TRUNCATE audit_events'), /append-only/);
    const [event] = await listAudit(db.pool, { type: 'tamper.target' });
    assert.equal(event?.outcome, null);
    assert.deepEqual(event?.detail, { original: true });
  });
});
