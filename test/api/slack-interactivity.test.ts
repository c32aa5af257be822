/**
 * Slack's interactivity Request URL under the same rules as every inbound route: each refusal
 * answered and audited with its class, route probing answered like a bad signature, a captured
 * click replayed inside the window acknowledged but not relayed, and a per-route rate limit.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { listAudit, type AuditEvent } from '../../db/audit-repo';
import { deliverClick, slackSignature, type ClickRequest } from '../simulators/slack';
import { approvers, channelId, outsider } from '../support/harness';
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

  describe('Slack interactivity: rate limit', () => {
    it('answers 429 with Retry-After to a noisy route while another route goes on', async () => {
      const h = suite.h;
      const issued = await h.admin('POST', '/admin/tenants/acme/route-tokens', { connector: 'slack' });
      assert.equal(issued.status, 201, JSON.stringify(issued.body));
      const quietUrl = String((issued.body.routes as { slackInteractivityUrl: string }).slackInteractivityUrl);
      const since = await lastAuditId();
      // Far more than the burst (40) plus what refills (20/s) while they arrive; unsigned, so the admitted ones end fast.
      const noisy = await Promise.all(Array.from({ length: 150 }, () => send({ url: h.interactivityUrl, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'payload=%7B%7D' })));
      const limited = noisy.filter((a) => a.status === 429);
      assert.ok(limited.length > 0, `some of 150 requests were limited (statuses: ${[...new Set(noisy.map((a) => a.status))].join(', ')})`);
      assert.ok(noisy.filter((a) => a.status === 400).length >= 40, 'the burst was admitted');
      assert.match(limited[0]!.headers.get('retry-after') ?? '', /^\d+$/);
      assert.equal(errorCode(limited[0]!), 'rate_limited');

      const other = await send(signedForm(quietUrl, h.signingSecret, { payload: JSON.stringify({ type: 'block_actions', actions: [] }) }));
      assert.notEqual(other.status, 429, 'the other route is not limited');
      const rate = (await slackRejectionsSince(since)).filter((e) => e.outcome === 'rate');
      assert.ok(rate.length >= 1 && rate.length < limited.length, 'refusals are audited, sampled');
      assert.equal(rate[0]?.tenantId, h.tenant.id);
    });
  });
});
