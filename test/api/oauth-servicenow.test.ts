/**
 * Connecting ServiceNow through OAuth end to end, as a tenant admin sees it: the app registration
 * (secret sealed or referenced as the policy allows, never shown), the authorization code flow
 * with PKCE through a browser (start link, binding cookie, the instance's consent, the callback),
 * every refusal of that flow, the client-credentials grant, a refused grant failing runs with the
 * re-authorisation reason (audited once and posted to the approval channel), a disconnect that
 * revokes the grant at the instance before deleting it, and no secret or token in anything the
 * admin or the operator can read.
 * Run: node --import tsx --test test/api/oauth-servicenow.test.ts
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { listAudit } from '../../db/audit-repo';
import { readGrant } from '../../db/connector-grants-repo';
import { channelId, integrationUser } from '../support/harness';
import { useTimeSkippingHarness } from '../support/harness-suite';
import { auditOf as auditEvents, browse as browsePage, grantRows, waitForInstall, watchMasterBox } from '../support/oauth-browser';
import { messageText } from '../support/slack-assertions';

const masterBox = watchMasterBox();
const suite = useTimeSkippingHarness();

const CLIENT_ID = 'gatehouse-acme';
const CLIENT_SECRET = `sn-client-secret-${randomBytes(12).toString('hex')}`;
const BINDING_COOKIE = 'gatehouse_oauth_binding';

/** Every body this file received from Gatehouse, for the secret scan. */
const bodies: string[] = [];
/** Every access and refresh token the instance issued (seen on the token endpoint's answers). */
const issuedTokens = new Set<string>();

type SmokeSteps = Array<{ step: string; outcome: string; detail: string }>;
type InstallView = { install: { status: string; enabledActions: string[] }; state?: { status: string; healthcheck?: { ok: boolean; detail: string } } };

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await suite.h.admin(method, path, body);
  bodies.push(JSON.stringify(answer.body));
  return answer;
}

/** A browser request that does not follow redirects; Gatehouse's bodies are kept for the scan. */
const browse = (url: string, cookie?: string) => browsePage(url, cookie, (text) => {
  if (url.startsWith(suite.h.runtime.apiUrl)) bodies.push(text);
});

/** The admin API hands out a start link. */
async function authorize(requestedBy = 'alice@acme'): Promise<string> {
  const started = await admin('POST', '/admin/tenants/acme/connectors/servicenow/authorize', { requestedBy });
  assert.equal(started.status, 201, JSON.stringify(started.body));
  assert.equal(started.body.redirectUri, `${suite.h.runtime.apiUrl}/oauth/callback/servicenow`);
  return String(started.body.startUrl);
}

/** Opens the start link in a fresh browser: its binding cookie and where it is sent (the instance). */
async function begin(startUrl: string): Promise<{ cookie: string; providerUrl: string }> {
  const opened = await browse(startUrl);
  assert.equal(opened.status, 303, opened.text);
  const setCookie = opened.setCookie ?? '';
  assert.match(setCookie, new RegExp(`^${BINDING_COOKIE}=`));
  assert.match(setCookie, /HttpOnly/i);
  const providerUrl = new URL(opened.location ?? '');
  assert.equal(providerUrl.origin, suite.h.sn.url);
  assert.equal(providerUrl.searchParams.get('code_challenge_method'), 'S256');
  return { cookie: setCookie.split(';')[0]!, providerUrl: providerUrl.toString() };
}

/** The instance's consent page answers with a redirect to the callback. */
async function consent(providerUrl: string): Promise<URL> {
  const answered = await browse(providerUrl);
  assert.equal(answered.status, 302, answered.text);
  const callback = new URL(answered.location ?? '');
  assert.equal(`${callback.origin}${callback.pathname}`, `${suite.h.runtime.apiUrl}/oauth/callback/servicenow`);
  return callback;
}

