import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { WebAPIPlatformError, WebClient } from '@slack/web-api';
import { startSlackSimulator, type SlackSimulator } from './slack';

const TEAM = 'T0ACME001';
const SEEDED_TOKEN = 'xoxb-acme-token';
const REDIRECT = 'https://gatehouse.test/slack/oauth/callback';
const ROTATING = { clientId: '111.222', clientSecret: 'rotating-secret', appId: 'A0ROT', redirectUris: [REDIRECT], tokenRotation: true };
const PLAIN = { clientId: '333.444', clientSecret: 'plain-secret', appId: 'A0PLAIN', redirectUris: [REDIRECT] };
const SCOPES = 'chat:write,users:read';

let sim: SlackSimulator;

beforeEach(async () => {
  sim = await startSlackSimulator();
  sim.addWorkspace({ teamId: TEAM, domain: 'acme', botToken: SEEDED_TOKEN, botUserId: 'UBOT1', appId: 'A0GATE' });
  sim.addUser({ id: 'U100', teamId: TEAM, name: 'alice', email: 'alice@acme.test' });
  sim.addChannel({ id: 'C100', teamId: TEAM, name: 'approvals' });
  sim.addUserGroup({ id: 'S100', teamId: TEAM, handle: 'oncall', users: ['U100'] });
  sim.addOAuthApp(ROTATING);
  sim.addOAuthApp(PLAIN);
});

afterEach(async () => {
  await sim.close();
});

/** Calls the authorize page the way a browser would, without following the redirect. */
async function authorize(query: Record<string, string>): Promise<Response> {
  const url = new URL('/oauth/v2/authorize', sim.apiUrl);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return fetch(url, { redirect: 'manual' });
}

/** Runs authorize and returns the code from the redirect. */
async function codeFor(clientId: string, extra: Record<string, string> = {}): Promise<string> {
  const res = await authorize({ client_id: clientId, scope: SCOPES, redirect_uri: REDIRECT, state: 'st-1', ...extra });
  assert.equal(res.status, 302);
  const location = new URL(res.headers.get('location') ?? '');
  assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
  assert.equal(location.searchParams.get('state'), 'st-1');
  return location.searchParams.get('code') ?? assert.fail('no code in redirect');
}

/** POSTs oauth.v2.access with HTTP Basic client credentials (none when `app` is null); answers the parsed JSON. */
async function access(app: { clientId: string; clientSecret: string } | null, params: Record<string, string>): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (app !== null) headers['authorization'] = `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`;
  const res = await fetch(new URL('oauth.v2.access', sim.apiUrl), {
    method: 'POST',
    headers,
    body: new URLSearchParams(params).toString(),
  });
  assert.equal(res.status, 200, 'Slack answers oauth.v2.access errors with HTTP 200');
  return (await res.json()) as Record<string, unknown>;
}

async function install(app: { clientId: string; clientSecret: string }, extra: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const code = await codeFor(app.clientId, extra);
  const body = await access(app, { code, redirect_uri: REDIRECT });
  assert.equal(body['ok'], true, JSON.stringify(body));
  return body;
}

function web(token: string): WebClient {
  return new WebClient(token, { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 } });
}

async function assertPlatformError(promise: Promise<unknown>, code: string): Promise<WebAPIPlatformError> {
  let caught: WebAPIPlatformError | undefined;
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof WebAPIPlatformError, `expected WebAPIPlatformError, got ${String(err)}`);
    assert.equal(err.data.error, code);
    caught = err;
    return true;
  });
  return caught ?? assert.fail('unreachable');
}

