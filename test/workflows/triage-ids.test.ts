/**
 * Run ids carry their tenant: a Slack button names a run by id, and the interactivity handler
 * relays a click only to a run of the workspace's own tenant. Slugs contain dashes, so a
 * tenant whose slug prefixes another's must not claim the other's runs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTenantRun } from '../../workflows/run-kinds';
import { parseRunWorkflowId, revertWorkflowId, triageWorkflowId } from '../../workflows/triage-ids';

const sysId = '0123456789abcdef0123456789abcdef';

describe('run ids', () => {
  it('parses the kind, tenant and incident back out of triage and revert ids', () => {
    assert.deepEqual(parseRunWorkflowId(triageWorkflowId('acme-corp', sysId)), { kind: 'triage', tenantSlug: 'acme-corp', sysId });
    assert.deepEqual(parseRunWorkflowId(revertWorkflowId('a1', sysId)), { kind: 'revert', tenantSlug: 'a1', sysId });
  });

  it('does not let a tenant claim the runs of a tenant whose slug it prefixes', () => {
    const foreign = triageWorkflowId('acme-corp', sysId);
    assert.equal(isTenantRun(foreign, 'acme'), false);
    assert.equal(isTenantRun(foreign, 'acme-corp'), true);
    assert.equal(isTenantRun(triageWorkflowId('acme', sysId), 'acme-corp'), false);
  });

  it('refuses ids that are not run ids at all', () => {
    for (const id of ['', 'triage-acme-', `triage-acme-${sysId}x`, `triage-acme-${sysId.toUpperCase()}`, `reconcile-acme`, `triage--${sysId}`]) {
      assert.equal(parseRunWorkflowId(id), undefined, id);
      assert.equal(isTenantRun(id, 'acme'), false, id);
    }
  });
});
