/**
 * Paging of the console's Runs list and Audit trail search on the real stack, with more rows
 * than one page: walking every page with `next` lists each run (and event) exactly once, in the
 * list's order, including runs updated in the same instant; a run arriving (or a listed run
 * getting a new event) between page 1 and page 2 neither repeats nor hides a run of page 2;
 * filters hold across pages; a malformed cursor or too large a page is refused with 422 and the
 * reason; another tenant never sees these rows, not even with a cursor taken from them.
 * Run: node --import tsx --test test/api/console-paging.test.ts
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { appendAudit, appendAuditEvents, listAudit, type NewAuditEvent } from '../../db/audit-repo';
import { createAccount } from '../../db/console-accounts-repo';
import { createTenant } from '../../db/tenants-repo';
import { hashPassword } from '../../console/password';
import { consoleHttp } from '../support/console-http';
import { useTimeSkippingHarness } from '../support/harness-suite';

const suite = useTimeSkippingHarness();

type Run = { workflowId: string; incident: string | null; status: string; updatedAt: string };
type Event = { id: string; type: string; actor: string | null; workflowId: string | null; detail: Record<string, unknown> };


const http = consoleHttp(() => suite.h.runtime.apiUrl);
/** A GET as the browser holding `cookie` sends it. */
const get = (path: string, cookie: string) => http.call('GET', path, { as: { cookie } });
/** The session cookie of a sign-in. */
const signIn = async (tenant: string, email: string, password: string): Promise<string> => (await http.signIn(tenant, email, password)).cookie;

/** `path` with `before=cursor` added (path may already have a query). */
const withCursor = (path: string, cursor: string): string => `${path}${path.includes('?') ? '&' : '?'}before=${encodeURIComponent(cursor)}`;

/** Every page of a paged list from the first, following `next` until it is null. */
async function walk<T>(path: string, key: 'runs' | 'events', cookie: string): Promise<{ rows: T[]; pages: number }> {
  const rows: T[] = [];
  let cursor: string | null = null;
  for (let pages = 1; pages < 100; pages += 1) {
    const res = await get(cursor === null ? path : withCursor(path, cursor), cookie);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    rows.push(...res.body[key] as T[]);
    cursor = res.body['next'] as string | null;
    if (cursor === null) return { rows, pages };
    assert.equal(typeof cursor, 'string');
  }
  throw new Error(`${path} never ended`);
}

/** Most recently updated first, ties by workflow id: the order the Runs page promises. */
function assertRunOrder(runs: Run[]): void {
  for (let i = 1; i < runs.length; i += 1) {
    const [a, b] = [runs[i - 1]!, runs[i]!];
    const [ta, tb] = [Date.parse(a.updatedAt), Date.parse(b.updatedAt)];
    assert.ok(ta > tb || (ta === tb && a.workflowId < b.workflowId), `${a.workflowId} (${a.updatedAt}) before ${b.workflowId} (${b.updatedAt})`);
  }
}

const runEvent = (tenantId: string, workflowId: string, incident: string, type = 'webhook.accepted'): NewAuditEvent => ({ tenantId, workflowId, type, detail: { incident } });