describe('OAuth v2 install', () => {
  it('installs with rotation via WebClient and the token posts as the app bot', async () => {
    const code = await codeFor(ROTATING.clientId);
    const res = await new WebClient(undefined, { slackApiUrl: sim.apiUrl }).oauth.v2.access({
      client_id: ROTATING.clientId,
      client_secret: ROTATING.clientSecret,
      code,
      redirect_uri: REDIRECT,
    });
    assert.match(String(res.access_token), /^xoxe\.xoxb-1-/);
    assert.match(String(res.refresh_token), /^xoxe-1-/);
    assert.equal(res.expires_in, 43200);
    assert.equal(res.token_type, 'bot');
    assert.equal(res.scope, SCOPES);
    assert.equal(res.app_id, 'A0ROT');
    assert.deepEqual(res.team, { id: TEAM, name: 'acme' });
    assert.equal(res.enterprise, null);
    assert.equal(res.is_enterprise_install, false);
    assert.deepEqual(res.authed_user, { id: 'U100' });

    const posted = await web(String(res.access_token)).chat.postMessage({ channel: 'C100', text: 'hello' });
    assert.equal(posted.ok, true);
    const [stored] = sim.messages('C100');
    assert.equal(stored?.user, res.bot_user_id);
    const who = await web(String(res.access_token)).auth.test();
    assert.equal(who.team_id, TEAM);
    assert.equal(who.app_id, 'A0ROT');
    // Seeded tokens are untouched by OAuth.
    assert.equal((await web(SEEDED_TOKEN).auth.test()).user_id, 'UBOT1');
    assert.deepEqual(sim.oauthAccessCounts(), { authorization_code: 1 });
  });

  it('installs without rotation: a plain xoxb token with no refresh token', async () => {
    const body = await install(PLAIN);
    assert.match(String(body['access_token']), /^xoxb-/);
    assert.equal(body['refresh_token'], undefined);
    assert.equal(body['expires_in'], undefined);
    sim.expireAccessTokens();
    assert.equal((await web(String(body['access_token'])).chat.postMessage({ channel: 'C100', text: 'x' })).ok, true);
  });

  it('accepts client credentials as params; checks client and grant_type before the code', async () => {
    const code = await codeFor(PLAIN.clientId);
    const body = await access(null, { client_id: PLAIN.clientId, client_secret: PLAIN.clientSecret, code, redirect_uri: REDIRECT });
    assert.equal(body['ok'], true);
    assert.equal((await access({ ...PLAIN, clientSecret: 'nope' }, { code, redirect_uri: REDIRECT }))['error'], 'bad_client_secret');
    assert.equal((await access({ clientId: '999.9', clientSecret: 'x' }, { code }))['error'], 'invalid_client_id');
    assert.equal((await access(PLAIN, { code, grant_type: 'password' }))['error'], 'invalid_grant_type');
  });

  it('rejects a PKCE verifier that does not match with invalid_code', async () => {
    const verifier = 'v'.repeat(50);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const code = await codeFor(PLAIN.clientId, { code_challenge: challenge, code_challenge_method: 'S256' });
    assert.equal((await access(PLAIN, { code, redirect_uri: REDIRECT, code_verifier: 'w'.repeat(50) }))['error'], 'invalid_code');
    assert.equal((await access(PLAIN, { code, redirect_uri: REDIRECT }))['error'], 'invalid_code');
    assert.equal((await access(PLAIN, { code, redirect_uri: REDIRECT, code_verifier: verifier }))['ok'], true);
  });

  it('a code works once', async () => {
    const code = await codeFor(PLAIN.clientId);
    assert.equal((await access(PLAIN, { code, redirect_uri: REDIRECT }))['ok'], true);
    assert.equal((await access(PLAIN, { code, redirect_uri: REDIRECT }))['error'], 'invalid_code');
    assert.deepEqual(sim.oauthAccessCounts(), { authorization_code: 2 });
  });

  it('a code expires after 10 minutes', async (t) => {
    // Only Date is faked: the simulator reads Date.now() per request, sockets keep real timers.
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const stale = await codeFor(PLAIN.clientId);
    const fresh = await codeFor(PLAIN.clientId);
    t.mock.timers.tick(9 * 60 * 1000);
    assert.equal((await access(PLAIN, { code: fresh, redirect_uri: REDIRECT }))['ok'], true);
    t.mock.timers.tick(60 * 1000);
    assert.equal((await access(PLAIN, { code: stale, redirect_uri: REDIRECT }))['error'], 'invalid_code');
  });

  it('a different redirect_uri at exchange is bad_redirect_uri; an unregistered one gets no redirect', async () => {
    const code = await codeFor(PLAIN.clientId);
    assert.equal((await access(PLAIN, { code, redirect_uri: 'https://evil.test/cb' }))['error'], 'bad_redirect_uri');
    assert.equal((await access(PLAIN, { code }))['error'], 'bad_redirect_uri');
    const page = await authorize({ client_id: PLAIN.clientId, scope: SCOPES, redirect_uri: 'https://evil.test/cb', state: 's' });
    assert.equal(page.status, 400);
    assert.equal(page.headers.get('location'), null);
    assert.equal((await authorize({ client_id: 'unknown', scope: SCOPES, redirect_uri: REDIRECT })).status, 400);
  });

  it('deny redirects with error=access_denied and the state', async () => {
    sim.setOAuthConsent({ decision: 'deny' });
    const res = await authorize({ client_id: PLAIN.clientId, scope: SCOPES, redirect_uri: REDIRECT, state: 'st-9' });
    assert.equal(res.status, 302);
    const location = new URL(res.headers.get('location') ?? '');
    assert.equal(location.searchParams.get('error'), 'access_denied');
    assert.equal(location.searchParams.get('state'), 'st-9');
    assert.equal(location.searchParams.get('code'), null);
  });

  it('reports the granted scopes when the grant is broader or narrower than requested', async () => {
    sim.setOAuthConsent({ decision: 'approve', grantScopes: ['chat:write', 'users:read', 'users:read.email', 'usergroups:read'] });
    const broad = await install(PLAIN);
    assert.equal(broad['scope'], 'chat:write,users:read,users:read.email,usergroups:read');
    const broadUser = await web(String(broad['access_token'])).users.info({ user: 'U100' });
    assert.equal(broadUser.user?.profile?.email, 'alice@acme.test');

    sim.setOAuthConsent({ decision: 'approve', grantScopes: ['users:read'] });
    const narrow = await install(PLAIN);
    assert.equal(narrow['scope'], 'users:read');
    const narrowUser = await web(String(narrow['access_token'])).users.info({ user: 'U100' });
    assert.equal(narrowUser.user?.profile?.email, undefined, 'email needs users:read.email');
  });

  it('answers missing_scope with needed/provided for a method the grant does not cover', async () => {
    const body = await install(PLAIN);
    const err = await assertPlatformError(web(String(body['access_token'])).usergroups.users.list({ usergroup: 'S100' }), 'missing_scope');
    const data: Record<string, unknown> = { ...err.data };
    assert.equal(data['needed'], 'usergroups:read');
    assert.equal(data['provided'], SCOPES);
    assert.equal((await web(String(body['access_token'])).auth.test()).ok, true, 'auth.test needs no scope');
  });
});

