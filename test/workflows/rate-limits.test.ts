/**
 * Outbound rate limits per tenant and connector: a burst of runs against the ServiceNow
 * simulator stays within the tenant's configured rate, and every run still completes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TriageResult } from '../../triage/types';
import { approvers } from '../support/harness';
import { useTimeSkippingHarness } from '../support/harness-suite';

const suite = useTimeSkippingHarness();

describe('outbound rate limits', () => {
  it('keeps a burst of runs within the tenant ServiceNow rate and completes them all', async () => {
    const limits = { requestsPerSecond: 4, burst: 4, maxConcurrent: 2 };
    const current = await suite.h.admin('GET', '/admin/tenants/acme');
    const settings = (current.body.tenant as { settings: Record<string, unknown> }).settings;
    const updated = await suite.h.admin('PUT', '/admin/tenants/acme/settings', { ...settings, rateLimits: { servicenow: limits } });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));

    suite.h.sn.resetRequestCounts();
    const incidents = Array.from({ length: 8 }, () => suite.h.createVpnIncident());
    const sent = await Promise.all(incidents.map((i) => suite.h.webhook(suite.h.incidentEvent(i))));
    const ids = sent.map((s) => String(s.body.workflowId));
    await Promise.all(ids.map((id) => suite.h.waitForStatus(id, 'awaiting_approval', 60_000)));
    await Promise.all(ids.map((id) => suite.h.admin('POST', `/admin/runs/${id}/decision`, { approver: approvers.alice, decision: 'approve' })));
    // Wait by querying, not by awaiting results: awaiting lets the time-skipping server jump its
    // clock while activities are still waiting, in real time, for rate-limit slots.
    await Promise.all(ids.map((id) => suite.h.waitForStatus(id, 'completed', 90_000)));
    const results = await Promise.all(ids.map((id) => suite.env.client.workflow.getHandle(id).result() as Promise<TriageResult>));
    assert.deepEqual(results.map((r) => r.status), Array(incidents.length).fill('completed'));
    for (const incident of incidents) assert.equal(suite.h.sn.journal(incident.sys_id, 'work_notes').length, 1);

    // Every ServiceNow API call of the burst, by arrival time: no 1-second window holds more than burst + rate.
    const calls = suite.h.sn.requestTimeline().filter((c) => c.key.includes('/api/now/table/')).map((c) => c.at);
    // Three calls per run (plan, re-read, one PATCH): enough to overrun 4/s, burst 4, many times.
    assert.ok(calls.length >= incidents.length * 3, `expected the burst to make many calls, saw ${calls.length}`);
    let worst = 0;
    for (const start of calls) worst = Math.max(worst, calls.filter((t) => t >= start && t < start + 1000).length);
    assert.ok(worst <= limits.burst + limits.requestsPerSecond, `a 1 s window held ${worst} calls`);
    const spanSeconds = (calls.at(-1)! - calls[0]!) / 1000;
    assert.ok(spanSeconds >= (calls.length - limits.burst) / limits.requestsPerSecond - 1, `${calls.length} calls in ${spanSeconds} s`);
  });
});
