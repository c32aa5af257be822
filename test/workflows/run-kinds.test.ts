/**
 * Which runs a Slack button may name: every registered kind of approval run of the button's
 * tenant, and nothing else — whatever the tenant slugs look like.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { approvalRunWorkflowId, isTenantRun, runKinds } from '../../workflows/run-kinds';
import { revertWorkflowId, triageWorkflowId } from '../../workflows/triage-ids';

const sysId = '0123456789abcdef0123456789abcdef';

describe('run kinds', () => {
  it('accepts triage, revert and workflow runs of the tenant, each recognised by its own kind', () => {
    const ids = {
      triage: triageWorkflowId('acme', sysId),
      revert: revertWorkflowId('acme', sysId),
      'approval-run': approvalRunWorkflowId('acme', 'resolveIncidentAfterApproval', 'INC0010001'),
    };
    for (const [kind, id] of Object.entries(ids)) {
      assert.equal(isTenantRun(id, 'acme'), true, id);
      assert.deepEqual(runKinds.filter((k) => k.tenantOf(id) !== undefined).map((k) => k.kind), [kind], id);
    }
  });

  it('never hands one tenant\'s run to another, even when one slug starts the other', () => {
    const corp = approvalRunWorkflowId('acme-corp', 'shareGitHubFileAfterApproval', 'vpn-failover');
    assert.equal(isTenantRun(corp, 'acme-corp'), true);
    assert.equal(isTenantRun(corp, 'acme'), false);
    assert.equal(isTenantRun(approvalRunWorkflowId('acme', 'x', 'corp:vpn'), 'acme-corp'), false);
  });

  it('refuses ids of no registered kind and forged shapes', () => {
    for (const id of ['install-acme-github', 'reconcile-acme', 'run:acme', 'run:acme:1bad:key', 'run:Acme:wf:key', 'run:acme:wf:has space', `triage-acme-${sysId}x`, '']) {
      assert.equal(isTenantRun(id, 'acme'), false, id);
    }
  });

  it('refuses to build an id whose key could not be parsed back', () => {
    assert.throws(() => approvalRunWorkflowId('acme', 'wf', 'has space'), /not a valid run id/);
    assert.throws(() => approvalRunWorkflowId('acme', 'wf', 'x'.repeat(201)), /not a valid run id/);
  });
});