describe('OAuth v2 token rotation', () => {
  it('rotate-revoke-previous: a refresh returns new tokens and revokes the old refresh token', async () => {
    const first = await install(ROTATING);
    const second = await access(ROTATING, { grant_type: 'refresh_token', refresh_token: String(first['refresh_token']) });
    assert.equal(second['ok'], true);
    assert.match(String(second['access_token']), /^xoxe\.xoxb-1-/);
    assert.notEqual(second['access_token'], first['access_token']);
    assert.notEqual(second['refresh_token'], first['refresh_token']);
    assert.equal(second['scope'], SCOPES);
    assert.equal(second['expires_in'], 43200);
    const again = await access(ROTATING, { grant_type: 'refresh_token', refresh_token: String(first['refresh_token']) });
    assert.equal(again['error'], 'invalid_refresh_token');
    assert.equal((await web(String(second['access_token'])).chat.postMessage({ channel: 'C100', text: 'x' })).ok, true);
    assert.deepEqual(sim.oauthAccessCounts(), { authorization_code: 1, refresh_token: 2 });
  });

  it('rotate-previous-valid-until-new-used: the old refresh token lives until the new access token is used', async () => {
    sim.setRefreshTokenRotation('rotate-previous-valid-until-new-used');
    const first = await install(ROTATING);
    const oldRefresh = String(first['refresh_token']);
    const second = await access(ROTATING, { grant_type: 'refresh_token', refresh_token: oldRefresh });
    assert.equal(second['ok'], true);
    // A lost response: the app retries with the old refresh token, which still works.
    const retried = await access(ROTATING, { grant_type: 'refresh_token', refresh_token: oldRefresh });
    assert.equal(retried['ok'], true);
    await web(String(retried['access_token'])).auth.test();
    assert.equal((await access(ROTATING, { grant_type: 'refresh_token', refresh_token: oldRefresh }))['error'], 'invalid_refresh_token');

    // Presenting the new refresh token also retires its predecessor.
    const third = await access(ROTATING, { grant_type: 'refresh_token', refresh_token: String(retried['refresh_token']) });
    const fourth = await access(ROTATING, { grant_type: 'refresh_token', refresh_token: String(third['refresh_token']) });
    assert.equal(fourth['ok'], true);
    const stale = await access(ROTATING, { grant_type: 'refresh_token', refresh_token: String(retried['refresh_token']) });
    assert.equal(stale['error'], 'invalid_refresh_token');
  });

  it('expired access tokens answer token_expired until refreshed', async () => {
    const first = await install(ROTATING);
    sim.expireAccessTokens();
    await assertPlatformError(web(String(first['access_token'])).chat.postMessage({ channel: 'C100', text: 'x' }), 'token_expired');
    const next = await access(ROTATING, { grant_type: 'refresh_token', refresh_token: String(first['refresh_token']) });
    assert.equal((await web(String(next['access_token'])).chat.postMessage({ channel: 'C100', text: 'x' })).ok, true);
  });

  it('revokeInstallTokens: access gives token_revoked and refresh invalid_refresh_token', async () => {
    const first = await install(ROTATING);
    sim.revokeInstallTokens(ROTATING.clientId);
    await assertPlatformError(web(String(first['access_token'])).auth.test(), 'token_revoked');
    const refreshed = await access(ROTATING, { grant_type: 'refresh_token', refresh_token: String(first['refresh_token']) });
    assert.deepEqual(refreshed, { ok: false, error: 'invalid_refresh_token' });
  });

  it('auth.revoke revokes the token and the refresh token of that install', async () => {
    const first = await install(ROTATING);
    const token = String(first['access_token']);
    assert.equal((await web(token).auth.revoke()).ok, true);
    await assertPlatformError(web(token).auth.test(), 'token_revoked');
    const refreshed = await access(ROTATING, { grant_type: 'refresh_token', refresh_token: String(first['refresh_token']) });
    assert.equal(refreshed['error'], 'invalid_refresh_token');
  });
});
