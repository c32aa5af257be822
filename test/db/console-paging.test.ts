/**
 * Keyset paging of the console's Runs list and Audit trail search, on the database alone: walking
 * every page lists each run (and event) exactly once in the list's order, including runs updated
 * in the same instant (one batch shares its timestamp); a run or event arriving between two pages
 * neither repeats nor hides a row of the next page; the last page says there is no next one; a
 * malformed event id is refused before it reaches PostgreSQL.
 * Run: node --import tsx --test test/db/console-paging.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { appendAudit, appendAuditEvents, type NewAuditEvent } from '../../db/audit-repo';
import { listRuns, listRunsPage, searchAudit, searchAuditPage, type RunFilter, type RunKey, type RunSummary } from '../../db/console-runs-repo';
import { createTestDatabase, type Database } from '../../db/database';
import { createTenant } from '../../db/tenants-repo';

/** Every page of runs from the start, with the key each page ended on. */
async function walkRuns(db: Database, filter: RunFilter): Promise<{ runs: RunSummary[]; pages: number }> {
  const runs: RunSummary[] = [];
  let after: RunKey | undefined;
  let pages = 0;
  for (;;) {
    const page = await listRunsPage(db.pool, { ...filter, ...(after ? { after } : {}) });
    pages += 1;
    runs.push(...page.runs);
    if (!page.next) return { runs, pages };
    after = page.next;
    assert.ok(pages < 100, 'paging ends');
  }
}

describe('console runs and audit paging', () => {
  let db: Database;
  let tenantId: string;
  let otherTenantId: string;

  before(async () => {
    db = await createTestDatabase();
    tenantId = (await createTenant(db.pool, { slug: 'acme', name: 'Acme', settings: {} })).id;
    otherTenantId = (await createTenant(db.pool, { slug: 'globex', name: 'Globex', settings: {} })).id;
    // 12 runs appended one by one (distinct times), then 9 in one batch (one shared timestamp).
    for (let i = 0; i < 12; i += 1) {
      await appendAudit(db.pool, { tenantId, workflowId: `triage-solo-${String(i).padStart(2, '0')}`, type: 'webhook.accepted', detail: { incident: `INC00100${String(i).padStart(2, '0')}` } });
    }
    const batch: NewAuditEvent[] = Array.from({ length: 9 }, (_, i) => ({ tenantId, workflowId: `triage-batch-${i}`, type: 'webhook.accepted', detail: { incident: `INC00200${i}` } }));
    await appendAuditEvents(db.pool, batch);
    await appendAudit(db.pool, { tenantId: otherTenantId, workflowId: 'triage-globex', type: 'webhook.accepted', detail: { incident: 'INC0099999' } });
  });
  after(async () => { await db?.close(); });

  it("reads one run's summary by its id, however far down the list it is, and never another tenant's", async () => {
    const oldest = 'triage-solo-00';
    const [one, ...rest] = await listRuns(db.pool, { tenantId, workflowId: oldest, limit: 1 });
    assert.deepEqual(rest, []);
    assert.equal(one?.workflowId, oldest);
    assert.equal(one?.incident, 'INC0010000');
    assert.deepEqual(await listRuns(db.pool, { tenantId: otherTenantId, workflowId: oldest }), []);
  });

  it('walks every run exactly once, most recently updated first, ties in workflow id order', async () => {
    const everything = await listRuns(db.pool, { tenantId });
    assert.equal(everything.length, 21);
    const walked = await walkRuns(db, { tenantId, limit: 4 });
    assert.equal(walked.pages, 6, '21 runs in pages of 4');
    assert.deepEqual(walked.runs.map((r) => r.workflowId), everything.map((r) => r.workflowId));
    assert.equal(new Set(walked.runs.map((r) => r.workflowId)).size, 21);
    const times = walked.runs.map((r) => r.updatedAt.getTime());
    assert.deepEqual(times, [...times].sort((a, b) => b - a), 'most recently updated first');
    // The batch shares one timestamp, so its runs are ordered by id, and several pages cut through it.
    assert.deepEqual(walked.runs.slice(0, 9).map((r) => r.workflowId), Array.from({ length: 9 }, (_, i) => `triage-batch-${i}`));
    assert.ok(!walked.runs.some((r) => r.workflowId === 'triage-globex'), 'another tenant\'s run never appears');
    const exact = await listRunsPage(db.pool, { tenantId, limit: 21 });
    assert.equal(exact.runs.length, 21);
    assert.equal(exact.next, null, 'a page that holds the last run says there is no next one');
  });

  it('a run arriving between two pages neither repeats nor hides a run of the next page', async () => {
    const first = await listRunsPage(db.pool, { tenantId, limit: 5 });
    const expectedSecond = await listRunsPage(db.pool, { tenantId, limit: 5, after: first.next! });
    // (Named to sort first should it share the batch's millisecond.)
    await appendAudit(db.pool, { tenantId, workflowId: 'triage-0-late', type: 'webhook.accepted', detail: { incident: 'INC0030000' } });
    const second = await listRunsPage(db.pool, { tenantId, limit: 5, after: first.next! });
    assert.deepEqual(second.runs.map((r) => r.workflowId), expectedSecond.runs.map((r) => r.workflowId));
    assert.equal((await listRunsPage(db.pool, { tenantId, limit: 1 })).runs[0]?.workflowId, 'triage-0-late', 'it is at the top of a fresh list');
  });

  it('combines the cursor with the incident filter', async () => {
    const walked = await walkRuns(db, { tenantId, incident: 'INC00100', limit: 5 });
    assert.equal(walked.runs.length, 12);
    assert.ok(walked.runs.every((r) => r.workflowId.startsWith('triage-solo-')));
    assert.deepEqual(walked.runs.map((r) => r.workflowId), (await listRuns(db.pool, { tenantId, incident: 'INC00100' })).map((r) => r.workflowId));
  });

  it('pages the audit search by event id, newest first, with its filters', async () => {
    const all = await searchAudit(db.pool, { tenantId, type: 'webhook', limit: 1000 });
    const walked: string[] = [];
    let beforeId: string | undefined;
    for (let pages = 0; ; pages += 1) {
      assert.ok(pages < 100);
      const page = await searchAuditPage(db.pool, { tenantId, type: 'webhook', limit: 6, ...(beforeId ? { beforeId } : {}) });
      walked.push(...page.events.map((e) => e.id));
      if (page.next === null) break;
      beforeId = page.next;
      if (pages === 0) {
        // An event arriving now is newer than every event listed, so it cannot land in later pages.
        await appendAudit(db.pool, { tenantId, workflowId: 'triage-later', type: 'webhook.accepted' });
      }
    }
    assert.deepEqual(walked, all.map((e) => e.id));
    assert.equal(new Set(walked).size, walked.length);
    assert.deepEqual(walked, [...walked].sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : -1)), 'newest first');
    await assert.rejects(searchAuditPage(db.pool, { tenantId, beforeId: '99999999999999999999' }), RangeError);
    await assert.rejects(searchAuditPage(db.pool, { tenantId, beforeId: '1 OR 1=1' }), RangeError);
  });
});