describe('console runs and audit trail, page by page', { concurrency: false }, () => {
  const viewer = { email: 'paula.pages@acme.example', password: 'a viewer who reads every page' };
  const other = { email: 'gus@globex.example', password: 'another tenant entirely' };
  let mine: string;
  let theirs: string;
  let tenantId: string;
  /** Runs made here, in the order they were made. */
  const made: string[] = [];

  before(async () => {
    tenantId = suite.h.tenant.id;
    const created = await suite.h.admin('POST', `/admin/tenants/${suite.h.tenant.slug}/accounts`, { ...viewer, role: 'viewer' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const globex = await createTenant(suite.h.db.pool, { slug: 'globex', name: 'Globex', settings: {} });
    await createAccount(suite.h.db.pool, { tenantId: globex.id, email: other.email, role: 'admin', passwordHash: await hashPassword(other.password), createdBy: 'test' });
    // 8 runs appended one at a time (the even ones completed), then 14 in one batch, which share
    // one timestamp: more than a page, with ties the cursor has to break by workflow id.
    for (let i = 0; i < 8; i += 1) {
      const workflowId = `triage-page-solo-${i}`;
      await appendAuditEvents(suite.h.db.pool, [runEvent(tenantId, workflowId, `INC00770${i}`), ...(i % 2 === 0 ? [runEvent(tenantId, workflowId, `INC00770${i}`, 'run.completed')] : [])]);
      made.push(workflowId);
    }
    const batch = Array.from({ length: 14 }, (_, i) => `triage-page-batch-${String(i).padStart(2, '0')}`);
    await appendAuditEvents(suite.h.db.pool, batch.map((w, i) => runEvent(tenantId, w, `INC00880${String(i).padStart(2, '0')}`)));
    made.push(...batch);
    await appendAudit(suite.h.db.pool, runEvent(globex.id, 'triage-globex-only', 'INC0099999'));
    for (let i = 0; i < 17; i += 1) {
      await appendAudit(suite.h.db.pool, { tenantId, type: i % 3 === 0 ? 'paging.skipped' : 'paging.noted', actor: i % 2 === 0 ? 'pager-even' : 'pager-odd', detail: { step: i } });
    }
    mine = await signIn(suite.h.tenant.slug, viewer.email, viewer.password);
    theirs = await signIn('globex', other.email, other.password);
  });

  it('walks every run exactly once, most recently updated first, across pages', async () => {
    const walked = await walk<Run>('/console/api/runs?limit=5', 'runs', mine);
    const ids = walked.rows.map((r) => r.workflowId);
    assert.equal(new Set(ids).size, ids.length, `no run twice: ${ids.join(', ')}`);
    for (const workflowId of made) assert.ok(ids.includes(workflowId), `${workflowId} is listed`);
    assert.ok(walked.pages >= 5, `22 runs take at least 5 pages of 5 (${walked.pages})`);
    assertRunOrder(walked.rows);
    assert.ok(!ids.includes('triage-globex-only'));

    const first = await get('/console/api/runs', mine);
    assert.equal((first.body['runs'] as Run[]).length, Math.min(ids.length, 50), 'a page holds 50 runs unless asked otherwise');
    const whole = await get('/console/api/runs?limit=200', mine);
    assert.deepEqual((whole.body['runs'] as Run[]).map((r) => r.workflowId), ids, 'the pages joined are the list in one page');
    assert.equal(whole.body['next'], null, 'the page holding the last run says there is no next one');
  });

  it('keeps the status and incident filters across pages', async () => {
    const byIncident = await walk<Run>('/console/api/runs?incident=inc00880&limit=4', 'runs', mine);
    assert.deepEqual(byIncident.rows.map((r) => r.workflowId), made.filter((w) => w.includes('batch')), 'the batch shares its time, so ties go by workflow id');
    assert.equal(byIncident.pages, 4);
    const completed = await walk<Run>('/console/api/runs?status=completed&incident=INC00770&limit=2', 'runs', mine);
    const expected = ['triage-page-solo-0', 'triage-page-solo-2', 'triage-page-solo-4', 'triage-page-solo-6'];
    assert.deepEqual(completed.rows.map((r) => r.workflowId).filter((w) => expected.includes(w)).sort(), expected);
    assert.ok(completed.rows.every((r) => r.status === 'completed' && (r.incident ?? '').startsWith('INC00770')), JSON.stringify(completed.rows));
    assertRunOrder(completed.rows);
  });

  it('a run arriving between page 1 and page 2 neither repeats nor hides a run of page 2', async () => {
    const page1 = await get('/console/api/runs?limit=6', mine);
    const cursor = page1.body['next'] as string;
    const expected = await get(withCursor('/console/api/runs?limit=6', cursor), mine);
    const page2Ids = (expected.body['runs'] as Run[]).map((r) => r.workflowId);
    assert.equal(page2Ids.length, 6);

    const [touched] = (page1.body['runs'] as Run[]).slice(-1);
    await appendAudit(suite.h.db.pool, runEvent(tenantId, 'triage-page-late', 'INC0077999'));
    // A run of page 1 that gets a new event moves to the top; it does not come back on page 2.
    await appendAudit(suite.h.db.pool, runEvent(tenantId, touched!.workflowId, touched!.incident ?? '', 'run.completed'));
    const page2 = await get(withCursor('/console/api/runs?limit=6', cursor), mine);
    assert.deepEqual((page2.body['runs'] as Run[]).map((r) => r.workflowId), page2Ids);

    const fresh = (await get('/console/api/runs?limit=2', mine)).body['runs'] as Run[];
    assert.deepEqual(fresh.map((r) => r.workflowId).sort(), ['triage-page-late', touched!.workflowId].sort(), 'both are at the top of a fresh list');
  });

  it('walks the audit search newest first by event, with its filters, exactly once', async () => {
    const walked = await walk<Event>('/console/api/audit?limit=7', 'events', mine);
    const ids = walked.rows.map((e) => e.id);
    const newest = BigInt(ids[0]!);
    const stored = (await listAudit(suite.h.db.pool, { tenantId, limit: 10_000 })).filter((e) => BigInt(e.id) <= newest).reverse();
    assert.deepEqual(ids, stored.map((e) => e.id), 'every event of the tenant once, newest first');

    const search = '/console/api/audit?type=paging.noted&actor=PAGER-EVEN&limit=3';
    const page1 = await get(search, mine);
    // An event arriving after the first page is newer than all of it: the later pages stay as they were.
    await appendAudit(suite.h.db.pool, { tenantId, type: 'paging.noted', actor: 'pager-even', detail: { step: 'late' } });
    const rest = await walk<Event>(withCursor(search, page1.body['next'] as string), 'events', mine);
    const filtered = [...page1.body['events'] as Event[], ...rest.rows];
    const expectedSteps = Array.from({ length: 17 }, (_, i) => i).filter((i) => i % 3 !== 0 && i % 2 === 0).reverse();
    assert.deepEqual(filtered.map((e) => e.detail['step']), expectedSteps);
    assert.ok(filtered.every((e) => e.type === 'paging.noted' && e.actor === 'pager-even'));
  });

  it('refuses a malformed cursor or too large a page with 422 and the reason', async () => {
    const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const runCursor = (await get('/console/api/runs?limit=1', mine)).body['next'] as string;
    const eventCursor = (await get('/console/api/audit?limit=1', mine)).body['next'] as string;
    const refused: Array<[string, RegExp]> = [
      ['/console/api/runs?before=not%20a%20cursor', /before: not a cursor of this list/],
      [`/console/api/runs?before=${b64({ updatedAt: '2026-02-31T00:00:00.000000Z', workflowId: 'x' })}`, /before/],
      [`/console/api/runs?before=${b64({ updatedAt: 'yesterday', workflowId: 'x' })}`, /before/],
      [`/console/api/runs?before=${b64({ updatedAt: '0000-01-01T00:00:00.000000Z', workflowId: 'x' })}`, /before/],
      [`/console/api/runs?before=${eventCursor}`, /before/],
      ['/console/api/runs?limit=201', /limit/],
      [`/console/api/audit?before=${b64({ id: '1 OR 1=1' })}`, /before: not a cursor of this list/],
      [`/console/api/audit?before=${b64({ id: '99999999999999999999' })}`, /before/],
      [`/console/api/audit?before=${runCursor}`, /before/],
      ['/console/api/audit?limit=0', /limit/],
    ];
    for (const [path, reason] of refused) {
      const res = await get(path, mine);
      assert.equal(res.status, 422, `${path}: ${JSON.stringify(res.body)}`);
      assert.match(JSON.stringify(res.body), reason, path);
    }
  });

  it('shows another tenant none of these rows, even with a cursor taken from them', async () => {
    const runs = await walk<Run>('/console/api/runs?limit=1', 'runs', theirs);
    assert.deepEqual(runs.rows.map((r) => r.workflowId), ['triage-globex-only']);
    const myCursor = (await get('/console/api/runs?limit=3', mine)).body['next'] as string;
    const fromMine = await get(withCursor('/console/api/runs', myCursor), theirs);
    assert.equal(fromMine.status, 200);
    assert.ok((fromMine.body['runs'] as Run[]).every((r) => r.workflowId === 'triage-globex-only'), JSON.stringify(fromMine.body));
    const events = await walk<Event>('/console/api/audit?limit=2', 'events', theirs);
    assert.ok(events.rows.length > 0);
    assert.ok(!events.rows.some((e) => e.type.startsWith('paging.') || (e.workflowId ?? '').startsWith('triage-page-')), JSON.stringify(events.rows));
    const myEventCursor = (await get('/console/api/audit?limit=2', mine)).body['next'] as string;
    const eventsFromMine = await get(withCursor('/console/api/audit', myEventCursor), theirs);
    assert.ok(!(eventsFromMine.body['events'] as Event[]).some((e) => e.type.startsWith('paging.')));
  });
});
