/**
 * The ServiceNow simulator's OAuth endpoints (authorize page, token grants, rotation,
 * revocation), driven with plain `fetch` as a browser and an OAuth client would.
 * Run: node --import tsx --test test/simulators/servicenow-oauth.test.ts
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { pkceS256Challenge, startServiceNowSimulator, type ServiceNowSimulator } from './servicenow';

const REDIRECT = 'https://gatehouse.example/oauth/callback?tenant=t1';
const CLIENT = { client_id: 'gatehouse-app', client_secret: 'app-secret-1' };
const OTHER = { client_id: 'other-app', client_secret: 'other-secret' };
const DENIED = { error: 'server_error', error_description: 'access_denied' };
const START = Date.parse('2025-08-01T10:00:00Z');

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

function str(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  assert.equal(typeof value, 'string', `expected ${name} in ${JSON.stringify(body)}`);
  return value as string;
}

describe('ServiceNow simulator OAuth', () => {
  let sn: ServiceNowSimulator;
  let nowMs = START;

  async function post(path: string, form: Record<string, string>): Promise<Answer> {
    const res = await fetch(`${sn.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  }

  const token = (form: Record<string, string>): Promise<Answer> => post('/oauth_token.do', form);
  const revoke = (form: Record<string, string>): Promise<Answer> => post('/oauth_revoke_token.do', form);

  /** The browser hitting the authorize page; redirects are not followed. */
  async function authorize(params: Record<string, string>): Promise<{ status: number; location: URL | undefined; text: string }> {
    const res = await fetch(`${sn.url}/oauth_auth.do?${new URLSearchParams(params).toString()}`, { redirect: 'manual' });
    const location = res.headers.get('location');
    return { status: res.status, location: location === null ? undefined : new URL(location), text: await res.text() };
  }

  async function tableStatus(accessToken: string): Promise<number> {
    const res = await fetch(`${sn.url}/api/now/table/incident?sysparm_limit=1`, {
      headers: { accept: 'application/json', authorization: `Bearer ${accessToken}` },
    });
    await res.arrayBuffer();
    return res.status;
  }

  /** Authorize with PKCE, returning the code and its verifier. */
  async function codeWithPkce(): Promise<{ code: string; verifier: string }> {
    const verifier = randomBytes(32).toString('base64url');
    const answer = await authorize({
      response_type: 'code',
      client_id: CLIENT.client_id,
      redirect_uri: REDIRECT,
      state: 'st-1',
      code_challenge: pkceS256Challenge(verifier),
      code_challenge_method: 'S256',
    });
    assert.equal(answer.status, 302);
    const code = answer.location?.searchParams.get('code');
    assert.ok(code, `no code in ${String(answer.location)}`);
    return { code, verifier };
  }

  function exchange(code: string, verifier: string, extra: Record<string, string> = {}): Promise<Answer> {
    return token({ grant_type: 'authorization_code', ...CLIENT, code, redirect_uri: REDIRECT, code_verifier: verifier, ...extra });
  }

  /** A fresh token pair from the authorization-code grant. */
  async function tokenPair(): Promise<{ access: string; refresh: string }> {
    const { code, verifier } = await codeWithPkce();
    const granted = await exchange(code, verifier);
    assert.equal(granted.status, 200);
    return { access: str(granted.body, 'access_token'), refresh: str(granted.body, 'refresh_token') };
  }

  const refresh = (refreshToken: string): Promise<Answer> => token({ grant_type: 'refresh_token', ...CLIENT, refresh_token: refreshToken });

  before(async () => {
    sn = await startServiceNowSimulator({ now: () => new Date(nowMs) });
    sn.addUser({ user_name: 'beth.anglin', password: 'pw-beth', name: 'Beth Anglin' });
    sn.addUser({ user_name: 'gatehouse.app', password: 'pw-app', name: 'Gatehouse App' });
    sn.addOAuthClient({ ...CLIENT, redirect_uris: [REDIRECT], clientCredentialsUser: 'gatehouse.app' });
    sn.addOAuthClient(OTHER);
  });

  after(async () => {
    await sn.close();
  });

  beforeEach(() => {
    nowMs += 60_000;
    sn.setOAuthConsent({ decision: 'approve' });
    sn.setClientCredentialsGrantEnabled(false);
    sn.setRefreshTokenRotation('off');
  });

  describe('authorization code with PKCE', () => {
    it('redirects with code and state, exchanges the code, and the token reads the Table API as the consenting user', async () => {
      sn.setOAuthConsent({ decision: 'approve', userName: 'beth.anglin' });
      const verifier = randomBytes(32).toString('base64url');
      const page = await authorize({
        response_type: 'code',
        client_id: CLIENT.client_id,
        redirect_uri: REDIRECT,
        state: 'xyz',
        code_challenge: pkceS256Challenge(verifier),
        code_challenge_method: 'S256',
        scope: 'useraccount',
      });
      assert.equal(page.status, 302);
      assert.ok(page.location);
      assert.equal(`${page.location.origin}${page.location.pathname}`, 'https://gatehouse.example/oauth/callback');
      assert.equal(page.location.searchParams.get('tenant'), 't1', 'the redirect_uri keeps its own query');
      assert.equal(page.location.searchParams.get('state'), 'xyz');
      const code = page.location.searchParams.get('code');
      assert.ok(code);

      const granted = await exchange(code, verifier);
      assert.equal(granted.status, 200);
      assert.equal(granted.headers.get('cache-control'), 'no-store');
      assert.equal(granted.body.scope, 'useraccount');
      assert.equal(granted.body.token_type, 'Bearer');
      assert.equal(granted.body.expires_in, 1799);
      str(granted.body, 'refresh_token');
      const access = str(granted.body, 'access_token');
      assert.equal(await tableStatus(access), 200);

      const created = await fetch(`${sn.url}/api/now/table/incident`, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json', authorization: `Bearer ${access}` },
        body: JSON.stringify({ short_description: 'via OAuth' }),
      });
      assert.equal(created.status, 201);
      const row = ((await created.json()) as { result: Record<string, unknown> }).result;
      assert.equal(row.sys_created_by, 'beth.anglin');
    });

    it('refuses a wrong or missing code_verifier', async () => {
      const { code, verifier } = await codeWithPkce();
      const wrong = await exchange(code, randomBytes(32).toString('base64url'));
      assert.equal(wrong.status, 401);
      assert.deepEqual(wrong.body, DENIED);
      assert.equal(wrong.headers.get('cache-control'), 'no-store');
      const missing = await token({ grant_type: 'authorization_code', ...CLIENT, code, redirect_uri: REDIRECT });
      assert.equal(missing.status, 401);
      assert.equal((await exchange(code, verifier)).status, 200, 'a refused attempt does not burn the code');
    });

    it('refuses a code used twice and revokes the tokens issued from it', async () => {
      const { code, verifier } = await codeWithPkce();
      const first = await exchange(code, verifier);
      assert.equal(first.status, 200);
      const access = str(first.body, 'access_token');
      const refreshToken = str(first.body, 'refresh_token');
      assert.equal(await tableStatus(access), 200);

      const replay = await exchange(code, verifier);
      assert.equal(replay.status, 401);
      assert.deepEqual(replay.body, DENIED);
      assert.equal(await tableStatus(access), 401, 'the access token from the code is revoked');
      assert.equal((await refresh(refreshToken)).status, 401, 'so is the refresh token');
    });

    it('expires codes after 60 seconds', async () => {
      const { code, verifier } = await codeWithPkce();
      nowMs += 61_000;
      assert.equal((await exchange(code, verifier)).status, 401);
    });

    it('refuses a code for another client', async () => {
      const { code, verifier } = await codeWithPkce();
      const stolen = await token({ grant_type: 'authorization_code', ...OTHER, code, redirect_uri: REDIRECT, code_verifier: verifier });
      assert.equal(stolen.status, 401);
    });

    it('shows a 400 page without redirecting for an unregistered redirect_uri or an unknown client', async () => {
      const base = { response_type: 'code', client_id: CLIENT.client_id, state: 's' };
      const unregistered = await authorize({ ...base, redirect_uri: 'https://evil.example/cb' });
      assert.equal(unregistered.status, 400);
      assert.equal(unregistered.location, undefined);
      const unknown = await authorize({ ...base, client_id: 'nobody', redirect_uri: REDIRECT });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.location, undefined);
    });

    it('refuses a token request whose redirect_uri differs from the authorize request', async () => {
      const { code, verifier } = await codeWithPkce();
      const other = await exchange(code, verifier, { redirect_uri: 'https://gatehouse.example/oauth/callback' });
      assert.equal(other.status, 401);
      assert.deepEqual(other.body, DENIED);
    });

    it('redirects with errors for a denied consent, a wrong response_type and a non-S256 challenge', async () => {
      const base = { client_id: CLIENT.client_id, redirect_uri: REDIRECT, state: 'st-9' };
      sn.setOAuthConsent({ decision: 'deny' });
      const denied = await authorize({ ...base, response_type: 'code' });
      assert.equal(denied.status, 302);
      assert.equal(denied.location?.searchParams.get('error'), 'access_denied');
      assert.ok(denied.location?.searchParams.get('error_description'));
      assert.equal(denied.location?.searchParams.get('state'), 'st-9');
      assert.equal(denied.location?.searchParams.get('code'), null);

      sn.setOAuthConsent({ decision: 'approve' });
      const implicit = await authorize({ ...base, response_type: 'token' });
      assert.equal(implicit.location?.searchParams.get('error'), 'unsupported_response_type');
      const plain = await authorize({ ...base, response_type: 'code', code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' });
      assert.equal(plain.location?.searchParams.get('error'), 'invalid_request');
      assert.equal(plain.location?.searchParams.get('state'), 'st-9');
    });
  });

  describe('client credentials', () => {
    it('is refused by default and issues an access token only once the instance property is on', async () => {
      const off = await token({ grant_type: 'client_credentials', ...CLIENT });
      assert.equal(off.status, 401);
      assert.deepEqual(off.body, DENIED);

      sn.setClientCredentialsGrantEnabled(true);
      const on = await token({ grant_type: 'client_credentials', ...CLIENT });
      assert.equal(on.status, 200);
      assert.equal(on.body.refresh_token, undefined);
      assert.equal(await tableStatus(str(on.body, 'access_token')), 200);

      const noAppUser = await token({ grant_type: 'client_credentials', ...OTHER });
      assert.equal(noAppUser.status, 401, 'a client without an OAuth Application User is refused');
      const badSecret = await token({ grant_type: 'client_credentials', ...CLIENT, client_secret: 'nope' });
      assert.equal(badSecret.status, 401);
    });
  });

  describe('refresh token rotation', () => {
    it('off (default): only an access token comes back and the refresh token stays valid', async () => {
      const pair = await tokenPair();
      const first = await refresh(pair.refresh);
      assert.equal(first.status, 200);
      assert.equal(first.body.refresh_token, undefined);
      assert.equal((await refresh(pair.refresh)).status, 200);
    });

    it('rotate-previous-valid-until-new-used: the previous token works until the new access token is used', async () => {
      sn.setRefreshTokenRotation('rotate-previous-valid-until-new-used');
      const pair = await tokenPair();
      const rotated = await refresh(pair.refresh);
      assert.equal(rotated.status, 200);
      const newRefresh = str(rotated.body, 'refresh_token');
      assert.notEqual(newRefresh, pair.refresh);

      // The client lost the answer and retries with the previous token: still accepted.
      const retried = await refresh(pair.refresh);
      assert.equal(retried.status, 200);
      const newAccess = str(retried.body, 'access_token');
      const latestRefresh = str(retried.body, 'refresh_token');

      assert.equal(await tableStatus(newAccess), 200);
      assert.equal((await refresh(pair.refresh)).status, 401, 'using the new access token revoked the previous refresh token');
      assert.equal((await refresh(latestRefresh)).status, 200);
    });

    it('rotate-previous-valid-until-new-used: presenting the new refresh token revokes the previous one', async () => {
      sn.setRefreshTokenRotation('rotate-previous-valid-until-new-used');
      const pair = await tokenPair();
      const newRefresh = str((await refresh(pair.refresh)).body, 'refresh_token');
      assert.equal((await refresh(newRefresh)).status, 200);
      assert.equal((await refresh(pair.refresh)).status, 401);
    });

    it('rotate-revoke-previous: the previous refresh token is revoked at once', async () => {
      sn.setRefreshTokenRotation('rotate-revoke-previous');
      const pair = await tokenPair();
      const rotated = await refresh(pair.refresh);
      assert.equal(rotated.status, 200);
      const newRefresh = str(rotated.body, 'refresh_token');
      const again = await refresh(pair.refresh);
      assert.equal(again.status, 401);
      assert.deepEqual(again.body, DENIED);
      assert.equal((await refresh(newRefresh)).status, 200);
    });
  });

  describe('revocation and test helpers', () => {
    it('revokes access tokens, and refresh tokens together with their access tokens', async () => {
      const a = await tokenPair();
      const revokedAccess = await revoke({ ...CLIENT, token: a.access });
      assert.equal(revokedAccess.status, 200);
      assert.deepEqual(revokedAccess.body, {});
      assert.equal(revokedAccess.headers.get('cache-control'), 'no-store');
      assert.equal(await tableStatus(a.access), 401);
      assert.equal((await refresh(a.refresh)).status, 200, 'revoking an access token leaves the refresh token');

      const b = await tokenPair();
      assert.equal((await revoke({ ...CLIENT, token: b.refresh })).status, 200);
      assert.equal((await refresh(b.refresh)).status, 401);
      assert.equal(await tableStatus(b.access), 401, 'access tokens issued from the refresh token go with it');

      const unknown = await revoke({ ...CLIENT, token: 'never-issued' });
      assert.equal(unknown.status, 200);
      assert.deepEqual(unknown.body, {});
      const badClient = await revoke({ ...CLIENT, client_secret: 'wrong', token: a.refresh });
      assert.equal(badClient.status, 401);
      assert.deepEqual(badClient.body, DENIED);
      const otherClient = await revoke({ ...OTHER, token: a.refresh });
      assert.equal(otherClient.status, 200);
      assert.equal((await refresh(a.refresh)).status, 200, 'another client cannot revoke this client\'s token');
    });

    it('revokeAllTokensOf makes the next refresh fail', async () => {
      const pair = await tokenPair();
      sn.revokeAllTokensOf(CLIENT.client_id);
      assert.equal((await refresh(pair.refresh)).status, 401);
      assert.equal(await tableStatus(pair.access), 401);
    });

    it('expireAccessTokens makes the Table API answer 401 while the refresh token still works', async () => {
      const pair = await tokenPair();
      assert.equal(await tableStatus(pair.access), 200);
      sn.expireAccessTokens();
      assert.equal(await tableStatus(pair.access), 401);
      const refreshed = await refresh(pair.refresh);
      assert.equal(refreshed.status, 200);
      assert.equal(await tableStatus(str(refreshed.body, 'access_token')), 200);
    });

    it('counts token requests by grant_type, failed ones included', async () => {
      const before = sn.tokenRequestCounts();
      await token({ grant_type: 'client_credentials', ...CLIENT });
      await refresh('forged');
      await token({ grant_type: 'authorization_code', ...CLIENT, code: 'forged', redirect_uri: REDIRECT });
      const now = sn.tokenRequestCounts();
      assert.equal((now.client_credentials ?? 0) - (before.client_credentials ?? 0), 1);
      assert.equal((now.refresh_token ?? 0) - (before.refresh_token ?? 0), 1);
      assert.equal((now.authorization_code ?? 0) - (before.authorization_code ?? 0), 1);
    });
  });
});
