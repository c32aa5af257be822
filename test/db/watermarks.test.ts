/**
 * Reconciliation watermarks: initialised once, and only ever moved forward; ids handled at the
 * same second accumulate, a later second replaces them, an earlier one changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type Database } from '../../db/database';
import { createTenant } from '../../db/tenants-repo';
import { advanceWatermark, getWatermark, initWatermark } from '../../db/watermarks-repo';

let db: Database;
let tenantId: string;
before(async () => {
  db = await createTestDatabase();
  tenantId = (await createTenant(db.pool, { slug: 'wm', name: 'WM', settings: {} })).id;
});
after(async () => { await db?.close(); });

const source = 'servicenow.incident';
const id = (c: string) => c.repeat(32);

describe('reconcile watermarks', () => {
  it('initialises once: concurrent first passes agree on one starting point', async () => {
    assert.equal(await getWatermark(db.pool, tenantId, source), undefined);
    const [a, b] = await Promise.all([
      initWatermark(db.pool, { tenantId, source, watermark: '2030-01-01 00:00:00' }),
      initWatermark(db.pool, { tenantId, source, watermark: '2030-01-01 00:00:09' }),
    ]);
    assert.equal(a.watermark, b.watermark);
    assert.deepEqual(a.handledIds, []);
  });

  it('moves forward only, accumulating ids within one second', async () => {
    const t = '2030-01-02 00:00:00';
    let w = await advanceWatermark(db.pool, { tenantId, source, watermark: t, handledIds: [id('c'), id('a')] });
    assert.deepEqual([w.watermark, w.handledIds], [t, [id('a'), id('c')]]);
    w = await advanceWatermark(db.pool, { tenantId, source, watermark: t, handledIds: [id('b'), id('a')] });
    assert.deepEqual(w.handledIds, [id('a'), id('b'), id('c')], 'same second: union, no duplicates');
    w = await advanceWatermark(db.pool, { tenantId, source, watermark: '2030-01-01 23:59:59', handledIds: [id('d')] });
    assert.deepEqual([w.watermark, w.handledIds], [t, [id('a'), id('b'), id('c')]], 'an earlier second changes nothing');
    w = await advanceWatermark(db.pool, { tenantId, source, watermark: '2030-01-02 00:00:01', handledIds: [id('e')] });
    assert.deepEqual([w.watermark, w.handledIds], ['2030-01-02 00:00:01', [id('e')]], 'a later second replaces the ids');
  });

  it('refuses a watermark that is not a ServiceNow date-time', async () => {
    await assert.rejects(advanceWatermark(db.pool, { tenantId, source, watermark: '2030-01-02T00:00:00Z', handledIds: [] }));
  });
});
