/**
 * The audit link from Slack, opened the way an approver opens it: in a real browser (Debian's
 * Chromium), on a phone-sized screen. The run's events read as rows; markup that webhooks or
 * ServiceNow put into event details stays text and runs nothing; a tampered link says so.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { appendAudit } from '../../db/audit-repo';
import { browserSkipReason, launchChromium } from '../support/browser';
import { approvedTriageRun } from '../support/approved-run';
import { useTimeSkippingHarness } from '../support/harness-suite';
import { approvalMessage, messageText } from '../support/slack-assertions';

const skip = browserSkipReason();

describe('audit link in a browser', { skip, concurrency: false }, () => {
  const suite = useTimeSkippingHarness();
  let browser: Browser;
  let page: Page;
  let link: string;
  let incidentNumber: string;
  const dialogs: string[] = [];

  before(async () => {
    const h = suite.h;
    const { incident, workflowId } = await approvedTriageRun(h);
    incidentNumber = incident.number;
    // Event details carry what senders wrote; a script among them must not run in the page.
    await appendAudit(h.db.pool, {
      tenantId: h.tenant.id, workflowId, type: 'test.untrusted_input', actor: '<img src=x onerror=alert(2)>', outcome: 'recorded',
      detail: { note: '<script>alert(1)</script>' },
    });
    const found = /<(https?:\/\/[^|>]+\/audit\/runs\/[^|>]+)\|Audit trail>/.exec(messageText(approvalMessage(h.slack)));
    assert.ok(found, 'the outcome message links to the audit trail');
    link = found[1]!;

    browser = await launchChromium();
    // An approver on a phone: Slack links are often opened there.
    page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });
  after(async () => {
    await browser?.close();
  });

  it("shows the run's events as readable rows, the incident named", async () => {
    const response = await page.goto(link);
    assert.equal(response?.status(), 200);
    await page.locator('#audit-events').waitFor();
    const types = await page.locator('#audit-events tr[data-event-type]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event-type')));
    for (const expected of ['webhook.accepted', 'approval.requested', 'approval.approved', 'action.write', 'run.completed']) {
      assert.ok(types.includes(expected), `${expected} among ${types.join(', ')}`);
    }
    assert.match(await page.innerText('body'), new RegExp(incidentNumber));
    // The rows fit the phone's width: nothing to scroll sideways.
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    assert.ok(overflow <= 1, `the page is ${overflow}px wider than the screen`);
  });

  it('shows markup from event details as text and runs none of it', async () => {
    await page.goto(link);
    await page.locator('tr[data-event-type="test.untrusted_input"]').waitFor();
    const row = await page.innerText('tr[data-event-type="test.untrusted_input"]');
    assert.match(row, /<script>alert\(1\)<\/script>/, 'the script is shown as text');
    assert.match(row, /<img src=x onerror=alert\(2\)>/);
    assert.equal(await page.locator('img').count(), 0);
    assert.deepEqual(dialogs, [], 'no alert ran');
  });

  it('says a tampered link is invalid, and shows nothing of the run', async () => {
    const url = new URL(link);
    url.searchParams.set('sig', `${url.searchParams.get('sig')!.slice(0, -2)}xx`);
    const response = await page.goto(url.toString());
    assert.equal(response?.status(), 403);
    const body = await page.innerText('body');
    assert.match(body, /invalid or has expired/);
    assert.doesNotMatch(body, new RegExp(incidentNumber));
  });
});
