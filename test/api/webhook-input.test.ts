/**
 * Every kind of bad webhook input gets a clear 4xx JSON error, starts no run, crashes nothing,
 * and security-relevant rejections are audited — without revealing whether a tenant exists.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { WorkflowNotFoundError } from '@temporalio/client';
import { listAudit } from '../../db/audit-repo';
import { triageWorkflowId } from '../../workflows/triage-ids';
import { integrationUser } from '../support/harness';
import { useTimeSkippingHarness } from '../support/harness-suite';
import { sendWebhook } from '../support/webhook-sender';

const suite = useTimeSkippingHarness();

/** True when a triage run exists for the incident (the workflow id is deterministic). */
async function runExists(sysId: string): Promise<boolean> {
  try {
    await suite.env.client.workflow.getHandle(triageWorkflowId('acme', sysId)).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

async function rejections(): Promise<Array<{ outcome: string | null; detail: unknown }>> {
  return (await listAudit(suite.h.db.pool, { type: 'webhook.rejected', limit: 1000 })).map((e) => ({ outcome: e.outcome, detail: e.detail }));
}

describe('ServiceNow webhook input', () => {
  it('rejects each kind of bad input with a clear error and starts no run', async () => {
    const incident = suite.h.createVpnIncident();
    const event = suite.h.incidentEvent(incident);
    const unknownRoute = suite.h.webhookUrl.replace(/[^/]+$/, randomBytes(32).toString('base64url'));
    const cases: Array<{ name: string; send: () => ReturnType<typeof sendWebhook>; status: number; code: string; audited?: string }> = [
      { name: 'bad signature', send: () => sendWebhook(suite.h.webhookUrl, `whsec_${randomBytes(32).toString('base64')}`, event), status: 401, code: 'invalid_signature', audited: 'signature' },
      { name: 'stale timestamp', send: () => suite.h.webhook(event, { timestamp: new Date(Date.now() - 10 * 60_000) }), status: 401, code: 'stale_timestamp', audited: 'replay' },
      { name: 'unknown route token', send: () => sendWebhook(unknownRoute, suite.h.webhookSecret, event), status: 401, code: 'invalid_signature', audited: 'routing' },
      { name: 'malformed JSON', send: () => suite.h.webhook(undefined, { rawBody: '{"table": "incident", ' }), status: 400, code: 'malformed_json', audited: 'schema' },
      { name: 'wrong content type', send: () => suite.h.webhook(event, { contentType: 'text/plain' }), status: 415, code: 'unsupported_media_type', audited: 'schema' },
      { name: 'oversized body', send: () => suite.h.webhook({ ...event, description: 'x'.repeat(300_000) }), status: 413, code: 'payload_too_large', audited: 'size' },
      { name: 'missing sys_id', send: () => suite.h.webhook({ table: 'incident', number: incident.number }), status: 422, code: 'invalid_payload', audited: 'schema' },
      { name: 'wrong table', send: () => suite.h.webhook({ ...event, table: 'sys_user' }), status: 422, code: 'invalid_payload', audited: 'schema' },
      { name: 'missing signature headers', send: () => suite.h.webhook(event, { signatureOverride: '' }), status: 400, code: 'missing_signature_headers', audited: 'signature' },
      // Text PostgreSQL cannot store, and nesting JSON.stringify cannot walk: refused when parsed, not a 500 later.
      { name: 'NUL in the number', send: () => suite.h.webhook({ ...event, number: 'INC\u0000001' }), status: 422, code: 'invalid_payload', audited: 'schema' },
      { name: 'lone surrogate in the number', send: () => suite.h.webhook({ ...event, number: 'INC\ud800' }), status: 422, code: 'invalid_payload', audited: 'schema' },
      { name: 'lone surrogate in a field name', send: () => suite.h.webhook({ ...event, ['x\udc00']: 1 }), status: 422, code: 'invalid_payload', audited: 'schema' },
      { name: 'NUL in an unknown field', send: () => suite.h.webhook({ ...event, description: ['a', { b: '\u0000' }] }), status: 422, code: 'invalid_payload', audited: 'schema' },
      { name: 'deep nesting', send: () => suite.h.webhook(undefined, { rawBody: `{"table":"incident","x":${'['.repeat(50_000)}${']'.repeat(50_000)}}` }), status: 422, code: 'invalid_payload', audited: 'schema' },
      { name: 'huge number', send: () => suite.h.webhook(undefined, { rawBody: `{"table":"incident","sys_id":"${incident.sys_id}","sys_mod_count":1e999}` }), status: 422, code: 'invalid_payload', audited: 'schema' },
      { name: 'route token not percent-decodable', send: () => sendWebhook(suite.h.webhookUrl.replace(/[^/]+$/, '%ff%fe'), suite.h.webhookSecret, event), status: 401, code: 'invalid_signature', audited: 'routing' },
    ];
    for (const c of cases) {
      const before = (await rejections()).length;
      const answer = await c.send();
      assert.equal(answer.status, c.status, `${c.name}: ${JSON.stringify(answer.body)}`);
      const error = answer.body.error as { code: string; message: string };
      assert.equal(error.code, c.code, c.name);
      assert.ok(error.message.length > 10, `${c.name} has a reason`);
      assert.doesNotMatch(JSON.stringify(answer.body), /\\u0000|\\ud800/i, `${c.name}: the answer does not echo the text`);
      if (c.audited) {
        const after = await rejections();
        assert.equal(after.length, before + 1, `${c.name} is audited`);
        assert.equal(after.at(-1)?.outcome, c.audited, c.name);
      }
    }
    assert.equal(await runExists(incident.sys_id), false, 'no run started');
    const health = await fetch(`${suite.h.runtime.apiUrl}/healthz`);
    assert.equal(health.status, 200, 'the API is still up');
  });

  it('answers a route token that is not valid percent-encoding on every inbound path like an unknown route, never 500', async () => {
    const base = new URL(suite.h.webhookUrl).origin;
    for (const path of ['/webhooks/servicenow/%ff', '/webhooks/github/%ff', '/webhooks/custom/%ff', '/slack/%ff/interactivity']) {
      const answer = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      assert.ok(answer.status >= 400 && answer.status < 500, `${path}: ${answer.status}`);
      const body = await answer.json() as { error?: { code?: string } };
      assert.equal(typeof body.error?.code, 'string', path);
    }
  });

  it('answers an unknown route exactly like a bad signature', async () => {
    const event = suite.h.incidentEvent(suite.h.createVpnIncident());
    const unknownRoute = suite.h.webhookUrl.replace(/[^/]+$/, randomBytes(32).toString('base64url'));
    const forged = await sendWebhook(suite.h.webhookUrl, `whsec_${randomBytes(32).toString('base64')}`, event);
    const unknown = await sendWebhook(unknownRoute, suite.h.webhookSecret, event);
    assert.equal(unknown.status, forged.status);
    assert.deepEqual(unknown.body, forged.body);
    assert.doesNotMatch(JSON.stringify(unknown.body), /acme|tenant/i);
  });

  it('ignores the echo of its own writes and dedupes a redelivered webhook id', async () => {
    const incident = suite.h.createVpnIncident();
    const echo = await suite.h.webhook(suite.h.incidentEvent(incident, { event: 'updated', sys_updated_by: integrationUser }));
    assert.equal(echo.status, 202);
    assert.equal(echo.body.status, 'ignored');

    const first = await suite.h.webhook(suite.h.incidentEvent(incident), { webhookId: 'msg_redelivered_1' });
    const again = await suite.h.webhook(suite.h.incidentEvent(incident), { webhookId: 'msg_redelivered_1' });
    assert.equal(first.status, 202);
    assert.equal(again.status, 200);
    assert.equal(again.body.status, 'duplicate');
    assert.equal(again.body.workflowId, first.body.workflowId);
    assert.equal(await runExists(incident.sys_id), true, 'the accepted delivery has its run');
  });
});
