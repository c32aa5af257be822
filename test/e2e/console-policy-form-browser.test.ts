/**
 * The console's policy form in a real browser (Debian's Chromium) against the running stack: an
 * admin raises the high tier's quorum above its group's size and Validate shows the server's
 * message next to the quorum field (the message the field names in aria-describedby, the field
 * marked invalid and focused); the admin fixes it by keyboard, blocks a connector action with an
 * override, simulates (the action changes to blocked), saves with Tab and Enter, and the reloaded
 * page shows the saved values in the form. A renamed group takes its tiers along, switching to
 * JSON and back keeps the draft, JSON that does not parse keeps the JSON view, and a group added
 * with a name already taken is caught at its name field before anything is sent. A viewer on a phone sees the form with every control
 * disabled and no Save, and nothing scrolls sideways. Screenshots go to test-artifacts/console/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { browserSkipReason, launchChromium } from '../support/browser';
import { consoleArtifacts, createConsoleAccount, watchedPage, signInOnPage } from '../support/console-browser';
import { useTimeSkippingHarness } from '../support/harness-suite';

const skip = browserSkipReason();
const blockedAction = 'slack.users.info';

describe('console policy form in a browser', { skip, concurrency: false }, () => {
  const suite = useTimeSkippingHarness();
  let browser: Browser;
  let origin: string;
  const admin = { email: 'fran.admin@example.com', password: 'correct horse battery staple' };
  const viewer = { email: 'vic.viewer@example.com', password: 'a viewer only reads things' };

  before(async () => {
    mkdirSync(consoleArtifacts, { recursive: true });
    origin = new URL(suite.h.webhookUrl).origin;
    browser = await launchChromium();
    await createConsoleAccount(suite.h, { ...admin, role: 'admin' });
    await createConsoleAccount(suite.h, { ...viewer, role: 'viewer' });
  });
  after(async () => {
    await browser?.close();
  });

  const signIn = (page: Page, who: { email: string; password: string }) => signInOnPage(page, origin, suite.h.tenant.slug, who);

  const tier = (page: Page, name: 'Low risk' | 'Medium risk' | 'High risk') => page.getByRole('group', { name, exact: true });
  /** The id of the element focused now (through a page script: this file has no DOM types). */
  const focusedId = (page: Page) => page.evaluate('document.activeElement && document.activeElement.id') as Promise<string>;
  const overflow = async (page: Page) => Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
  /** The text of the elements `control` names in aria-describedby, by id. */
  const descriptions = async (page: Page, control: Locator): Promise<Record<string, string>> => {
    const ids = (await control.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    return Object.fromEntries(await Promise.all(ids.map(async (id) => [id, (await page.locator(`[id="${id}"]`).innerText()).trim()] as const)));
  };

  it('shows the quorum problem at its field, then simulates, saves by keyboard and reloads the saved form', async () => {
    const { context, page, problems } = await watchedPage(browser);
    try {
      await signIn(page, admin);
      await page.getByRole('link', { name: 'Policy' }).click();
      const high = tier(page, 'High risk');
      const quorum = high.getByLabel('Quorum');
      await quorum.waitFor();
      assert.equal(await page.getByRole('button', { name: 'Form' }).getAttribute('aria-pressed'), 'true', 'the form is the default view');
      assert.equal(await page.getByLabel('Policy document (JSON)').isVisible(), false);
      assert.equal(await high.getByLabel('Group', { exact: true }).inputValue(), 'approvers');
      const members = (await page.getByRole('group', { name: 'Approver group 1' }).getByLabel('Members').inputValue()).split('\n').filter(Boolean);
      assert.ok(members.length >= 1, 'the default group has the tenant\'s approvers');

      const tooMany = members.length + 1;
      await quorum.fill(String(tooMany));
      await page.getByRole('button', { name: 'Validate' }).click();
      const message = `quorum ${tooMany} is larger than group "approvers"`;
      await page.getByRole('status').filter({ hasText: /1 problem in the draft: see the messages next to the fields/ }).waitFor();
      const described = await descriptions(page, quorum);
      const messageIds = Object.entries(described).filter(([, text]) => text.includes(message)).map(([id]) => id);
      assert.equal(messageIds.length, 1, `the quorum field names the message in aria-describedby: ${JSON.stringify(described)}`);
      assert.match(await page.locator(`[id="${messageIds[0]}"]`).getAttribute('class') ?? '', /field-message/);
      assert.equal(await quorum.getAttribute('aria-invalid'), 'true');
      assert.equal(await focusedId(page), await quorum.getAttribute('id'), 'focus moves to the first problem');
      assert.equal(await tier(page, 'Low risk').getByLabel('Quorum').getAttribute('aria-invalid'), null, 'only the field named is marked');
      assert.equal(await page.locator('#policy-form-summary').isVisible(), false, 'a problem at a field is not repeated in the summary');
      await page.screenshot({ path: path.join(consoleArtifacts, 'policy-form-invalid.png'), fullPage: true });

      // Fixed by keyboard alone: the focused quorum field is retyped, Tab leaves it.
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type(String(members.length));
      await page.keyboard.press('Tab');
      assert.equal(await quorum.inputValue(), String(members.length));

      // An optional field left empty is stored with its default.
      const lowQuorum = tier(page, 'Low risk').getByLabel('Quorum');
      await lowQuorum.fill('');
      await page.getByLabel('Action to override').selectOption(blockedAction);
      await page.getByRole('button', { name: 'Add override' }).click();
      const override = page.locator(`fieldset.policy-override[data-action-id="${blockedAction}"]`);
      await override.getByLabel('Mode').selectOption('block');
      assert.equal(await override.getByRole('group', { name: 'Owner approval' }).isVisible(), false, 'a blocked action needs no owner approval');
      const simulate = page.getByRole('button', { name: 'Simulate' });
      await simulate.click();
      const row = page.locator(`#policy-simulation tr[data-action-id="${blockedAction}"]`);
      await row.waitFor();
      assert.equal(await row.getAttribute('data-changed'), 'true');
      assert.match(await row.innerText(), /Blocked/);
      assert.equal(await quorum.getAttribute('aria-invalid'), null, 'the fixed field is no longer marked');
      assert.equal(await page.locator('#policy-form .field-message:not(:empty)').count(), 0);
      await page.screenshot({ path: path.join(consoleArtifacts, 'policy-form.png'), fullPage: true });

      // Save by keyboard: Tab from Simulate reaches Save, Enter presses it.
      await simulate.focus();
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate('document.activeElement && document.activeElement.textContent'), 'Save');
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: /Saved as revision 1/ }).waitFor();
      assert.match(await page.locator('#policy-revisions').innerText(), new RegExp(`Revision 1 by ${admin.email.replace('.', '\\.')}`));
      assert.equal(await lowQuorum.inputValue(), '1', 'the form shows the stored document, defaults filled in');

      await page.reload();
      await quorum.waitFor();
      assert.match(await page.locator('#policy-in-force').innerText(), /Revision 1 is in force/);
      assert.equal(await quorum.inputValue(), String(members.length));
      assert.equal(await page.locator(`fieldset.policy-override[data-action-id="${blockedAction}"]`).getByLabel('Mode').inputValue(), 'block');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('keeps the draft between the form and JSON, stays on JSON that does not parse, and catches two groups of one name', async () => {
    const { context, page, problems } = await watchedPage(browser);
    try {
      await signIn(page, admin);
      await page.goto(`${origin}/console/#/policy`);
      const lowTimeout = tier(page, 'Low risk').getByRole('spinbutton', { name: 'Timeout', exact: true });
      await lowTimeout.waitFor();
      await lowTimeout.fill('45');
      await tier(page, 'Low risk').getByRole('combobox', { name: 'Timeout unit' }).selectOption('minutes');
      // Renaming a group (cleared, then retyped) takes the tiers that use it along.
      const groupName = page.getByRole('group', { name: 'Approver group 1' }).getByRole('textbox', { name: 'Name', exact: true });
      await groupName.fill('');
      await groupName.fill('on-call');
      assert.equal(await tier(page, 'High risk').getByLabel('Group', { exact: true }).inputValue(), 'on-call');
      await page.getByRole('button', { name: 'Edit as JSON' }).click();
      const editor = page.getByLabel('Policy document (JSON)');
      await editor.waitFor();
      const document = JSON.parse(await editor.inputValue()) as {
        approverGroups: Record<string, unknown>; tiers: Record<'low' | 'medium' | 'high', { group: string; timeoutSeconds: number; quorum: number }>; actions: Record<string, unknown>;
      };
      assert.equal(document.tiers.low.timeoutSeconds, 45 * 60, 'the form\'s draft, in seconds');
      assert.deepEqual(Object.keys(document.approverGroups), ['on-call']);
      assert.deepEqual([document.tiers.low.group, document.tiers.medium.group, document.tiers.high.group], ['on-call', 'on-call', 'on-call']);
      assert.deepEqual(document.actions[blockedAction], { mode: 'block' });

      await editor.fill('{ "tiers": ');
      await page.getByRole('button', { name: 'Form' }).click();
      await page.getByRole('alert').filter({ hasText: /does not parse/ }).waitFor();
      assert.equal(await editor.isVisible(), true, 'JSON that does not parse stays in the JSON view');

      document.tiers.medium.quorum = 2;
      await editor.fill(JSON.stringify(document, null, 2));
      await page.getByRole('button', { name: 'Form' }).click();
      await tier(page, 'Medium risk').getByLabel('Quorum').waitFor();
      assert.equal(await tier(page, 'Medium risk').getByLabel('Quorum').inputValue(), '2');
      assert.equal(await lowTimeout.inputValue(), '45');
      assert.equal(await editor.isVisible(), false);

      // A second group with the same name is caught by the form itself, at the new name field.
      await page.getByRole('button', { name: 'Add group' }).click();
      const second = page.getByRole('group', { name: 'Approver group 2' });
      const secondName = second.getByRole('textbox', { name: 'Name', exact: true });
      assert.equal(await focusedId(page), await secondName.getAttribute('id'), 'the new group\'s name is focused');
      await page.keyboard.type('on-call');
      await second.getByRole('textbox', { name: 'Members', exact: true }).fill('U0CAROL003');
      await page.getByRole('button', { name: 'Validate' }).click();
      await page.getByRole('status').filter({ hasText: /The form has problems/ }).waitFor();
      assert.equal(await secondName.getAttribute('aria-invalid'), 'true');
      assert.match(Object.values(await descriptions(page, secondName)).join(' '), /another group is already named "on-call"/);
      await second.getByRole('button', { name: 'Remove group on-call' }).click();
      assert.equal(await page.getByRole('group', { name: 'Approver group 2' }).count(), 0);
      await page.getByRole('button', { name: 'Validate' }).click();
      await page.getByRole('status').filter({ hasText: 'The draft is valid.' }).waitFor();
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('fits a phone: an admin\'s form with a problem shown, and a viewer\'s read-only form without Save', async () => {
    const phone = { width: 390, height: 844 };
    const adminPage = await watchedPage(browser, phone);
    try {
      await signIn(adminPage.page, admin);
      await adminPage.page.goto(`${origin}/console/#/policy`);
      const quorum = tier(adminPage.page, 'High risk').getByLabel('Quorum');
      await quorum.waitFor();
      await quorum.fill('11');
      await adminPage.page.getByRole('button', { name: 'Validate' }).click();
      await adminPage.page.locator('#policy-form .field-message:not(:empty)').first().waitFor();
      assert.equal(await quorum.getAttribute('aria-invalid'), 'true');
      await adminPage.page.screenshot({ path: path.join(consoleArtifacts, 'policy-form-phone-admin.png'), fullPage: true });
      const wide = await overflow(adminPage.page);
      assert.ok(wide <= 1, `the admin's form is ${wide}px wider than the phone`);
      assert.deepEqual(adminPage.problems, []);
    } finally {
      await adminPage.context.close();
    }

    const { context, page, problems } = await watchedPage(browser, phone);
    try {
      await signIn(page, viewer);
      await page.goto(`${origin}/console/#/policy`);
      const quorum = tier(page, 'High risk').getByLabel('Quorum');
      await quorum.waitFor();
      const controls = page.locator('#policy-form input, #policy-form select, #policy-form textarea');
      assert.ok(await controls.count() > 10, 'the viewer sees the whole form');
      assert.equal(await page.locator('#policy-form :is(input, select, textarea):not([disabled])').count(), 0, 'every control is disabled');
      assert.equal(await quorum.isDisabled(), true);
      assert.equal(await page.getByRole('button', { name: 'Save' }).count(), 0);
      assert.equal(await page.getByRole('button', { name: /^(Add group|Add override|Remove)/ }).count(), 0);
      assert.match(await page.locator('.policy-edit').innerText(), /Only an admin can save the policy/);
      assert.equal(await page.getByRole('button', { name: 'Simulate' }).count(), 1, 'a viewer can still simulate');
      const wide = await overflow(page);
      assert.ok(wide <= 1, `the viewer's form is ${wide}px wider than the phone`);
      await page.screenshot({ path: path.join(consoleArtifacts, 'policy-form-phone-viewer.png'), fullPage: true });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
