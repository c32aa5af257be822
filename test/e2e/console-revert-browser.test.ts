/**
 * Revert from the console's run page in a real browser (Debian's Chromium) against the running
 * stack, after a triage run approved in Slack: the Slack audit link opened in a signed-in browser
 * lands on the run's console page; a viewer reads that only a tenant admin can ask for a revert;
 * an admin asking while another revert is open reads the server's refusal, and once that one is
 * denied the page says so and offers the revert again; an admin presses Revert, sees each field with the value it goes back to, is told a reason is
 * needed, gives one and asks; the page says the revert waits for approval (Slack and the Inbox),
 * an approver approves in Slack, the incident in the ServiceNow simulator holds its prior values
 * again, and the page, by polling, says the revert completed. Screenshots go to
 * test-artifacts/console/ (git-ignored).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { TriageResult } from '../../triage/types';
import { approvedTriageRun, untilDecided } from '../support/approved-run';
import { browserSkipReason, launchChromium } from '../support/browser';
import { approvers, channelId } from '../support/harness';
import { useTimeSkippingHarness } from '../support/harness-suite';
import { consoleArtifacts, createConsoleAccount, signedInPage } from '../support/console-browser';
import { approvalMessage, hasDecisionButtons, messageText } from '../support/slack-assertions';

const skip = browserSkipReason();
const artifacts = consoleArtifacts;

const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('console revert in a browser', { skip, concurrency: false }, () => {
  const suite = useTimeSkippingHarness();
  let browser: Browser;
  let origin: string;
  let run: { incident: { sys_id: string; number: string }; workflowId: string };
  let link: string;
  const admin = { email: 'ravi.revert@example.com', password: 'admins may ask for reverts', role: 'admin' } as const;
  const viewer = { email: 'vera.view@example.com', password: 'viewers only read the runs', role: 'viewer' } as const;
  /** The incident's fields before the triage, as the harness creates a VPN incident. */
  const original = { assignment_group: '', category: 'inquiry', impact: '3', urgency: '3' } as const;

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    origin = new URL(suite.h.webhookUrl).origin;
    await createConsoleAccount(suite.h, admin);
    await createConsoleAccount(suite.h, viewer);
    run = await approvedTriageRun(suite.h);
    const found = /<(https?:\/\/[^|>]+\/audit\/runs\/[^|>]+)\|Audit trail>/.exec(messageText(approvalMessage(suite.h.slack)));
    assert.ok(found, 'the outcome message links to the audit trail');
    link = found[1]!;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  const signedIn = (account: { email: string; password: string }) => signedInPage(browser, origin, suite.h.tenant.slug, account);

  const runHash = () => `#/runs/${encodeURIComponent(run.workflowId)}`;

  it('the Slack audit link clicked on another site in a signed-in browser lands on the run page', async () => {
    const { context, page, problems } = await signedIn(viewer);
    try {
      // As in Slack: the link is clicked on a page of another site, a cross-site top-level
      // navigation (the session cookie must be one the browser sends on it).
      await page.goto('about:blank');
      await page.setContent(`<a id="slack-link" href="${link}">Audit trail</a>`);
      await page.click('#slack-link');
      await page.locator('#changes').waitFor();
      const url = new URL(page.url());
      assert.equal(url.pathname, '/console/');
      assert.equal(url.hash, runHash());
      assert.equal(url.search, '', 'the signature is not carried to the console');
      assert.match(await page.getByRole('heading', { level: 1 }).innerText(), new RegExp(run.incident.number));
      // A viewer reads the run but may not ask for its revert.
      assert.match(await page.locator('#revert').innerText(), /Only a tenant admin can ask for a revert/);
      assert.equal(await page.getByRole('button', { name: 'Revert', exact: true }).count(), 0);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  /** Clicks `actionId` on the newest Slack message as alice and waits for the run's outcome. */
  async function decideInSlack(revertId: string, actionId: 'gatehouse_approve' | 'gatehouse_deny'): Promise<TriageResult> {
    const h = suite.h;
    await h.waitForStatus(revertId, 'awaiting_approval');
    const request = h.slack.messages(channelId).at(-1)!;
    assert.ok(hasDecisionButtons(request));
    await h.slack.click({ interactivityUrl: h.interactivityUrl, signingSecret: h.signingSecret, channel: request.channel, ts: request.ts, actionId, userId: approvers.alice });
    await untilDecided(h, revertId);
    return await h.env.client.workflow.getHandle(revertId).result() as TriageResult;
  }

  it('shows the server’s refusal when a revert is already open, and offers the revert again once that one is denied', async () => {
    const h = suite.h;
    const { context, page, problems } = await signedIn(admin);
    try {
      await page.goto(`${origin}/console/${runHash()}`);
      await page.getByRole('button', { name: 'Revert', exact: true }).click();
      await page.getByLabel('Why revert?').fill('routed to the wrong team');
      // Meanwhile someone asks in Slack's stead, through the admin API.
      const elsewhere = await h.admin('POST', `/admin/runs/${run.workflowId}/revert`, { requestedBy: approvers.bob, reason: 'asked elsewhere first' });
      assert.equal(elsewhere.status, 202, JSON.stringify(elsewhere.body));
      await page.getByRole('button', { name: 'Ask for approval to revert' }).click();
      await page.getByRole('alert').filter({ hasText: /a revert of this incident is already open/ }).waitFor();
      await page.screenshot({ path: path.join(artifacts, 'run-revert-refused.png'), fullPage: true });

      const denied = await decideInSlack(String(elsewhere.body['workflowId']), 'gatehouse_deny');
      assert.equal(denied.status, 'denied', denied.detail);
      await page.reload();
      await page.locator('#revert[data-revert-status="denied"]').waitFor();
      assert.match(await page.locator('#revert-status').innerText(), /The revert was denied; nothing was changed/);
      assert.equal(await page.getByRole('button', { name: 'Revert', exact: true }).count(), 1, 'a denied revert may be asked for again');
      assert.equal(h.sn.getIncident(run.incident.sys_id)!.assignment_group, h.networkGroupId, 'nothing was put back');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('an admin asks for the revert from the run page; approved in Slack, the incident has its prior values and the page says so', async () => {
    const h = suite.h;
    const { context, page, problems } = await signedIn(admin);
    try {
      await page.goto(`${origin}/console/${runHash()}`);
      await page.getByRole('button', { name: 'Revert', exact: true }).click();

      // What goes back: the group the triage set returns to the empty value it replaced.
      const group = page.locator('#revert-restores tbody tr[data-field="assignment_group"]');
      await group.waitFor();
      assert.equal(await group.locator('td.after').innerText(), h.networkGroupId);
      assert.equal(await group.locator('td.before').innerText(), '(empty)');
      for (const field of ['category', 'impact', 'urgency'] as const) {
        assert.equal(await page.locator(`#revert-restores tbody tr[data-field="${field}"] td.before`).innerText(), original[field]);
      }
      const reason = page.getByLabel('Why revert?');
      assert.equal(await page.evaluate('document.activeElement?.id ?? ""'), await reason.getAttribute('id'), 'the reason has the focus');

      // Without a reason nothing is asked, and the page says why.
      const posted = h.slack.messages(channelId).length;
      await page.getByRole('button', { name: 'Ask for approval to revert' }).click();
      await page.getByRole('alert').filter({ hasText: /at least 5 characters/ }).waitFor();
      assert.equal(h.slack.messages(channelId).length, posted, 'no revert request was posted');
      await page.screenshot({ path: path.join(artifacts, 'run-revert-confirm.png'), fullPage: true });
      await reason.fill('routed to the wrong team');
      await page.getByRole('button', { name: 'Ask for approval to revert' }).click();
      const waiting = page.locator('#revert-waiting');
      await waiting.waitFor();
      assert.match(await waiting.innerText(), new RegExp(`asked for by ${escaped(admin.email)} .*awaiting approval.*Slack or in the console Inbox`));
      assert.equal(await page.getByRole('link', { name: 'Open the Inbox' }).getAttribute('href'), '#/inbox');
      const revertId = `revert-${h.tenant.slug}-${run.incident.sys_id}`;
      assert.equal(await page.locator('#revert-run-link').getAttribute('href'), `#/runs/${encodeURIComponent(revertId)}`);
      await page.screenshot({ path: path.join(artifacts, 'run-revert-asked.png'), fullPage: true });

      // The approvers are asked in Slack; the console account that asked is named as the requester.
      const waitingState = await h.waitForStatus(revertId, 'awaiting_approval');
      assert.equal(waitingState.plan?.revertOf?.requestedBy, admin.email);
      assert.match(messageText(h.slack.messages(channelId).at(-1)!), /routed to the wrong team/);
      const outcome = await decideInSlack(revertId, 'gatehouse_approve');
      assert.equal(outcome.status, 'completed', outcome.detail);
      const incident = h.sn.getIncident(run.incident.sys_id)!;
      for (const field of ['assignment_group', 'category', 'impact', 'urgency'] as const) {
        assert.equal(incident[field], original[field], `${field} is back to its value before the triage`);
      }

      // The open page finds out by polling, without a reload.
      await page.locator('#revert[data-revert-status="completed"]').waitFor({ timeout: 15_000 });
      assert.match(await page.locator('#revert-status').innerText(), /Reverted: each field is back to its prior value/);
      assert.equal(await page.getByRole('button', { name: 'Revert', exact: true }).count(), 0, 'a restored run is not offered again');
      await page.screenshot({ path: path.join(artifacts, 'run-revert.png'), fullPage: true });

      // The revert run has its own page, with the restore on its timeline.
      await page.locator('#revert-run-link').click();
      await page.locator('#timeline').waitFor();
      assert.equal(new URL(page.url()).hash, `#/runs/${encodeURIComponent(revertId)}`);
      assert.equal(await page.locator('#timeline li[data-event-type="revert.requested"]').filter({ hasText: new RegExp(`by ${escaped(admin.email)}`) }).count(), 1);
      assert.equal(await page.locator('#run-status').innerText(), 'completed');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
