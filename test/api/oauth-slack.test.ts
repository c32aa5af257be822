/**
 * Connecting Slack through OAuth v2 end to end, as a tenant admin sees it: the tenant's own Slack
 * app registered, the authorization code flow with PKCE through a browser (start link, binding
 * cookie, Slack's consent, the callback), the install review, Slack calls made with the grant's
 * token (refreshed once when Slack says it expired), a grant broader or narrower than the
 * manifest, a denied consent, a callback from another browser, a disconnect that revokes the grant
 * at Slack before deleting it, and no secret or token in anything the admin or the operator can read.
 * Run: node --import tsx --test test/api/oauth-slack.test.ts
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { listAudit } from '../../db/audit-repo';
import { readGrant } from '../../db/connector-grants-repo';
import { approvers, channelId } from '../support/harness';
import { useTimeSkippingHarness } from '../support/harness-suite';
import { auditOf as auditEvents, browse as browsePage, grantRows, waitForInstall, watchMasterBox } from '../support/oauth-browser';

const masterBox = watchMasterBox();
const suite = useTimeSkippingHarness();

const CLIENT_ID = '7000.acme';
const CLIENT_SECRET = `slack-client-secret-${randomBytes(12).toString('hex')}`;
const APP_ID = 'A0ACMEOAUTH';
/** The bot user the simulator gives an app installed through OAuth (not the seeded bot). */
const GRANT_BOT_USER = `UB${APP_ID.slice(1)}`;
const MANIFEST_SCOPES = ['chat:write', 'users:read', 'users:read.email', 'usergroups:read'];
const BINDING_COOKIE = 'gatehouse_oauth_binding';

type SmokeSteps = Array<{ step: string; outcome: string; detail: string }>;
type ReviewAction = { actionId: string; decision: string; reason?: string };
type InstallView = {
  install: { status: string; enabledActions: string[] };
  state?: { status: string; review?: { actions: ReviewAction[] }; refusedReviews: Array<{ reviewer: string; reason: string }>; healthcheck?: { ok: boolean; detail: string } };
};

/** Every body this file received from Gatehouse, for the secret scan. */
const bodies: string[] = [];
/** Every access and refresh token Slack issued (seen on oauth.v2.access answers). */
const issuedTokens = new Set<string>();

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await suite.h.admin(method, path, body);
  bodies.push(JSON.stringify(answer.body));
  return answer;
}

/** A browser request that does not follow redirects; Gatehouse's bodies are kept for the scan. */
const browse = (url: string, cookie?: string) => browsePage(url, cookie, (text) => {
  if (url.startsWith(suite.h.runtime.apiUrl)) bodies.push(text);
});

/** A ServiceNow event delivered to Gatehouse; its answer is kept for the scan. */
async function webhook(payload: unknown): Promise<Awaited<ReturnType<typeof suite.h.webhook>>> {
  const sent = await suite.h.webhook(payload);
  bodies.push(JSON.stringify(sent.body));
  return sent;
}

const callbackUrl = () => `${suite.h.runtime.apiUrl}/oauth/callback/slack`;

async function authorize(requestedBy = 'alice@acme'): Promise<string> {
  const started = await admin('POST', '/admin/tenants/acme/connectors/slack/authorize', { requestedBy });
  assert.equal(started.status, 201, JSON.stringify(started.body));
  assert.equal(started.body.redirectUri, callbackUrl());
  return String(started.body.startUrl);
}

/** Opens the start link: the binding cookie, and Slack's authorize page it is sent to. */
async function begin(startUrl: string): Promise<{ cookie: string; providerUrl: URL }> {
  const opened = await browse(startUrl);
  assert.equal(opened.status, 303, opened.text);
  const setCookie = opened.setCookie ?? '';
  assert.match(setCookie, new RegExp(`^${BINDING_COOKIE}=`));
  assert.match(setCookie, /HttpOnly/i);
  const providerUrl = new URL(opened.location ?? '');
  assert.equal(`${providerUrl.origin}${providerUrl.pathname}`, `${suite.h.slack.url}/oauth/v2/authorize`);
  assert.equal(providerUrl.searchParams.get('client_id'), CLIENT_ID);
  assert.equal(providerUrl.searchParams.get('scope'), MANIFEST_SCOPES.join(','));
  assert.equal(providerUrl.searchParams.get('redirect_uri'), callbackUrl());
  assert.equal(providerUrl.searchParams.get('code_challenge_method'), 'S256');
  assert.ok(providerUrl.searchParams.get('code_challenge'));
  assert.ok(providerUrl.searchParams.get('state'));
  return { cookie: setCookie.split(';')[0]!, providerUrl };
}

