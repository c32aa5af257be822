/** The policy engine's decisions for each gate, tier and blocked-by-default rule. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { combineApprovals, evaluatePolicy, type ActionFacts } from '../../policy/evaluate-policy';
import { defaultPolicy, policyDocumentSchema, type PolicyDocumentInput } from '../../policy/policy-document';

const base: PolicyDocumentInput = {
  approverGroups: {
    agents: { members: ['U0AGENT1', 'U0AGENT2'] },
    leads: { members: ['U0LEAD1', 'U0LEAD2', 'U0LEAD3'] },
    owners: { members: ['U0OWNER1'] },
  },
  tiers: {
    low: { group: 'agents', quorum: 1, timeoutSeconds: 3600 },
    medium: { group: 'leads', quorum: 1, timeoutSeconds: 7200, reminderAfterSeconds: 1800 },
    high: { group: 'leads', quorum: 2, timeoutSeconds: 86400, escalation: { afterSeconds: 3600, group: 'owners' } },
  },
};
const policy = (extra: Partial<PolicyDocumentInput> = {}) => policyDocumentSchema.parse({ ...base, ...extra });
const action = (over: Partial<ActionFacts>): ActionFacts => ({ actionId: 'x.y', connectorId: 'x', gate: 'external_write', risk: 'medium', ...over });
const owner = { approvedBy: 'owner@acme.test', approvedAt: '2026-11-01T10:00:00Z', safetyReview: 'SEC-1234' };

describe('policy engine', () => {
  it('allows read-only actions and requires approval for external writes, by tier', () => {
    assert.equal(evaluatePolicy(action({ gate: 'read_only', risk: 'low' }), policy()).decision, 'allow');
    const medium = evaluatePolicy(action({ risk: 'medium' }), policy());
    assert.equal(medium.decision, 'needs_approval');
    assert.deepEqual(medium.approval?.approvers, ['U0LEAD1', 'U0LEAD2', 'U0LEAD3']);
    assert.equal(medium.approval?.reminderAfterSeconds, 1800);
    const high = evaluatePolicy(action({ risk: 'high' }), policy());
    assert.equal(high.approval?.quorum, 2);
    assert.deepEqual(high.approval?.escalation?.approvers, ['U0OWNER1']);
    const low = evaluatePolicy(action({ risk: 'low' }), policy());
    assert.deepEqual(low.approval?.approvers, ['U0AGENT1', 'U0AGENT2']);
  });

  it('never lets a tenant "allow" skip the approval of an external write', () => {
    const verdict = evaluatePolicy(action({}), policy({ actions: { 'x.y': { mode: 'allow' } } }));
    assert.equal(verdict.decision, 'needs_approval');
    assert.match(verdict.reason, /always need approval/);
  });

  it('lets a tenant allow workspace writes and artifacts, or block anything', () => {
    assert.equal(evaluatePolicy(action({ gate: 'workspace_write' }), policy()).decision, 'needs_approval');
    assert.equal(evaluatePolicy(action({ gate: 'artifact_generation' }), policy({ actions: { 'x.y': { mode: 'allow' } } })).decision, 'allow');
    assert.equal(evaluatePolicy(action({ gate: 'read_only' }), policy({ actions: { 'x.y': { mode: 'block' } } })).decision, 'blocked');
    assert.equal(evaluatePolicy(action({ gate: 'read_only' }), policy({ actions: { 'x.y': { mode: 'require_approval' } } })).decision, 'needs_approval');
  });

  it('blocks moving money and deleting customer data unless an owner enabled it with a safety review', () => {
    for (const effect of ['moves_money', 'deletes_customer_data'] as const) {
      const blocked = evaluatePolicy(action({ effects: [effect], risk: 'high' }), policy());
      assert.equal(blocked.decision, 'blocked', effect);
      const allowWithoutOwner = evaluatePolicy(action({ effects: [effect] }), policy({ actions: { 'x.y': { mode: 'allow' } } }));
      assert.equal(allowWithoutOwner.decision, 'blocked', `${effect}: "allow" alone is not enough`);
      const enabled = evaluatePolicy(action({ effects: [effect] }), policy({ actions: { 'x.y': { mode: 'allow', ownerApproval: owner } } }));
      assert.equal(enabled.decision, 'needs_approval', `${effect}: owner-enabled still needs approval per use`);
      assert.equal(enabled.approval?.tier, 'high');
      assert.match(enabled.reason, /SEC-1234/);
    }
    assert.equal(evaluatePolicy(action({ gate: 'blocked_by_default', risk: 'blocked_by_default' }), policy()).decision, 'blocked');
  });

  it('publishing public content always needs review; external messages need approval unless owner-allowed', () => {
    const publish = evaluatePolicy(action({ effects: ['publishes_public_content'] }), policy({ actions: { 'x.y': { mode: 'allow', ownerApproval: owner } } }));
    assert.equal(publish.decision, 'needs_approval');
    assert.equal(evaluatePolicy(action({ effects: ['sends_external_message'] }), policy({ actions: { 'x.y': { mode: 'allow' } } })).decision, 'needs_approval');
    assert.equal(evaluatePolicy(action({ effects: ['sends_external_message'] }), policy({ actions: { 'x.y': { mode: 'allow', ownerApproval: owner } } })).decision, 'allow');
  });

  it('marks shadow-mode connectors and combines approvals to the strictest tier', () => {
    const shadow = evaluatePolicy(action({}), policy({ shadowConnectors: ['x'] }));
    assert.equal(shadow.shadow, true);
    assert.equal(evaluatePolicy(action({ connectorId: 'other' }), policy({ shadowConnectors: ['x'] })).shadow, false);
    const combined = combineApprovals([evaluatePolicy(action({ risk: 'low' }), policy()), evaluatePolicy(action({ risk: 'high' }), policy())]);
    assert.equal(combined?.tier, 'high');
    assert.equal(combineApprovals([evaluatePolicy(action({ gate: 'read_only' }), policy())]), undefined);
  });

  it('refuses a policy document naming unknown groups or an impossible quorum', () => {
    const unknownGroup = policyDocumentSchema.safeParse({ ...base, tiers: { ...base.tiers, low: { group: 'nobody' } } });
    assert.equal(unknownGroup.success, false);
    const quorum = policyDocumentSchema.safeParse({ ...base, tiers: { ...base.tiers, low: { group: 'owners', quorum: 2 } } });
    assert.equal(quorum.success, false);
    assert.match(JSON.stringify(quorum.error?.issues), /quorum 2 is larger/);
    assert.equal(defaultPolicy(['U0A1'], 600).tiers.high.timeoutSeconds, 600);
  });

  it('excludes approvers the self-approval check cannot identify unless the policy says flag; older documents get the default', () => {
    assert.equal(policy().identityCheck.unverifiedApprovers, 'exclude', 'a document stored before the setting existed');
    assert.equal(defaultPolicy(['U0A1'], 600).identityCheck.unverifiedApprovers, 'exclude');
    assert.equal(policy({ identityCheck: { unverifiedApprovers: 'flag' } }).identityCheck.unverifiedApprovers, 'flag');
    assert.equal(policyDocumentSchema.safeParse({ ...base, identityCheck: { unverifiedApprovers: 'allow' } }).success, false);
  });
});
