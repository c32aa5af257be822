/**
 * The admin API: authentication, validation with reasons, secrets that go in and never come
 * out, unsafe tenant URLs refused, and Slack interactivity refusing unsigned or unknown requests.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { listAudit } from '../../db/audit-repo';
import { useTimeSkippingHarness } from '../support/harness-suite';

const suite = useTimeSkippingHarness();

const validSettings = () => ({
  servicenow: { instanceUrl: 'https://globex.service-now.com', username: 'gh.integration' },
  slack: { channel: 'C0GLOBEX' },
  approvals: { approvers: ['U0GLOBEX1'] },
});

const errorOf = (body: Record<string, unknown>) => body.error as { code: string; message: string };

describe('admin API', () => {
  it('needs the admin bearer token', async () => {
    const none = await fetch(`${suite.h.runtime.apiUrl}/admin/tenants`);
    assert.equal(none.status, 401);
    const wrong = await fetch(`${suite.h.runtime.apiUrl}/admin/tenants`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
    assert.equal(((await wrong.json()) as { error: { code: string } }).error.code, 'unauthorized');
  });

  it('creates a tenant, shows which secrets are set but never their values', async () => {
    const secret = `xoxb-${randomBytes(8).toString('hex')}`;
    const created = await suite.h.admin('POST', '/admin/tenants', { slug: 'globex', name: 'Globex', settings: validSettings(), secrets: { slack_bot_token: secret } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const routes = created.body.routes as Record<string, string>;
    assert.match(routes.servicenowWebhookUrl!, /\/webhooks\/servicenow\/[A-Za-z0-9_-]{40,}$/);
    assert.doesNotMatch(routes.servicenowWebhookUrl!, /globex/, 'the route does not reveal the tenant');
    assert.match(String(created.body.webhookSecret), /^whsec_/);
    const fetched = await suite.h.admin('GET', '/admin/tenants/globex');
    const text = JSON.stringify(fetched.body);
    assert.ok(!text.includes(secret));
    assert.ok(!text.includes(String(created.body.webhookSecret)));
    assert.deepEqual((fetched.body.tenant as { secretsConfigured: string[] }).secretsConfigured.sort(), ['servicenow_webhook_secret', 'slack_bot_token']);
    const duplicate = await suite.h.admin('POST', '/admin/tenants', { slug: 'globex', name: 'Again', settings: validSettings() });
    assert.equal(duplicate.status, 409);
  });

  it('explains invalid settings and refuses unsafe URLs', async () => {
    const missing = await suite.h.admin('POST', '/admin/tenants', { slug: 'initech', name: 'Initech', settings: { slack: { channel: 'C1' } } });
    assert.equal(missing.status, 422);
    assert.match(String((missing.body.error as { message: string }).message), /servicenow/);
    const badSlug = await suite.h.admin('POST', '/admin/tenants', { slug: 'Not A Slug', name: 'x', settings: validSettings() });
    assert.equal(badSlug.status, 422);
    assert.match(String((badSlug.body.error as { message: string }).message), /slug/);
    const ftp = await suite.h.admin('PUT', '/admin/tenants/acme/settings', { ...validSettings(), servicenow: { instanceUrl: 'ftp://acme.example', username: 'x' } });
    assert.equal(ftp.status, 422);
    const unknownSecret = await suite.h.admin('PUT', '/admin/tenants/acme/secrets/aws_root_key', { value: 'x' });
    assert.equal(unknownSecret.status, 422);
  });

  it('refuses a tenant URL that leads inside, in every spelling, with the reason', async () => {
    const inside: Array<[string, RegExp]> = [
      ['http://globex.service-now.com', /http is not allowed/],
      ['https://2130706433/', /loopback/], ['https://0x7f.0.0.1/', /loopback/], ['https://0177.0.0.1/', /loopback/],
      ['https://[::ffff:127.0.0.1]/', /::ffff:7f00:1 is a loopback/], ['https://[::1]/', /loopback/],
      ['https://localhost/', /loopback/], ['https://localhost./', /loopback/],
      ['https://169.254.169.254/', /metadata/], ['https://metadata.google.internal/', /metadata/],
      ['https://10.0.0.1/', /private/], ['https://[fe80::1]/', /link-local/], ['https://224.0.0.1/', /multicast/], ['https://0.0.0.0/', /reserved/],
    ];
    for (const [url, reason] of inside) {
      const servicenow = await suite.h.admin('PUT', '/admin/tenants/acme/settings', { ...validSettings(), servicenow: { instanceUrl: url, username: 'x' } });
      assert.equal(servicenow.status, 422, url);
      assert.equal(errorOf(servicenow.body).code, 'unsafe_url', url);
      assert.match(errorOf(servicenow.body).message, reason, url);
      const slack = await suite.h.admin('POST', '/admin/tenants', { slug: 'inside', name: 'Inside', settings: { ...validSettings(), slack: { channel: 'C1', apiBaseUrl: url } } });
      assert.equal(slack.status, 422, url);
      assert.match(errorOf(slack.body).message, reason, url);
      const github = await suite.h.admin('POST', '/admin/tenants/acme/connectors/github/install', { requestedBy: 'alice@acme', config: { appId: 1, installationId: 1, baseUrl: url } });
      assert.equal(github.status, 422, url);
      assert.match(errorOf(github.body).message, reason, url);
    }
    // The simulators' loopback origin is on this stack's allow-list; the metadata address never is.
    const metadataListed = await suite.h.admin('PUT', '/admin/tenants/acme/settings', { ...validSettings(), servicenow: { instanceUrl: 'http://169.254.169.254:80/', username: 'x' } });
    assert.equal(metadataListed.status, 422);
  });

  it('rotates a route token: the new URL works alongside the old one', async () => {
    const rotated = await suite.h.admin('POST', '/admin/tenants/acme/route-tokens', { connector: 'servicenow' });
    assert.equal(rotated.status, 201);
    const newUrl = (rotated.body.routes as Record<string, string>).servicenowWebhookUrl!;
    assert.notEqual(newUrl, suite.h.webhookUrl);
    const incident = suite.h.createVpnIncident();
    const { sendWebhook } = await import('../support/webhook-sender');
    const answer = await sendWebhook(newUrl, suite.h.webhookSecret, suite.h.incidentEvent(incident));
    assert.equal(answer.status, 202);
  });
});

describe('Slack interactivity endpoint', () => {
  it('refuses a click with a bad signature or for an unknown route, and audits nothing as a decision', async () => {
    const before = (await listAudit(suite.h.db.pool, { type: 'approval.approved' })).length;
    const form = new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', actions: [] }) }).toString();
    const ts = String(Math.floor(Date.now() / 1000));
    const forged = await fetch(suite.h.interactivityUrl, {
      method: 'POST', body: form,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': 'v0=deadbeef' },
    });
    assert.equal(forged.status, 401);
    const unknown = await fetch(suite.h.interactivityUrl.replace(/slack\/[^/]+\//, `slack/${randomBytes(32).toString('base64url')}/`), {
      method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': `v0=${'0'.repeat(64)}` },
    });
    assert.equal(unknown.status, 401);
    assert.equal((await listAudit(suite.h.db.pool, { type: 'approval.approved' })).length, before);
  });

  it('never decides on a GET', async () => {
    const get = await fetch(suite.h.interactivityUrl);
    assert.notEqual(get.status, 200);
    const runs = await fetch(`${suite.h.runtime.apiUrl}/admin/runs/anything/decision`, { headers: { authorization: `Bearer ${suite.h.adminToken}` } });
    assert.equal(runs.status, 404);
  });
});