/** Slack's consent answers with a redirect to the callback. */
async function consent(providerUrl: URL): Promise<URL> {
  const answered = await browse(providerUrl.toString());
  assert.equal(answered.status, 302, answered.text);
  const callback = new URL(answered.location ?? '');
  assert.equal(`${callback.origin}${callback.pathname}`, callbackUrl());
  return callback;
}

/** The whole browser round trip with the cookie: the callback's page. */
async function connect(): Promise<{ status: number; text: string }> {
  const { cookie, providerUrl } = await begin(await authorize());
  const callback = await consent(providerUrl);
  return browse(callback.toString(), cookie);
}

const grants = () => grantRows<{ grant_type: string; status: string; generation: number; granted_scopes: string[]; updated_at: Date }>(
  suite.h.db.pool, suite.h.tenant.id, 'slack', ['grant_type', 'status', 'generation', 'granted_scopes', 'updated_at']);

const auditOf = (type: string) => auditEvents(suite.h.db.pool, suite.h.tenant.id, type);

const installState = (until: (v: InstallView) => boolean) => waitForInstall<InstallView>(admin, 'acme', 'slack', until);

async function review(body: Record<string, unknown>): Promise<void> {
  const answered = await admin('POST', '/admin/tenants/acme/connectors/slack/install/review', { reviewer: 'bob@acme', decision: 'approve', ...body });
  assert.equal(answered.status, 202, JSON.stringify(answered.body));
}

async function smoke(): Promise<SmokeSteps> {
  const report = await admin('POST', '/admin/tenants/acme/connectors/slack/smoke-test', {});
  assert.equal(report.status, 200, JSON.stringify(report.body));
  return report.body.steps as SmokeSteps;
}

