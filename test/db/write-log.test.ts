import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type Database } from '../../db/database';
import { createTenant } from '../../db/tenants-repo';
import { listWrites, recordWrite, type NewWrite } from '../../db/write-log-repo';

describe('write log repository', () => {
  let db: Database;
  let tenantId: string;
  before(async () => {
    db = await createTestDatabase();
    tenantId = (await createTenant(db.pool, { slug: 'acme', name: 'Acme', settings: {} })).id;
  });
  after(async () => { await db?.close(); });

  const write = (overrides: Partial<NewWrite>): NewWrite => ({
    tenantId, workflowId: 'wf-1', runId: 'run-1', incidentSysId: 'sys-1', action: 'servicenow.incident.assign', field: 'assignment_group',
    beforeValue: 'Service Desk', afterValue: 'Network', status: 'applied', detail: { attempt: 1 }, ...overrides,
  });

  it('records a write with its prior value', async () => {
    const first = await recordWrite(db.pool, write({}));
    assert.equal(first.inserted, true);
    const [row] = await listWrites(db.pool, { workflowId: 'wf-1' });
    assert.deepEqual({ ...row, createdAt: undefined }, {
      id: first.id, tenantId, workflowId: 'wf-1', runId: 'run-1', incidentSysId: 'sys-1', action: 'servicenow.incident.assign', field: 'assignment_group',
      beforeValue: 'Service Desk', afterValue: 'Network', status: 'applied', detail: { attempt: 1 }, createdAt: undefined,
    });
  });

  it('keeps the first before_value (and the applied status) on a repeat', async () => {
    // The retry reads the value the first attempt wrote and reports it as already applied.
    const again = await recordWrite(db.pool, write({ beforeValue: 'Network', status: 'already_applied', detail: { attempt: 2 } }));
    assert.equal(again.inserted, false);
    const rows = await listWrites(db.pool, { workflowId: 'wf-1' });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.id, again.id);
    assert.equal(rows[0]?.beforeValue, 'Service Desk');
    assert.equal(rows[0]?.status, 'applied');
    assert.deepEqual(rows[0]?.detail, { attempt: 2 });
  });

  it('takes the later status when nothing was applied yet', async () => {
    await recordWrite(db.pool, write({ field: 'urgency', beforeValue: '3', afterValue: '1', status: 'skipped_stale' }));
    await recordWrite(db.pool, write({ field: 'urgency', beforeValue: '2', afterValue: '1', status: 'applied' }));
    const urgency = (await listWrites(db.pool, { workflowId: 'wf-1' })).find((r) => r.field === 'urgency');
    assert.equal(urgency?.status, 'applied');
    assert.equal(urgency?.beforeValue, '3');
  });

  it('filters by workflow and tenant', async () => {
    await recordWrite(db.pool, write({ workflowId: 'wf-2', status: 'shadow', beforeValue: null, afterValue: null }));
    assert.deepEqual((await listWrites(db.pool, { workflowId: 'wf-2' })).map((r) => [r.status, r.beforeValue]), [['shadow', null]]);
    assert.equal((await listWrites(db.pool, { tenantId })).length, 3);
    assert.deepEqual(await listWrites(db.pool, { tenantId: '00000000-0000-4000-8000-000000000000' }), []);
    assert.deepEqual(await listWrites(db.pool, { tenantId: 'nope' }), []);
  });

  it('keeps a later run of the same workflow id apart, with its own prior values', async () => {
    // The incident is triaged again after the first run closed: same workflow id, new run.
    await recordWrite(db.pool, write({ workflowId: 'wf-3', runId: 'run-a', beforeValue: 'Service Desk', afterValue: 'Network' }));
    await recordWrite(db.pool, write({ workflowId: 'wf-3', runId: 'run-b', beforeValue: 'Hardware', afterValue: 'Network' }));
    const rows = await listWrites(db.pool, { workflowId: 'wf-3' });
    assert.deepEqual(rows.map((r) => [r.runId, r.beforeValue]), [['run-a', 'Service Desk'], ['run-b', 'Hardware']]);
    assert.deepEqual((await listWrites(db.pool, { workflowId: 'wf-3', runId: 'run-b' })).map((r) => r.beforeValue), ['Hardware']);
  });

  it('refuses an unknown status', async () => {
    await assert.rejects(db.pool.query(
      `INSERT INTO write_log (tenant_id, workflow_id, incident_sys_id, action, field, status) VALUES ($1, 'wf-9', 's', 'a', 'f', 'bogus')`,
      [tenantId],
    ), /check constraint/);
  });
});
