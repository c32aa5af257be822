/**
 * The console policy form's pure parts: a document becomes a draft the form shows and comes back
 * as the same document, what only the form can see is caught before sending, and each server
 * issue lands at the field its path names (action ids and group names with dots included).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { documentFromDraft, draftFromDocument, durationOf, type PolicyDraft } from '../../console/web/policy-draft';
import { fieldForIssue, placeIssues } from '../../console/web/policy-issue-paths';
import { policyDocumentSchema, type PolicyDocumentInput } from '../../policy/policy-document';

const full: PolicyDocumentInput = {
  schemaVersion: 1,
  approverGroups: {
    oncall: { members: ['U0AGENT1', 'U0AGENT2'] },
    'team.leads': { members: ['U0LEAD1'] },
  },
  tiers: {
    low: { group: 'oncall', quorum: 1, timeoutSeconds: 3600 },
    medium: { group: 'oncall', quorum: 2, timeoutSeconds: 90, reminderAfterSeconds: 1800 },
    high: { group: 'team.leads', quorum: 1, timeoutSeconds: 86400, escalation: { afterSeconds: 7200, group: 'oncall' } },
  },
  actions: {
    'slack.users.info': { mode: 'block' },
    'stripe.refunds.create': { mode: 'require_approval', ownerApproval: { approvedBy: 'owner@acme.test', approvedAt: '2026-11-01T10:00:00Z', safetyReview: 'SEC-1234' } },
  },
  shadowConnectors: ['github'],
  identityCheck: { unverifiedApprovers: 'flag' },
  credentials: { clientSecretStorage: 'reference' },
};

describe('policy form model', () => {
  it('shows times in the largest whole unit and members one per line', () => {
    assert.deepEqual(durationOf(86400), { amount: '24', unit: 'hours' });
    assert.deepEqual(durationOf(1800), { amount: '30', unit: 'minutes' });
    assert.deepEqual(durationOf(90), { amount: '90', unit: 'seconds' });
    assert.deepEqual(durationOf(undefined), { amount: '', unit: 'minutes' });
    const draft = draftFromDocument(full);
    assert.equal(draft.groups[0]?.members, 'U0AGENT1\nU0AGENT2');
    assert.deepEqual(draft.tiers.high.escalationAfter, { amount: '2', unit: 'hours' });
    assert.equal(draft.tiers.low.reminder.amount, '', 'no reminder is an empty field');
  });

  it('reads the draft back as the same document, which the schema accepts unchanged', () => {
    const { document, issues } = documentFromDraft(draftFromDocument(full));
    assert.deepEqual(issues, []);
    assert.deepEqual(document, full);
    assert.deepEqual(policyDocumentSchema.parse(document), policyDocumentSchema.parse(full));
  });

  it('leaves empty optional fields out, converts units and drops blank member lines', () => {
    const draft = draftFromDocument(full);
    draft.tiers.medium.reminder = { amount: '', unit: 'minutes' };
    draft.tiers.low.timeout = { amount: '1.5', unit: 'minutes' };
    draft.tiers.high.escalationAfter = { amount: '', unit: 'hours' };
    draft.tiers.high.escalationGroup = '';
    draft.groups[0]!.members = ' U0AGENT1 \n\n U0AGENT3\n';
    const { document } = documentFromDraft(draft);
    assert.equal(document.tiers.medium.reminderAfterSeconds, undefined);
    assert.equal(document.tiers.low.timeoutSeconds, 90);
    assert.equal(document.tiers.high.escalation, undefined);
    assert.deepEqual(document.approverGroups.oncall?.members, ['U0AGENT1', 'U0AGENT3']);
  });

  it('sends half an escalation and half an owner approval so the server names the missing half', () => {
    const draft = draftFromDocument(full);
    draft.tiers.low.escalationGroup = 'team.leads';
    draft.overrides[1]!.ownerApproval.safetyReview = '';
    const { document } = documentFromDraft(draft);
    assert.deepEqual(document.tiers.low.escalation, { group: 'team.leads' });
    const parsed = policyDocumentSchema.safeParse(document);
    assert.equal(parsed.success, false);
    const paths = parsed.error!.issues.map((i) => i.path.join('.'));
    assert.deepEqual(paths.sort(), ['actions.stripe.refunds.create.ownerApproval.safetyReview', 'tiers.low.escalation.afterSeconds']);
    const keys = paths.map((path) => fieldForIssue({ path, message: 'x' }, draft));
    assert.deepEqual(keys, ['overrides.1.safetyReview', 'tiers.low.escalationAfter']);
  });

  it('catches what only the form can see: a nameless group, two groups with one name, a quorum that is not a number', () => {
    const draft = draftFromDocument(full);
    draft.groups.push({ name: '  ', members: 'U0X1' }, { name: 'oncall', members: 'U0X2' });
    draft.tiers.high.quorum = 'not a number';
    const { issues, document } = documentFromDraft(draft);
    assert.deepEqual(issues, [
      { key: 'groups.2.name', message: 'a group needs a name' },
      { key: 'groups.3.name', message: 'another group is already named "oncall"' },
      { key: 'tiers.high.quorum', message: 'enter a number' },
    ]);
    assert.deepEqual(document.approverGroups.oncall?.members, ['U0AGENT1', 'U0AGENT2'], 'the first group of a name is kept');
  });

  it('keeps any name as an ordinary key, "__proto__" included', () => {
    const draft = draftFromDocument(full);
    draft.groups.push({ name: '__proto__', members: 'U0X1' });
    const { document } = documentFromDraft(draft);
    assert.deepEqual(Object.keys(document.approverGroups), ['oncall', 'team.leads', '__proto__']);
    assert.equal(Object.getPrototypeOf(document.approverGroups), Object.prototype);
  });

  it('places each server issue at the field its path names, the rest in the summary with a field to focus', () => {
    const draft: PolicyDraft = draftFromDocument(full);
    const { placed, unplaced } = placeIssues([
      { path: 'tiers.high.quorum', message: 'quorum 3 is larger than group "team.leads"' },
      { path: 'approverGroups.oncall.members.1', message: 'a Slack user id (U… or W…)' },
      { path: 'approverGroups.team.leads.members', message: 'too small' },
      { path: 'actions.slack.users.info.mode', message: 'invalid option' },
      { path: 'tiers.medium.timeoutSeconds', message: 'too small' },
      { path: 'tiers.high', message: 'unknown approver group "oncall"' },
      { path: 'tiers.low', message: 'unknown approver group "oncall"' },
      { path: 'credentials.clientSecretStorage', message: 'invalid option' },
      { path: 'shadowConnectors.0', message: 'too small' },
      { path: 'schemaVersion', message: 'expected 1' },
      { path: 'tiers', message: 'something about all tiers' },
    ], draft);
    assert.deepEqual(placed.map((p) => p.key), [
      'tiers.high.quorum', 'groups.0.members', 'groups.1.members', 'overrides.0.mode', 'tiers.medium.timeout',
      'tiers.high.escalationGroup', 'tiers.low.group', 'clientSecretStorage', 'shadowConnectors',
    ]);
    assert.deepEqual(unplaced, [
      { path: 'schemaVersion', message: 'expected 1' },
      { path: 'tiers', message: 'something about all tiers', near: 'tiers.low.group' },
    ]);
  });
});
