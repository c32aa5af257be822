/**
 * Slack's interactivity Request URL under the same rules as every inbound route: each refusal
 * answered and audited with its class, route probing answered like a bad signature, a captured
 * click replayed inside the window acknowledged but not relayed, payloads Gatehouse does not
 * handle refused before Bolt, and the tenant's rate limit.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { listAudit, type AuditEvent } from '../../db/audit-repo';
import { deliverClick, slackSignature, type ClickRequest } from '../simulators/slack';
import { approvers, channelId, outsider, teamId } from '../support/harness';
import { useTimeSkippingHarness } from '../support/harness-suite';
import { approvalMessage } from '../support/slack-assertions';

const suite = useTimeSkippingHarness();

interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

async function send(request: ClickRequest): Promise<Answer> {
  const res = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** A form body signed as Slack signs it (the content need not be a real click). */
function signedForm(url: string, secret: string, form: Record<string, string>, opts: { at?: number; contentType?: string; rawBody?: string } = {}): ClickRequest {
  const body = opts.rawBody ?? new URLSearchParams(form).toString();
  const timestamp = opts.at ?? Math.floor(Date.now() / 1000);
  return {
    url,
    headers: {
      'Content-Type': opts.contentType ?? 'application/x-www-form-urlencoded',
      'X-Slack-Request-Timestamp': String(timestamp),
      'X-Slack-Signature': slackSignature(secret, timestamp, body),
    },
    body,
  };
}

async function lastAuditId(): Promise<string | undefined> {
  return (await listAudit(suite.h.db.pool, { limit: 100_000 })).at(-1)?.id;
}

async function slackRejectionsSince(id: string | undefined): Promise<AuditEvent[]> {
  const events = await listAudit(suite.h.db.pool, { type: 'webhook.rejected', limit: 10_000, ...(id ? { afterId: id } : {}) });
  return events.filter((e) => e.detail.connector === 'slack');
}