const grants = () => grantRows<{ grant_type: string; status: string; generation: number; updated_at: Date }>(
  suite.h.db.pool, suite.h.tenant.id, 'servicenow', ['grant_type', 'status', 'generation', 'updated_at']);

const auditOf = (type: string) => auditEvents(suite.h.db.pool, suite.h.tenant.id, type);

const installState = (until: (v: InstallView) => boolean) => waitForInstall<InstallView>(admin, 'acme', 'servicenow', until);

async function setSecretStorage(storage: 'either' | 'sealed' | 'reference'): Promise<void> {
  const current = await admin('GET', '/admin/tenants/acme/policy');
  const policy = current.body.policy as Record<string, unknown>;
  const stored = await admin('PUT', '/admin/tenants/acme/policy', { ...policy, credentials: { clientSecretStorage: storage } });
  assert.equal(stored.status, 201, JSON.stringify(stored.body));
}

const registration = (clientSecret: unknown, grant: 'authorization_code' | 'client_credentials' = 'authorization_code') =>
  admin('PUT', '/admin/tenants/acme/app-registrations/servicenow', { createdBy: 'alice@acme', clientId: CLIENT_ID, clientSecret, grant });

describe('ServiceNow OAuth install flow', { concurrency: false }, () => {
  const realFetch = globalThis.fetch;

  before(() => {
    suite.h.sn.addOAuthClient({
      client_id: CLIENT_ID, client_secret: CLIENT_SECRET,
      redirect_uris: [`${suite.h.runtime.apiUrl}/oauth/callback/servicenow`], clientCredentialsUser: integrationUser,
    });
    suite.h.sn.setOAuthConsent({ decision: 'approve', userName: integrationUser });
    // Gatehouse runs in this process: note every token the instance hands it, for the scan.
    globalThis.fetch = async (input, init) => {
      const res = await realFetch(input, init);
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes('/oauth_token.do') && res.ok) {
        const body = (await res.clone().json().catch(() => ({}))) as { access_token?: unknown; refresh_token?: unknown };
        for (const token of [body.access_token, body.refresh_token]) if (typeof token === 'string') issuedTokens.add(token);
      }
      return res;
    };
  });
  after(() => {
    globalThis.fetch = realFetch;
  });

  it('keeps the client secret sealed or referenced as the policy allows, and never shows it', async () => {
    const sealed = await registration({ value: CLIENT_SECRET });
    assert.equal(sealed.status, 200, JSON.stringify(sealed.body));
    const shown = await admin('GET', '/admin/tenants/acme/app-registrations/servicenow');
    assert.equal(shown.status, 200);
    const view = shown.body.registration as { clientId: string; secrets: Record<string, unknown>; settings: Record<string, unknown> };
    assert.equal(view.clientId, CLIENT_ID);
    assert.deepEqual(view.secrets, { clientSecret: { kind: 'sealed' } });
    assert.deepEqual(view.settings, { grant: 'authorization_code' });
    assert.ok(!JSON.stringify(shown.body).includes(CLIENT_SECRET) && !JSON.stringify(sealed.body).includes(CLIENT_SECRET), 'the secret is never shown');

    const masterKey = await registration({ env: 'GATEHOUSE_MASTER_KEY' });
    assert.equal(masterKey.status, 422, JSON.stringify(masterKey.body));
    assert.match(JSON.stringify(masterKey.body), /GATEHOUSE_TENANT_SECRET_/, 'the refusal names the rule');
    const escaping = await registration({ file: '../../etc/passwd' });
    assert.equal(escaping.status, 422, JSON.stringify(escaping.body));
    assert.match(JSON.stringify(escaping.body), /must not contain \.\./);

    await setSecretStorage('reference');
    const value = await registration({ value: CLIENT_SECRET });
    assert.equal(value.status, 422, JSON.stringify(value.body));
    assert.equal((value.body.error as { code: string }).code, 'secret_storage_refused');
    assert.match((value.body.error as { message: string }).message, /by reference/);
    await setSecretStorage('sealed');
    const env = await registration({ env: 'GATEHOUSE_TENANT_SECRET_ACME_SN' });
    assert.equal(env.status, 422, JSON.stringify(env.body));
    assert.equal((env.body.error as { code: string }).code, 'secret_storage_refused');
    assert.match((env.body.error as { message: string }).message, /stored sealed/);
    await setSecretStorage('either');

    // Nothing refused replaced what was stored.
    const still = (await admin('GET', '/admin/tenants/acme/app-registrations/servicenow')).body.registration as { secrets: Record<string, unknown> };
    assert.deepEqual(still.secrets, { clientSecret: { kind: 'sealed' } });
  });

  it('connects through the authorization code flow with PKCE, installs after review, and calls ServiceNow with the grant', async () => {
    const { cookie, providerUrl } = await begin(await authorize());
    const callback = await consent(providerUrl);
    assert.ok(callback.searchParams.get('code'));
    const page = await browse(callback.toString(), cookie);
    assert.equal(page.status, 200, page.text);
    assert.match(page.text, /Connected/);
    assert.match(page.text, /waits for a tenant admin&#39;s review|waits for a tenant admin's review/);

    const stored = await grants();
    assert.equal(stored.length, 1);
    assert.equal(stored[0]?.grant_type, 'authorization_code');
    assert.equal(stored[0]?.status, 'active');
    assert.equal(suite.h.sn.tokenRequestCounts()['authorization_code'], 1);
    assert.equal((await auditOf('connector.authorized')).length, 1);

    await installState((v) => v.state?.status === 'pending_review');
    const review = await admin('POST', '/admin/tenants/acme/connectors/servicenow/install/review', { reviewer: 'bob@acme', decision: 'approve' });
    assert.equal(review.status, 202, JSON.stringify(review.body));
    const enabled = await installState((v) => v.install.status === 'enabled' || v.install.status === 'healthcheck_failed');
    assert.equal(enabled.install.status, 'enabled', enabled.state?.healthcheck?.detail);

    // The stored password no longer works: a passing read can only have used the grant's Bearer token.
    assert.equal((await admin('PUT', '/admin/tenants/acme/secrets/servicenow_password', { value: 'not-the-password' })).status < 300, true);
    const incident = suite.h.createVpnIncident();
    const smoke = await admin('POST', '/admin/tenants/acme/connectors/servicenow/smoke-test', { inputs: { 'servicenow.incident.get': { number: incident.number } } });
    assert.equal(smoke.status, 200, JSON.stringify(smoke.body));
    assert.deepEqual((smoke.body.steps as SmokeSteps).map((s) => [s.step, s.outcome]), [['healthcheck', 'pass'], ['servicenow.incident.get', 'pass']], JSON.stringify(smoke.body));
    assert.equal(smoke.body.passed, true);
    assert.equal(suite.h.sn.tokenRequestCounts()['password'] ?? 0, 0, 'no password grant was attempted');
  });

  it('refuses a reused start link, a callback without the cookie, an unknown state, a denied consent and a code from another flow, storing nothing', async () => {
    const before = await grants();
    const codeExchanges = suite.h.sn.tokenRequestCounts()['authorization_code'] ?? 0;

    // The start link works once.
    const startUrl = await authorize();
    await begin(startUrl);
    const again = await browse(startUrl);
    assert.equal(again.status, 400);
    assert.match(again.text, /expired or already used/);
    assert.equal(again.setCookie, null);

    // The callback in another browser (no binding cookie).
    const other = await begin(await authorize());
    const otherCallback = await consent(other.providerUrl);
    const noCookie = await browse(otherCallback.toString());
    assert.equal(noCookie.status, 400);
    assert.match(noCookie.text, /another browser/);
    const refused = await auditOf('connector.authorization_refused');
    assert.ok(refused.some((e) => e.outcome === 'other_browser'), JSON.stringify(refused));

    // A state Gatehouse never issued.
    const unknown = await browse(`${suite.h.runtime.apiUrl}/oauth/callback/servicenow?code=abc&state=${randomBytes(16).toString('hex')}`, other.cookie);
    assert.equal(unknown.status, 400);
    assert.match(unknown.text, /unknown state/);

    // The admin declines at the instance.
    suite.h.sn.setOAuthConsent({ decision: 'deny' });
    try {
      const denied = await begin(await authorize());
      const deniedCallback = await consent(denied.providerUrl);
      assert.equal(deniedCallback.searchParams.get('error'), 'access_denied');
      const page = await browse(deniedCallback.toString(), denied.cookie);
      assert.equal(page.status, 400);
      assert.match(page.text, /not granted/);
      assert.equal((await auditOf('connector.authorization_denied')).length, 1);
    } finally {
      suite.h.sn.setOAuthConsent({ decision: 'approve', userName: integrationUser });
    }

    // Two browsers, two flows: A's code delivered to B's callback fails B's PKCE verifier.
    const a = await begin(await authorize());
    const b = await begin(await authorize());
    const aCallback = await consent(a.providerUrl);
    const bCallback = await consent(b.providerUrl);
    const swapped = new URL(bCallback);
    swapped.searchParams.set('code', aCallback.searchParams.get('code') ?? '');
    const mismatch = await browse(swapped.toString(), b.cookie);
    assert.equal(mismatch.status, 400, mismatch.text);
    assert.match(mismatch.text, /Authorisation failed/);
    assert.equal(suite.h.sn.tokenRequestCounts()['authorization_code'], codeExchanges + 1, 'only the swapped code reached the token endpoint, and was refused');
    assert.equal((await auditOf('connector.authorization_failed')).length, 1);

    assert.deepEqual(await grants(), before, 'no refusal stored or replaced a grant');
    assert.equal((await auditOf('connector.authorized')).length, 1, 'no refusal started an install review');
  });

  it('a grant the instance refused fails the run at once with the re-authorisation reason, audited once and posted to the approval channel', async () => {
    suite.h.sn.revokeAllTokensOf(CLIENT_ID);
    suite.h.sn.expireAccessTokens();
    const messagesBefore = suite.h.slack.messages(channelId).length;
    const refreshesBefore = suite.h.sn.tokenRequestCounts()['refresh_token'] ?? 0;

    const incident = suite.h.createVpnIncident();
    const sent = await suite.h.webhook(suite.h.incidentEvent(incident));
    bodies.push(JSON.stringify(sent.body));
    const handle = suite.env.client.workflow.getHandle(String(sent.body.workflowId));
    await suite.h.waitForStatus(handle.workflowId, 'failed', 20_000);
    await assert.rejects(handle.result(), (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError);
      const chain: string[] = [];
      for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) chain.push(String((e as { message?: unknown }).message));
      assert.match(chain.join(' | '), /authorise it again/);
      return true;
    });
    assert.equal((await grants())[0]?.status, 'needs_reauthorization');
    assert.equal((suite.h.sn.tokenRequestCounts()['refresh_token'] ?? 0) - refreshesBefore, 1, 'the refused refresh was not retried');

    const required = await auditOf('connector.reauthorization_required');
    assert.equal(required.length, 1, JSON.stringify(required));
    const posted = suite.h.slack.messages(channelId).slice(messagesBefore).map(messageText);
    assert.ok(posted.some((t) => /needs a tenant admin to authorise it again/.test(t) && /connectors\/servicenow\/authorize/.test(t)), JSON.stringify(posted));

    // Another call is refused with the same reason, without asking the instance or notifying again.
    const smoke = await admin('POST', '/admin/tenants/acme/connectors/servicenow/smoke-test', {});
    assert.equal(smoke.body.passed, false, JSON.stringify(smoke.body));
    assert.match(JSON.stringify(smoke.body), /authorise it again/);
    assert.equal((await auditOf('connector.reauthorization_required')).length, 1);
  });

  it('uses client credentials only where the instance allows them', async () => {
    const switched = await registration({ value: CLIENT_SECRET }, 'client_credentials');
    assert.equal(switched.status, 200, JSON.stringify(switched.body));
    const off = await admin('POST', '/admin/tenants/acme/connectors/servicenow/authorize', { requestedBy: 'alice@acme' });
    assert.equal(off.status, 422, JSON.stringify(off.body));
    assert.equal((off.body.error as { code: string }).code, 'grant_refused');
    assert.equal((await grants())[0]?.grant_type, 'authorization_code', 'the refusal stored nothing');

    suite.h.sn.setClientCredentialsGrantEnabled(true);
    const on = await admin('POST', '/admin/tenants/acme/connectors/servicenow/authorize', { requestedBy: 'alice@acme' });
    assert.equal(on.status, 202, JSON.stringify(on.body));
    assert.equal(on.body.status, 'pending_review');
    const stored = await grants();
    assert.equal(stored.length, 1);
    assert.equal(stored[0]?.grant_type, 'client_credentials');
    assert.equal(stored[0]?.status, 'active');
    await installState((v) => v.state?.status === 'pending_review');
  });

  it('disconnecting revokes the grant at the instance before deleting it, and says so', async () => {
    // The last connection was a client-credentials grant: finish its review, then connect through the browser again, so a refresh token is stored.
    const reviewed = await admin('POST', '/admin/tenants/acme/connectors/servicenow/install/review', { reviewer: 'bob@acme', decision: 'approve' });
    assert.equal(reviewed.status, 202, JSON.stringify(reviewed.body));
    await installState((v) => v.install.status === 'enabled' || v.install.status === 'healthcheck_failed');
    const back = await registration({ value: CLIENT_SECRET });
    assert.equal(back.status, 200, JSON.stringify(back.body));
    const { cookie, providerUrl } = await begin(await authorize());
    const page = await browse((await consent(providerUrl)).toString(), cookie);
    assert.equal(page.status, 200, page.text);
    const grant = await readGrant(suite.h.db.pool, masterBox(), suite.h.tenant.id, 'servicenow');
    assert.equal(grant?.grantType, 'authorization_code');
    const refreshToken = grant?.refreshToken ?? '';
    assert.ok(refreshToken, 'the code grant came with a refresh token');
    const revocations = () => suite.h.sn.requestCounts()['POST /oauth_revoke_token.do'] ?? 0;
    const revokedBefore = revocations();

    const answer = await admin('POST', '/admin/tenants/acme/connectors/servicenow/disconnect', { requestedBy: 'alice@acme' });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.status, 'disconnected');
    assert.ok((answer.body.deletedCredentials as string[]).includes('oauth_grant'), JSON.stringify(answer.body));
    assert.match(String(answer.body.grant), /the OAuth grant was revoked at servicenow/, JSON.stringify(answer.body));

    // The instance was told once, and the stored refresh token no longer gets a token there.
    assert.equal(revocations() - revokedBefore, 1);
    const refreshed = await fetch(`${suite.h.sn.url}/oauth_token.do`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: refreshToken }).toString(),
    });
    assert.equal(refreshed.status, 401);
    assert.deepEqual(await grants(), [], 'the grant row is gone');

    const deleted = await auditOf('connector.credentials_deleted');
    assert.equal(deleted.length, 1, JSON.stringify(deleted));
    assert.ok((deleted[0]?.detail.deletedCredentials as string[]).includes('oauth_grant'), JSON.stringify(deleted[0]?.detail));
    assert.match(String(deleted[0]?.detail.grant), /the OAuth grant was revoked at servicenow/);
  });

  it('never shows the client secret or an issued token in a response, a log line or the audit trail', async () => {
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
