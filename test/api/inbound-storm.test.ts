/**
 * A ServiceNow storm is accepted: 1,000 signed deliveries on one route within seconds all get a
 * 2xx with the default limits. A tenant's own `inbound` limit refuses beyond its budget with 429
 * and Retry-After, audited as `rate` and counted per process; echoes of Gatehouse's own writes
 * and redeliveries never spend that budget.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { inboundMetrics } from '../../api/webhooks/inbound-metrics';
import { DEFAULT_TENANT_INBOUND_RATE_LIMIT, ROUTE_TOKEN_RATE_LIMIT } from '../../api/webhooks/inbound-rate-limit';
import { listAudit, type AuditEvent } from '../../db/audit-repo';
import { inboundLimitBounds, tenantSettingsSchema, type TenantSettingsInput } from '../../tenancy/tenant-settings';
import { integrationUser } from '../support/harness';
import { useTimeSkippingHarness } from '../support/harness-suite';
import type { SentWebhook } from '../support/webhook-sender';

const suite = useTimeSkippingHarness();

/** Runs `count` tasks with at most `limit` in flight, results in order. */
async function bounded<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) results[i] = await task(i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}

async function settings(): Promise<TenantSettingsInput> {
  const answer = await suite.h.admin('GET', '/admin/tenants/acme');
  return (answer.body.tenant as { settings: TenantSettingsInput }).settings;
}

async function putSettings(next: TenantSettingsInput): Promise<void> {
  const answer = await suite.h.admin('PUT', '/admin/tenants/acme/settings', next);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
}

async function rateRefusalsSince(id: string | undefined): Promise<AuditEvent[]> {
  const events = await listAudit(suite.h.db.pool, { type: 'webhook.rejected', limit: 10_000, ...(id ? { afterId: id } : {}) });
  return events.filter((e) => e.outcome === 'rate');
}

async function lastAuditId(): Promise<string | undefined> {
  return (await listAudit(suite.h.db.pool, { limit: 10_000 })).at(-1)?.id;
}

describe('inbound limits: sizing', () => {
  it('defaults far above a storm, and the pre-authentication bucket never below what a tenant may configure', () => {
    assert.ok(DEFAULT_TENANT_INBOUND_RATE_LIMIT.burst >= 1000 && DEFAULT_TENANT_INBOUND_RATE_LIMIT.requestsPerSecond >= 100);
    assert.ok(ROUTE_TOKEN_RATE_LIMIT.burst >= inboundLimitBounds.burst);
    assert.ok(ROUTE_TOKEN_RATE_LIMIT.requestsPerSecond >= inboundLimitBounds.requestsPerSecond);
  });

  it('validates a tenant\'s inbound section', async () => {
    const base = await settings();
    assert.equal(tenantSettingsSchema.safeParse({ ...base, inbound: { requestsPerSecond: 50, burst: 500 } }).success, true);
    assert.equal(tenantSettingsSchema.safeParse({ ...base, inbound: {} }).success, true, 'both fields are optional');
    for (const inbound of [{ requestsPerSecond: 0 }, { burst: 0.5 }, { burst: inboundLimitBounds.burst + 1 }, { requestPerSecond: 5 }]) {
      const answer = await suite.h.admin('PUT', '/admin/tenants/acme/settings', { ...base, inbound });
      assert.equal(answer.status, 422, `${JSON.stringify(inbound)} is refused`);
    }
  });
});

describe('a ServiceNow storm', () => {
  it('accepts 1,000 signed deliveries on one route within seconds with the default limits', async () => {
    const h = suite.h;
    const incident = h.createVpnIncident();
    const event = h.incidentEvent(incident, { event: 'updated' });
    const refusedBefore = inboundMetrics.refusals('servicenow', 'rate');
    const started = performance.now();
    // One incident: every delivery coalesces into one run (signalWithStart), so Temporal's share stays small.
    const answers = await bounded(1000, 50, () => h.webhook(event, { webhookId: `msg_storm_${randomUUID()}` }));
    const seconds = (performance.now() - started) / 1000;
    const statuses = new Map<number, number>();
    for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    assert.deepEqual([...statuses], [[202, 1000]], `every delivery accepted in ${seconds.toFixed(1)} s`);
    assert.equal(new Set(answers.map((a) => a.body.workflowId)).size, 1, 'one run for the incident');
    assert.equal(inboundMetrics.refusals('servicenow', 'rate'), refusedBefore, 'nothing refused');
  });
});