const errorCode = (answer: Answer) => (JSON.parse(answer.text) as { error?: { code?: string } }).error?.code;
const routeWith = (token: string) => suite.h.interactivityUrl.replace(/slack\/[^/]+\//, `slack/${token}/`);
const serviceNowToken = () => new URL(suite.h.webhookUrl).pathname.split('/').pop()!;

let messageTs: string;

describe('Slack interactivity route', () => {
  before(async () => {
    // One approval request waiting, for the clicks below.
    const sent = await suite.h.webhook(suite.h.incidentEvent(suite.h.createVpnIncident()));
    await suite.h.waitForStatus(String(sent.body.workflowId), 'awaiting_approval');
    messageTs = approvalMessage(suite.h.slack).ts;
  });

  describe('Slack interactivity: refusals', () => {
    it('answers and audits each rejection class, never with the secret or the body', async () => {
      const h = suite.h;
      const marker = `marker-${randomBytes(8).toString('hex')}`;
      const form = { payload: JSON.stringify({ type: 'block_actions', marker }) };
      const forged = randomBytes(16).toString('hex');
      const cases: Array<{ name: string; request: () => ClickRequest; status: number; code: string; audited: string; reason: string }> = [
        { name: 'bad signature', request: () => signedForm(h.interactivityUrl, forged, form), status: 401, code: 'invalid_signature', audited: 'signature', reason: 'signature_mismatch' },
        { name: 'malformed signature', request: () => ({ ...signedForm(h.interactivityUrl, h.signingSecret, form), headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Slack-Request-Timestamp': String(Math.floor(Date.now() / 1000)), 'X-Slack-Signature': 'v0=deadbeef' } }), status: 401, code: 'invalid_signature', audited: 'signature', reason: 'malformed_signature' },
        { name: 'missing headers', request: () => ({ url: h.interactivityUrl, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'payload=%7B%7D' }), status: 400, code: 'missing_signature_headers', audited: 'signature', reason: 'missing_signature_headers' },
        { name: 'stale timestamp', request: () => signedForm(h.interactivityUrl, h.signingSecret, form, { at: Math.floor(Date.now() / 1000) - 600 }), status: 401, code: 'stale_timestamp', audited: 'replay', reason: 'outside_tolerance_window' },
        { name: 'future timestamp', request: () => signedForm(h.interactivityUrl, h.signingSecret, form, { at: Math.floor(Date.now() / 1000) + 600 }), status: 401, code: 'stale_timestamp', audited: 'replay', reason: 'outside_tolerance_window' },
        { name: 'unknown route', request: () => signedForm(routeWith(randomBytes(32).toString('base64url')), h.signingSecret, form), status: 401, code: 'invalid_signature', audited: 'routing', reason: 'unknown_route' },
        { name: 'ServiceNow route token', request: () => signedForm(routeWith(serviceNowToken()), h.signingSecret, form), status: 401, code: 'invalid_signature', audited: 'routing', reason: 'wrong_connector' },
        { name: 'wrong content type', request: () => signedForm(h.interactivityUrl, h.signingSecret, {}, { rawBody: JSON.stringify(form), contentType: 'application/json' }), status: 415, code: 'unsupported_media_type', audited: 'schema', reason: 'unsupported_media_type' },
        { name: 'oversized body', request: () => signedForm(h.interactivityUrl, h.signingSecret, { payload: marker.repeat(20_000) }), status: 413, code: 'payload_too_large', audited: 'size', reason: 'payload_too_large' },
      ];
      let badSignature: Answer | undefined;
      for (const c of cases) {
        const since = await lastAuditId();
        const answer = await send(c.request());
        assert.equal(answer.status, c.status, `${c.name}: ${answer.text}`);
        assert.equal(errorCode(answer), c.code, c.name);
        if (c.name === 'bad signature') badSignature = answer;
        if (c.audited === 'routing') assert.equal(answer.text, badSignature?.text, `${c.name}: the same bytes as a bad signature`);
        const audited = await slackRejectionsSince(since);
        assert.deepEqual(audited.map((e) => [e.outcome, e.detail.reason]), [[c.audited, c.reason]], c.name);
      }
      const trail = JSON.stringify(await listAudit(h.db.pool, { limit: 100_000 }));
      assert.doesNotMatch(trail, new RegExp(marker), 'no body in the audit trail');
      for (const secret of h.secretsUsed) assert.ok(!trail.includes(secret), 'no secret in the audit trail');
      assert.equal(approvalMessage(h.slack).ts, messageTs, 'nothing reached the run');
    });
  });

  describe('Slack interactivity: replay', () => {
    it('acknowledges a captured click sent again inside the window, but relays it only once', async () => {
      const h = suite.h;
      const refusedClicks = async () => (await listAudit(h.db.pool, { type: 'approval.refused', tenantId: h.tenant.id, limit: 1000 })).length;
      const before = await refusedClicks();
      // An outsider's click: every relayed copy would be refused and audited by the run, so copies are countable.
      const captured = h.slack.clickRequest({ interactivityUrl: h.interactivityUrl, signingSecret: h.signingSecret, channel: channelId, ts: messageTs, actionId: 'gatehouse_approve', userId: outsider });
      assert.equal((await deliverClick(captured)).status, 200);
      // The run refuses it: audited, and the outsider told so in Slack.
      for (let i = 0; (await refusedClicks()) === before || h.slack.ephemerals(outsider).length === 0; i++) {
        assert.ok(i < 100, 'the first click reached the run');
        await new Promise((r) => setTimeout(r, 100));
      }
      const ephemerals = h.slack.ephemerals(outsider).length;

      const since = await lastAuditId();
      const replayed = await deliverClick(captured);
      assert.equal(replayed.status, 200, 'acknowledged, so nothing looks broken to Slack');
      assert.equal(replayed.body, '');
      const audited = await slackRejectionsSince(since);
      assert.deepEqual(audited.map((e) => [e.outcome, e.detail.reason, e.tenantId]), [['replay', 'redelivery', h.tenant.id]]);
      // Had the copy been relayed, the run would refuse (and audit) it, and Slack would show another note.
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(await refusedClicks(), before + 1);
      assert.equal(h.slack.ephemerals(outsider).length, ephemerals);

      // A real approver's click is still a fresh request and counts.
      const approved = await h.slack.click({ interactivityUrl: h.interactivityUrl, signingSecret: h.signingSecret, channel: channelId, ts: messageTs, actionId: 'gatehouse_approve', userId: approvers.alice });
      assert.equal(approved.status, 200);
    });
  });

  describe('Slack interactivity: payload validation', () => {
    it('refuses, before Bolt, every payload Gatehouse does not handle, with a reason and an audited schema class', async () => {
      const h = suite.h;
      const click = (action: Record<string, unknown>, extra: Record<string, unknown> = {}) => JSON.stringify({
        type: 'block_actions', user: { id: approvers.alice }, team: { id: teamId }, channel: { id: channelId },
        response_url: 'http://127.0.0.1:9/never', actions: [{ type: 'button', action_id: 'gatehouse_approve', value: JSON.stringify({ w: 'triage-acme-x', r: 'r' }), ...action }], ...extra,
      });
      const cases: Array<{ name: string; form: Record<string, string> | string; status: number; code: string }> = [
        { name: 'no payload field', form: { other: '1' }, status: 400, code: 'missing_payload' },
        { name: 'two payload fields', form: `payload=${encodeURIComponent(click({}))}&payload=%7B%7D`, status: 400, code: 'missing_payload' },
        { name: 'payload not JSON', form: { payload: '{"type":' }, status: 400, code: 'malformed_json' },
        { name: 'payload null', form: { payload: 'null' }, status: 422, code: 'invalid_payload' },
        { name: 'payload an array', form: { payload: '[1,2]' }, status: 422, code: 'invalid_payload' },
        { name: 'unknown type', form: { payload: JSON.stringify({ type: 'shortcut', user: { id: approvers.alice } }) }, status: 422, code: 'invalid_payload' },
        { name: 'unknown action_id', form: { payload: click({ action_id: 'gatehouse_delete_everything' }) }, status: 422, code: 'invalid_payload' },
        { name: 'missing actions', form: { payload: click({}, { actions: undefined }) }, status: 422, code: 'invalid_payload' },
        { name: 'empty actions', form: { payload: click({}, { actions: [] }) }, status: 422, code: 'invalid_payload' },
        { name: 'odd button value', form: { payload: click({ value: '{"w":1}' }) }, status: 422, code: 'invalid_payload' },
        { name: 'no response_url', form: { payload: click({}, { response_url: undefined }) }, status: 422, code: 'invalid_payload' },
        { name: 'no user', form: { payload: click({}, { user: undefined }) }, status: 422, code: 'invalid_payload' },
        { name: 'NUL in a string', form: { payload: click({ block_id: 'a\u0000b' }) }, status: 422, code: 'invalid_payload' },
        { name: 'another modal', form: { payload: JSON.stringify({ type: 'view_submission', user: { id: approvers.alice }, view: { type: 'modal', callback_id: 'someone_else', private_metadata: '', state: { values: {} } } }) }, status: 422, code: 'invalid_payload' },
      ];
      for (const c of cases) {
        const since = await lastAuditId();
        const request = typeof c.form === 'string'
          ? signedForm(h.interactivityUrl, h.signingSecret, {}, { rawBody: c.form })
          : signedForm(h.interactivityUrl, h.signingSecret, c.form);
        const started = performance.now();
        const answer = await send(request);
        assert.equal(answer.status, c.status, `${c.name}: ${answer.text}`);
        assert.ok(performance.now() - started < 2000, `${c.name}: answered at once, not after Bolt's 3 s`);
        const error = (JSON.parse(answer.text) as { error: { code: string; message: string } }).error;
        assert.equal(error.code, c.code, c.name);
        assert.ok(error.message.length > 10, `${c.name} says why`);
        const audited = await slackRejectionsSince(since);
        assert.deepEqual(audited.map((e) => e.outcome), ['schema'], c.name);
      }
    });
  });

  describe('Slack interactivity: rate limit', () => {
    it('answers 429 with Retry-After once the tenant\'s Slack budget is spent, while its ServiceNow route goes on', async () => {
      const h = suite.h;
      const original = (await h.admin('GET', '/admin/tenants/acme')).body.tenant as { settings: Record<string, unknown> };
      const limited = await h.admin('PUT', '/admin/tenants/acme/settings', { ...original.settings, inbound: { requestsPerSecond: 0.1, burst: 2 } });
      assert.equal(limited.status, 200, JSON.stringify(limited.body));
      try {
        const since = await lastAuditId();
        // A well-formed click on a button of no run of this tenant: relayed, and answered by Bolt.
        const click = () => signedForm(h.interactivityUrl, h.signingSecret, { payload: JSON.stringify({
          type: 'block_actions', user: { id: outsider }, team: { id: teamId }, channel: { id: channelId }, response_url: 'http://127.0.0.1:9/never',
          actions: [{ type: 'button', action_id: 'gatehouse_deny', value: JSON.stringify({ w: 'triage-other-0', r: 'r' }), action_ts: `${Date.now()}` }],
        }) });
        const answers: Answer[] = [];
        for (let i = 0; i < 4; i++) answers.push(await send(click()));
        assert.deepEqual(answers.map((a) => a.status), [200, 200, 429, 429]);
        assert.match(answers[2]!.headers.get('retry-after') ?? '', /^\d+$/);
        assert.equal(errorCode(answers[2]!), 'rate_limited');

        const serviceNow = await h.webhook(h.incidentEvent(h.createVpnIncident()));
        assert.equal(serviceNow.status, 202, 'each connector has its own budget');
        const rate = (await slackRejectionsSince(since)).filter((e) => e.outcome === 'rate');
        assert.equal(rate.length, 1, 'refusals are audited, sampled');
        assert.equal(rate[0]?.tenantId, h.tenant.id);
        assert.equal(rate[0]?.detail.stage, 'tenant');
      } finally {
        assert.equal((await h.admin('PUT', '/admin/tenants/acme/settings', original.settings)).status, 200);
      }
    });
  });
});