describe('Slack OAuth install flow', { concurrency: false }, () => {
  const realFetch = globalThis.fetch;

  before(() => {
    // Gatehouse runs in this process: note every token Slack hands it, for the scan.
    globalThis.fetch = async (input, init) => {
      const res = await realFetch(input, init);
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes('oauth.v2.access') && res.ok) {
        const body = (await res.clone().json().catch(() => ({}))) as { ok?: unknown; access_token?: unknown; refresh_token?: unknown; authed_user?: { access_token?: unknown; refresh_token?: unknown } };
        if (body.ok === true) {
          for (const token of [body.access_token, body.refresh_token, body.authed_user?.access_token, body.authed_user?.refresh_token]) {
            if (typeof token === 'string') issuedTokens.add(token);
          }
        }
      }
      return res;
    };
  });
  after(() => {
    globalThis.fetch = realFetch;
  });

  before(async () => {
    suite.h.slack.addOAuthApp({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, appId: APP_ID, redirectUris: [callbackUrl()], tokenRotation: true });
    suite.h.slack.setOAuthConsent({ decision: 'approve', userId: approvers.alice });
    const registered = await admin('PUT', '/admin/tenants/acme/app-registrations/slack', { createdBy: 'alice@acme', clientId: CLIENT_ID, clientSecret: { value: CLIENT_SECRET }, appId: APP_ID });
    assert.equal(registered.status, 200, JSON.stringify(registered.body));
  });

  it('connects through the authorization code flow, installs after review, and writes to Slack with the grant token', async () => {
    const page = await connect();
    assert.equal(page.status, 200, page.text);
    assert.match(page.text, /Connected/);
    assert.doesNotMatch(page.text, /Not granted|granted more/);
    const stored = await grants();
    assert.equal(stored.length, 1);
    assert.equal(stored[0]?.grant_type, 'authorization_code');
    assert.equal(stored[0]?.status, 'active');
    assert.deepEqual([...(stored[0]?.granted_scopes ?? [])].sort(), [...MANIFEST_SCOPES].sort());
    assert.deepEqual(suite.h.slack.oauthAccessCounts(), { authorization_code: 1 });
    assert.equal((await auditOf('connector.authorized')).length, 1);

    await installState((v) => v.state?.status === 'pending_review');
    await review({});
    const enabled = await installState((v) => v.install.status === 'enabled' || v.install.status === 'healthcheck_failed');
    assert.equal(enabled.install.status, 'enabled', enabled.state?.healthcheck?.detail);
    assert.ok(enabled.install.enabledActions.includes('slack.usergroups.users.list'));

    // A triage run's approval request is posted by the app's own bot: the grant token, not the pasted one.
    const before = suite.h.slack.messages(channelId).length;
    const sent = await webhook(suite.h.incidentEvent(suite.h.createVpnIncident()));
    await suite.h.waitForStatus(String(sent.body.workflowId), 'awaiting_approval');
    const posted = suite.h.slack.messages(channelId).slice(before);
    assert.equal(posted.length, 1, JSON.stringify(posted));
    assert.equal(posted[0]?.user, GRANT_BOT_USER);
  });

  it('an expired access token is refreshed once and the call retried', async () => {
    suite.h.slack.expireAccessTokens();
    const generation = (await grants())[0]?.generation ?? 0;
    const steps = await smoke();
    assert.equal(steps[0]?.step, 'healthcheck');
    assert.equal(steps[0]?.outcome, 'pass', JSON.stringify(steps));
    assert.equal(steps.find((s) => s.step === 'slack.users.info')?.outcome, 'pass', JSON.stringify(steps));
    assert.equal(suite.h.slack.oauthAccessCounts()['refresh_token'], 1);
    const [grant] = await grants();
    assert.equal(grant?.generation, generation + 1);
    assert.equal(grant?.status, 'active');

    // The refreshed token keeps working without another refresh.
    const before = suite.h.slack.messages(channelId).length;
    const sent = await webhook(suite.h.incidentEvent(suite.h.createVpnIncident()));
    await suite.h.waitForStatus(String(sent.body.workflowId), 'awaiting_approval');
    assert.equal(suite.h.slack.messages(channelId).slice(before)[0]?.user, GRANT_BOT_USER);
    assert.equal(suite.h.slack.oauthAccessCounts()['refresh_token'], 1);
  });

  it('a grant broader than the manifest must be accepted explicitly by the reviewer', async () => {
    suite.h.slack.setOAuthConsent({ decision: 'approve', userId: approvers.alice, grantScopes: [...MANIFEST_SCOPES, 'channels:history'] });
    try {
      const page = await connect();
      assert.equal(page.status, 200, page.text);
      assert.match(page.text, /granted more than the manifest declares: channels:history/);
    } finally {
      suite.h.slack.setOAuthConsent({ decision: 'approve', userId: approvers.alice });
    }
    await installState((v) => v.state?.status === 'pending_review');
    await review({});
    const refused = await installState((v) => (v.state?.refusedReviews.length ?? 0) > 0);
    assert.equal(refused.state?.status, 'pending_review');
    assert.equal(refused.state?.refusedReviews[0]?.reviewer, 'bob@acme');
    assert.match(refused.state?.refusedReviews[0]?.reason ?? '', /channels:history.*acceptBroaderScopes/);
    assert.equal(refused.install.status, 'pending_review');

    await review({ acceptBroaderScopes: true });
    const enabled = await installState((v) => v.install.status === 'enabled' || v.install.status === 'healthcheck_failed');
    assert.equal(enabled.install.status, 'enabled', enabled.state?.healthcheck?.detail);
  });

  it('a narrower grant keeps the actions it does not cover disabled, with the reason', async () => {
    suite.h.slack.setOAuthConsent({ decision: 'approve', userId: approvers.alice, grantScopes: MANIFEST_SCOPES.filter((s) => s !== 'usergroups:read') });
    try {
      const page = await connect();
      assert.equal(page.status, 200, page.text);
      assert.match(page.text, /Not granted: usergroups:read/);
      assert.match(page.text, /slack\.usergroups\.users\.list/);
    } finally {
      suite.h.slack.setOAuthConsent({ decision: 'approve', userId: approvers.alice });
    }
    const pending = await installState((v) => v.state?.status === 'pending_review');
    const blocked = pending.state?.review?.actions.find((a) => a.actionId === 'slack.usergroups.users.list');
    assert.equal(blocked?.decision, 'blocked', JSON.stringify(pending.state?.review));
    assert.match(blocked?.reason ?? '', /did not grant usergroups:read/);
    assert.notEqual(pending.state?.review?.actions.find((a) => a.actionId === 'slack.users.info')?.decision, 'blocked');

    await review({});
    const enabled = await installState((v) => v.install.status === 'enabled' || v.install.status === 'healthcheck_failed');
    assert.equal(enabled.install.status, 'enabled', enabled.state?.healthcheck?.detail);
    assert.ok(!enabled.install.enabledActions.includes('slack.usergroups.users.list'), JSON.stringify(enabled.install.enabledActions));
    assert.ok(enabled.install.enabledActions.includes('slack.users.info'));
  });

  it('a consent denied at Slack stores nothing and is audited', async () => {
    const before = await grants();
    const authorized = (await auditOf('connector.authorized')).length;
    const exchanges = suite.h.slack.oauthAccessCounts()['authorization_code'] ?? 0;
    suite.h.slack.setOAuthConsent({ decision: 'deny' });
    try {
      const { cookie, providerUrl } = await begin(await authorize());
      const callback = await consent(providerUrl);
      assert.equal(callback.searchParams.get('error'), 'access_denied');
      assert.equal(callback.searchParams.get('code'), null);
      const page = await browse(callback.toString(), cookie);
      assert.equal(page.status, 400, page.text);
      assert.match(page.text, /not granted/);
      assert.match(page.text, /access_denied/);
    } finally {
      suite.h.slack.setOAuthConsent({ decision: 'approve', userId: approvers.alice });
    }
    const denied = await auditOf('connector.authorization_denied');
    assert.equal(denied.length, 1, JSON.stringify(denied));
    assert.equal(denied[0]?.outcome, 'access_denied');
    assert.deepEqual(await grants(), before, 'the stored grant is untouched');
    assert.equal((await auditOf('connector.authorized')).length, authorized, 'no install review started');
    assert.equal(suite.h.slack.oauthAccessCounts()['authorization_code'] ?? 0, exchanges, 'no code was exchanged');
  });

  it('a callback without the binding cookie (another browser) is refused and audited', async () => {
    const before = await grants();
    const exchanges = suite.h.slack.oauthAccessCounts()['authorization_code'] ?? 0;
    const { providerUrl } = await begin(await authorize());
    const callback = await consent(providerUrl);
    assert.ok(callback.searchParams.get('code'));
    const page = await browse(callback.toString());
    assert.equal(page.status, 400, page.text);
    assert.match(page.text, /another browser/);
    const refused = await auditOf('connector.authorization_refused');
    assert.ok(refused.some((e) => e.outcome === 'other_browser'), JSON.stringify(refused));
    assert.deepEqual(await grants(), before);
    assert.equal(suite.h.slack.oauthAccessCounts()['authorization_code'] ?? 0, exchanges, 'the code was not exchanged');
  });

  it('disconnecting revokes the grant at Slack before deleting it, and says so', async () => {
    const grant = await readGrant(suite.h.db.pool, masterBox(), suite.h.tenant.id, 'slack');
    assert.equal(grant?.grantType, 'authorization_code');
    const refreshToken = grant?.refreshToken ?? '';
    assert.ok(refreshToken, 'a rotating grant came with a refresh token');
    const revokes = () => suite.h.slack.callCounts()['auth.revoke'] ?? 0;
    const revokedBefore = revokes();

    const answer = await admin('POST', '/admin/tenants/acme/connectors/slack/disconnect', { requestedBy: 'alice@acme' });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.status, 'disconnected');
    assert.equal(answer.body.revokedAtProvider, true, JSON.stringify(answer.body));
    assert.ok((answer.body.deletedCredentials as string[]).includes('oauth_grant'), JSON.stringify(answer.body));
    assert.match(String(answer.body.grant), /the OAuth grant was revoked at slack/, JSON.stringify(answer.body));

    // Slack was told, and the stored refresh token no longer gets a token there.
    assert.ok(revokes() > revokedBefore, 'auth.revoke was called');
    const refreshed = await fetch(new URL('oauth.v2.access', suite.h.slack.apiUrl), {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: refreshToken }).toString(),
    });
    assert.deepEqual(await refreshed.json(), { ok: false, error: 'invalid_refresh_token' });
    assert.deepEqual(await grants(), [], 'the grant row is gone');

    const deleted = await auditOf('connector.credentials_deleted');
    assert.equal(deleted.length, 1, JSON.stringify(deleted));
    assert.ok((deleted[0]?.detail.deletedCredentials as string[]).includes('oauth_grant'), JSON.stringify(deleted[0]?.detail));
    assert.match(String(deleted[0]?.detail.grant), /the OAuth grant was revoked at slack/);
  });

  it('never shows the client secret or a token Slack issued in a response, a log line or the audit trail', async () => {
    assert.ok(issuedTokens.size >= 3, `tokens seen: ${issuedTokens.size}`);
    assert.ok(suite.h.logLines.length > 0, 'the API and worker logs were captured');
    const audit = JSON.stringify(await listAudit(suite.h.db.pool, { limit: 5000 }));
    const places: Array<[string, string]> = [['responses', bodies.join('\n')], ['logs', suite.h.logLines.join('')], ['audit', audit]];
    for (const [where, text] of places) {
      assert.ok(!text.includes(CLIENT_SECRET), `the client secret appears in ${where}`);
      for (const token of issuedTokens) assert.ok(!text.includes(token), `an issued token appears in ${where}`);
    }
  });
});