describe('a tenant\'s own inbound limit', () => {
  let original: TenantSettingsInput | undefined;
  after(async () => {
    if (original) await putSettings(original);
  });

  it('refuses beyond the configured budget with 429 and Retry-After, audited as rate and counted; echoes and redeliveries spend none of it', async () => {
    const h = suite.h;
    original = await settings();
    // Two events, then one token every ten seconds: the test is over long before one comes back.
    await putSettings({ ...original, inbound: { requestsPerSecond: 0.1, burst: 2 } });
    const since = await lastAuditId();
    const refusedBefore = inboundMetrics.refusals('servicenow', 'rate');

    const incident = h.createVpnIncident();
    const echoes = await bounded(20, 10, () => h.webhook(h.incidentEvent(incident, { event: 'updated', sys_updated_by: integrationUser })));
    assert.deepEqual([...new Set(echoes.map((a) => `${a.status} ${String(a.body.status)}`))], ['202 ignored'], 'echoes are answered, not limited');

    const real: SentWebhook[] = [];
    for (let i = 0; i < 2; i++) real.push(await h.webhook(h.incidentEvent(incident), { webhookId: `msg_real_${i}` }));
    assert.deepEqual(real.map((a) => a.status), [202, 202], 'the budget is intact after 20 echoes');

    const response = await fetchRefused(h.webhookUrl, h.webhookSecret, h.incidentEvent(incident));
    assert.equal(response.status, 429);
    assert.match(response.retryAfter ?? '', /^\d+$/);
    assert.ok(Number(response.retryAfter) >= 1);
    assert.equal(response.code, 'rate_limited');
    assert.ok(response.message.length > 10, 'the refusal says why');

    // While the budget is spent: a redelivery is still acknowledged, an echo still ignored.
    const again = await h.webhook(h.incidentEvent(incident), { webhookId: 'msg_real_0' });
    assert.equal(again.status, 200);
    assert.equal(again.body.status, 'duplicate');
    const echo = await h.webhook(h.incidentEvent(incident, { event: 'updated', sys_updated_by: integrationUser }));
    assert.equal(echo.status, 202);
    assert.equal(echo.body.status, 'ignored');

    const audited = await rateRefusalsSince(since);
    assert.equal(audited.length, 1);
    assert.equal(audited[0]?.tenantId, h.tenant.id);
    assert.equal(audited[0]?.detail.connector, 'servicenow');
    assert.equal(audited[0]?.detail.stage, 'tenant');
    assert.equal(inboundMetrics.refusals('servicenow', 'rate'), refusedBefore + 1, 'counted per process');
    // Operators read the same counters, and the inbox backlog, from the admin API.
    const metrics = await h.admin('GET', '/admin/metrics');
    assert.equal(metrics.status, 200, JSON.stringify(metrics.body));
    const refusals = metrics.body.inboundRefusals as Array<{ connector: string; rejectionClass: string; count: number }>;
    assert.equal(refusals.find((r) => r.connector === 'servicenow' && r.rejectionClass === 'rate')?.count, refusedBefore + 1);
    const inbox = metrics.body.triggerInbox as { waiting: number; forwardedByThisProcess: number };
    assert.equal(typeof inbox.waiting, 'number');
    assert.ok(inbox.forwardedByThisProcess >= 1, 'the accepted events were handed to their runs');
  });
});

/** Sends a signed event and reads the refusal's status, Retry-After and error. */
async function fetchRefused(url: string, secret: string, payload: unknown): Promise<{ status: number; retryAfter: string | null; code: string; message: string }> {
  const id = `msg_${randomUUID()}`;
  const at = new Date();
  const body = JSON.stringify(payload);
  const res = await fetch(url, {
    method: 'POST', body,
    headers: {
      'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, at, body),
    },
  });
  const parsed = (await res.json()) as { error?: { code?: string; message?: string } };
  return { status: res.status, retryAfter: res.headers.get('retry-after'), code: parsed.error?.code ?? '', message: parsed.error?.message ?? '' };
}
