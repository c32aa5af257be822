/**
 * The console's approvals inbox in a real browser (Debian's Chromium) against the running stack:
 * an approver whose approver id the tenant's policy names signs in, opens the inbox from the
 * navigation with the keyboard, sees a triage request arrive by polling with the incident and its
 * proposed diff, approves it with Tab and Enter only, hears the outcome in the live region, and
 * the run writes the incident in the ServiceNow simulator. Screenshots go to
 * test-artifacts/console/ (git-ignored).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { TriageResult } from '../../triage/types';
import { browserSkipReason, launchChromium } from '../support/browser';
import { approvers } from '../support/harness';
import { untilDecided } from '../support/approved-run';
import { useTimeSkippingHarness } from '../support/harness-suite';
import { consoleArtifacts } from '../support/console-browser';

const skip = browserSkipReason();
const artifacts = consoleArtifacts;

/** Presses Tab until the focused element matches `selector` (no mouse, no programmatic focus). */
async function tabTo(page: Page, selector: string, maxPresses = 40): Promise<void> {
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe('approvals inbox in a browser', { skip, concurrency: false }, () => {
  const suite = useTimeSkippingHarness();
  let browser: Browser;
  let origin: string;
  const approver = { email: 'alice.approver@example.com', password: 'alice approves from the console', approverId: approvers.alice };

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    origin = new URL(suite.h.webhookUrl).origin;
    browser = await launchChromium();
    const res = await suite.h.admin('POST', `/admin/tenants/${suite.h.tenant.slug}/accounts`, { ...approver, role: 'approver', createdBy: 'console-inbox-browser-test' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  });
  after(async () => {
    await browser?.close();
  });

  it('approves a pending triage with the keyboard only, and the incident changes in ServiceNow', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(`csp: ${msg.text()}`);
    });
    try {
      // Sign in by typing and pressing Enter.
      await page.goto(`${origin}/console/#/login`);
      await page.getByLabel('Tenant').waitFor();
      await page.getByLabel('Tenant').focus();
      await page.keyboard.type(suite.h.tenant.slug);
      await page.keyboard.press('Tab');
      await page.keyboard.type(approver.email);
      await page.keyboard.press('Tab');
      await page.keyboard.type(approver.password);
      await page.keyboard.press('Enter');
      await page.locator('#signed-in-as').waitFor();

      // To the inbox through the navigation, by keyboard: nothing is waiting yet.
      await tabTo(page, 'nav a[href="#/inbox"]');
      await page.keyboard.press('Enter');
      await page.locator('#inbox-title').waitFor();
      assert.equal(new URL(page.url()).hash, '#/inbox');
      await page.locator('#approvals').filter({ hasText: /Nothing is waiting/ }).waitFor();

      // A triage run asks for approval; the open inbox picks it up by polling.
      const incident = suite.h.createVpnIncident();
      const workflowId = String((await suite.h.webhook(suite.h.incidentEvent(incident))).body.workflowId);
      await suite.h.waitForStatus(workflowId, 'awaiting_approval');
      const card = page.locator(`article.approval[data-workflow-id="${workflowId}"]`);
      await card.waitFor({ timeout: 15_000 });
      const text = await card.innerText();
      // The approver's Slack id is named by the console account that decides as it.
      assert.match(text, new RegExp(`alice\\.approver@example\\.com \\(${approvers.alice}\\)`));
      assert.match(text, new RegExp(`Approval needed: triage of ${incident.number}`));
      assert.match(text, /VPN down for the Berlin office/);
      assert.match(text, /Routing rule/);
      // The diff: the category's value now and the proposed one, as in the Slack message.
      const category = card.locator('table.diff tr', { has: page.locator('th', { hasText: /^category$/ }) });
      assert.equal(await category.locator('.diff-from').innerText(), 'inquiry');
      assert.equal(await category.locator('.diff-to').innerText(), 'network');
      await page.screenshot({ path: path.join(artifacts, 'inbox.png'), fullPage: true });

      // Approve: Tab to the card's Approve button and press Enter.
      const before = suite.h.sn.getIncident(incident.sys_id)!;
      assert.equal(before.category, 'inquiry');
      await page.locator('#main').focus();
      await tabTo(page, `article.approval[data-workflow-id="${workflowId}"] button:not(.danger)`);
      assert.equal(await page.evaluate('document.activeElement?.textContent'), 'Approve');
      await page.keyboard.press('Enter');
      const status = page.locator('#inbox-status');
      await status.filter({ hasText: new RegExp(`Approved: triage of ${incident.number}`) }).waitFor();
      assert.equal(await status.getAttribute('aria-live'), 'polite');
      assert.equal(await page.evaluate('document.activeElement?.id'), 'inbox-status', 'focus moves to the confirmation');
      assert.equal(await card.count(), 0, 'the decided request leaves the list');
      await page.screenshot({ path: path.join(artifacts, 'inbox-approved.png'), fullPage: true });

      await untilDecided(suite.h, workflowId);
      const outcome = (await suite.env.client.workflow.getHandle(workflowId).result()) as TriageResult;
      assert.equal(outcome.status, 'completed', outcome.detail);
      const decision = (await suite.h.state(workflowId)).decision;
      assert.equal(decision?.approver, approvers.alice);
      assert.equal(decision?.channel, 'console');
      const after = suite.h.sn.getIncident(incident.sys_id)!;
      assert.equal(after.category, 'network');
      assert.equal(after.assignment_group, suite.h.networkGroupId);
      assert.ok(Number(after.sys_mod_count) > Number(before.sys_mod_count));
      // Still empty after the next poll: the run closed the request.
      await page.waitForTimeout(3500);
      assert.equal(await page.locator('article.approval').count(), 0);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
