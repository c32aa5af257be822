/**
 * The runtime refuses connectors whose manifests it cannot trust: here the development signing
 * key is not trusted (as in production), so every committed manifest is refused, audited, and a
 * triage run fails clearly instead of touching ServiceNow.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { listAudit } from '../../db/audit-repo';
import { useTimeSkippingHarness } from '../support/harness-suite';

const suite = useTimeSkippingHarness({ trustDevelopmentKeys: false });

describe('refused connectors', () => {
  it('audits every refused manifest and fails a run that needs one, writing nothing', async () => {
    const refusals = await listAudit(suite.h.db.pool, { type: 'connector.refused', limit: 100 });
    assert.ok(refusals.some((r) => (r.detail as { connectorId?: string }).connectorId === 'servicenow' && r.outcome === 'untrusted_key'), JSON.stringify(refusals));

    const incident = suite.h.createVpnIncident();
    suite.h.sn.resetRequestCounts();
    const sent = await suite.h.webhook(suite.h.incidentEvent(incident));
    const handle = suite.env.client.workflow.getHandle(String(sent.body.workflowId));
    // The 202 means the event is stored; the run starts right behind it.
    await suite.h.waitForStatus(handle.workflowId, 'failed');
    await assert.rejects(handle.result(), (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError);
      assert.match(String((err.cause as { cause?: { message?: string } })?.cause?.message ?? err.cause?.message), /servicenow|untrusted|trusted/i);
      return true;
    });
    assert.equal((await suite.h.state(handle.workflowId)).status, 'failed');
    assert.deepEqual(suite.h.sn.requestCounts(), {}, 'ServiceNow was never called');
    const listings = await (await fetch(`${suite.h.runtime.apiUrl}/marketplace/listings`)).json() as { listings: unknown[] };
    assert.equal(listings.listings.length, 0, 'nothing refused is listed');
  });
});
