/**
 * The console's Runs and Audit trail pages in a real browser (Debian's Chromium) against the
 * running stack: after a triage run approved in Slack, a viewer signs in, finds the run by its
 * incident number, opens it and reads the change written with the value it replaced, who approved
 * and the link to the Temporal UI; then searches the audit trail by type and sees the chain
 * verified; with more runs and events than one page, "Load older runs" and "Load older events"
 * append the older rows under the same filters, say how many are shown and go away at the end.
 * Screenshots go to test-artifacts/console/ (git-ignored).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { appendAuditEvents } from '../../db/audit-repo';
import { approvedTriageRun } from '../support/approved-run';
import { browserSkipReason, launchChromium } from '../support/browser';
import { approvers } from '../support/harness';
import { useTimeSkippingHarness } from '../support/harness-suite';
import { consoleArtifacts, watchPage } from '../support/console-browser';

const skip = browserSkipReason();
const artifacts = consoleArtifacts;


describe('console runs and audit trail in a browser', { skip, concurrency: false }, () => {
  const suite = useTimeSkippingHarness();
  let browser: Browser;
  let origin: string;
  let run: { incident: { sys_id: string; number: string }; workflowId: string };
  const viewer = { email: 'rita.runs@example.com', password: 'runs are read by viewers too' };

  before(async () => {
    process.env['GATEHOUSE_TEMPORAL_UI_URL'] = 'http://127.0.0.1:8233';
    mkdirSync(artifacts, { recursive: true });
    origin = new URL(suite.h.webhookUrl).origin;
    const created = await suite.h.admin('POST', `/admin/tenants/${suite.h.tenant.slug}/accounts`, { ...viewer, role: 'viewer', createdBy: 'console-runs-browser-test' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const alice = await suite.h.admin('POST', `/admin/tenants/${suite.h.tenant.slug}/accounts`, { email: 'alice.decides@example.com', password: 'alice approves from the console', role: 'approver', approverId: approvers.alice, createdBy: 'console-runs-browser-test' });
    assert.equal(alice.status, 201, JSON.stringify(alice.body));
    run = await approvedTriageRun(suite.h);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  const signedIn = async (): Promise<{ context: BrowserContext; page: Page; problems: string[] }> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watchPage(page);
    await page.goto(`${origin}/console/#/login`);
    await page.getByLabel('Tenant').fill(suite.h.tenant.slug);
    await page.getByLabel('Email').fill(viewer.email);
    await page.getByLabel('Password').fill(viewer.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#listings').waitFor();
    return { context, page, problems };
  };

  it('finds a run by its incident number, opens it and shows the applied change with its prior value', async () => {
    const { context, page, problems } = await signedIn();
    try {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
      await page.locator('#runs, #runs-empty').first().waitFor();
      await page.screenshot({ path: path.join(artifacts, 'runs.png'), fullPage: true });
      await page.getByLabel('Incident').fill(run.incident.number);
      await page.getByLabel('Status').selectOption('completed');
      await page.getByRole('button', { name: 'Filter' }).click();
      const row = page.locator(`#runs tbody tr[data-workflow-id="${run.workflowId}"]`);
      await row.waitFor();
      assert.equal(await page.locator('#runs tbody tr').count(), 1);
      assert.match(await row.innerText(), /completed/);
      assert.match(new URL(page.url()).hash, /^#\/runs\?/, 'the filters are kept in the address');

      await row.getByRole('link', { name: run.incident.number }).click();
      await page.locator('#changes').waitFor();
      assert.equal(new URL(page.url()).hash, `#/runs/${encodeURIComponent(run.workflowId)}`);
      assert.match(await page.getByRole('heading', { level: 1 }).innerText(), new RegExp(run.incident.number));
      assert.equal(await page.locator('#run-status').innerText(), 'completed');
      const change = page.locator('#changes tbody tr[data-field="assignment_group"]');
      assert.equal(await change.getAttribute('data-status'), 'applied');
      assert.equal(await change.locator('td.after').innerText(), suite.h.networkGroupId);
      const prior = await change.locator('td.before').innerText();
      assert.notEqual(prior, suite.h.networkGroupId, 'the prior value is the one the change replaced');
      assert.match(await page.locator('#decision').innerText(), new RegExp(`Approved by alice\\.decides@example\\.com \\(${approvers.alice}\\)`));
      assert.ok(await page.locator('#timeline li[data-event-type="action.write"]').count() > 0);
      assert.ok(await page.locator('#timeline li[data-event-type="run.completed"]').count() > 0);
      const link = await page.locator('#temporal-link').getAttribute('href');
      assert.match(link ?? '', new RegExp(`^http://127\\.0\\.0\\.1:8233/namespaces/[^/]+/workflows/`));
      await page.screenshot({ path: path.join(artifacts, 'run.png'), fullPage: true });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('searches the audit trail by type and shows the chain verified with when', async () => {
    const { context, page, problems } = await signedIn();
    try {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit trail' }).click();
      await page.locator('#audit-results, #audit-empty').first().waitFor();
      await page.locator('#verification').waitFor();
      assert.equal(await page.locator('#verification').getAttribute('data-ok'), 'true');
      assert.match(await page.locator('#verification').innerText(), /verified: \d+ events? intact, last verified /);
      await page.getByLabel('Type').fill('approval.approved');
      await page.getByRole('button', { name: 'Search' }).click();
      // The unfiltered list shown first has other types; the search leaves only approvals.
      const others = page.locator('#audit-results tbody tr:not([data-event-type="approval.approved"])');
      for (const deadline = Date.now() + 10_000; await others.count() > 0;) {
        if (Date.now() > deadline) throw new Error('the search by type never narrowed the results');
        await page.waitForTimeout(50);
      }
      assert.ok(await page.locator('#audit-results tbody tr[data-event-type="approval.approved"]').count() > 0);
      const row = page.locator('#audit-results tbody tr').first();
      assert.match(await row.innerText(), new RegExp(approvers.alice));
      assert.equal(await row.getByRole('link', { name: run.workflowId }).count(), 1, 'the event links to its run');
      await page.screenshot({ path: path.join(artifacts, 'audit.png'), fullPage: true });
      // The search is kept in the address: reloading shows the same search, filled in.
      assert.equal(new URL(page.url()).hash, '#/audit?type=approval.approved');
      await page.reload();
      await page.locator('#audit-results tbody tr').first().waitFor();
      assert.equal(await page.getByLabel('Type').inputValue(), 'approval.approved');
      assert.equal(await page.locator('#audit-results tbody tr:not([data-event-type="approval.approved"])').count(), 0);

      // A bad time range is refused with the server's reason on the page.
      await page.getByLabel('Since').fill('2030-01-02T00:00');
      await page.getByLabel('Until').fill('2030-01-01T00:00');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('alert').filter({ hasText: /since must not be after until/ }).waitFor();
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('loads older runs and events a page at a time, keeping the filters, by keyboard', async () => {
    // 53 runs in one batch share a timestamp, so the list orders them by id: 00…49, then 50…52.
    const runs = Array.from({ length: 53 }, (_, i) => `triage-more-${String(i).padStart(2, '0')}`);
    await appendAuditEvents(suite.h.db.pool, runs.map((workflowId, i) => ({ tenantId: suite.h.tenant.id, workflowId, type: 'webhook.accepted', detail: { incident: `INC0066${String(i).padStart(3, '0')}` } })));
    await appendAuditEvents(suite.h.db.pool, Array.from({ length: 55 }, (_, i) => ({ tenantId: suite.h.tenant.id, type: 'paging.browser', detail: { step: i } })));
    const { context, page, problems } = await signedIn();
    try {
      await page.goto(`${origin}/console/#/runs?incident=INC0066`);
      const rows = page.locator('#runs tbody tr');
      await page.locator('#runs').waitFor();
      assert.equal(await rows.count(), 50, 'the first page holds 50 runs');
      assert.match(await page.locator('#runs-more-status').innerText(), /^50 runs shown/);
      const more = page.getByRole('button', { name: 'Load older runs' });
      await more.focus();
      await page.keyboard.press('Enter');
      await page.locator('#runs tbody tr[data-workflow-id="triage-more-52"]').waitFor();
      assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-workflow-id'))), runs, 'the older runs are appended after the first page, once each');
      assert.equal(await page.getByRole('status').filter({ hasText: '3 more runs loaded; 53 runs shown' }).count(), 1);
      assert.match(await page.locator('#runs caption').innerText(), /^53 runs shown/);
      assert.equal(await more.count(), 0, 'no button once the oldest run is shown');
      assert.equal(await page.evaluate('document.activeElement?.getAttribute("data-workflow-id")'), 'triage-more-50', 'focus moves to the first added run');
      assert.equal(new URL(page.url()).hash, '#/runs?incident=INC0066', 'the filter stays in the address');
      await page.screenshot({ path: path.join(artifacts, 'runs-more.png'), fullPage: true });

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit trail' }).click();
      await page.locator('#audit-results, #audit-empty').first().waitFor();
      await page.getByLabel('Type').fill('paging.browser');
      await page.getByRole('button', { name: 'Search' }).click();
      const events = page.locator('#audit-results tbody tr');
      for (const deadline = Date.now() + 10_000; await page.locator('#audit-results tbody tr:not([data-event-type="paging.browser"])').count() > 0 || await events.count() !== 50;) {
        if (Date.now() > deadline) throw new Error('the search by type never showed its first page of 50');
        await page.waitForTimeout(50);
      }
      await page.getByRole('button', { name: 'Load older events' }).click();
      await page.getByRole('status').filter({ hasText: '5 more events loaded; 55 events shown' }).waitFor();
      assert.equal(await events.count(), 55);
      assert.deepEqual(
        await events.evaluateAll((trs) => trs.map((tr) => tr.querySelector('[data-label="Detail"]')?.textContent ?? '')).then((details) => details.map((d) => Number(/\d+/.exec(d)?.[0]))),
        Array.from({ length: 55 }, (_, i) => 54 - i),
        'newest first, the oldest five appended at the end',
      );
      assert.equal(await page.getByRole('button', { name: 'Load older events' }).count(), 0);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
