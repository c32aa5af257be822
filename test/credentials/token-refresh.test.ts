/**
 * Refreshing a tenant's ServiceNow OAuth grant end to end: the real authorization-code flow
 * with PKCE against the ServiceNow simulator, tokens stored in the real database, and GrantTokens
 * refreshing them once across callers and "workers" (separate instances, separate pools), before
 * expiry, once on a 401, with rotation, after a worker crashed mid-refresh, and on a refused grant.
 * Run: node --import tsx --test test/credentials/token-refresh.test.ts
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import pg from 'pg';
import { ConnectionNeedsReauthorizationError } from '../../credentials/grant-errors';
import { GrantTokenRegistry } from '../../credentials/grant-token-registry';
import { GrantTokens, type GrantTokensOptions } from '../../credentials/grant-tokens';
import type { ProviderClient } from '../../credentials/oauth/oauth-provider';
import { codeChallengeOf, codeVerifierFor, randomToken } from '../../credentials/oauth/pkce';
import { serviceNowOAuth } from '../../credentials/providers/servicenow-oauth';
import { listAudit } from '../../db/audit-repo';
import { readGrant, saveGrant, type IssuedTokens } from '../../db/connector-grants-repo';
import { createTestDatabase, type Database } from '../../db/database';
import { SecretBox } from '../../db/secret-box';
import { createTenant } from '../../db/tenants-repo';
import type { TenantContext, TenantDeps } from '../../tenancy/tenant-context';
import { grantTokensFor } from '../../credentials/connection-tokens';
import { upsertAppRegistration } from '../../db/app-registrations-repo';
import { putSecret } from '../../db/secrets-repo';
import { urlPolicyFromEnv } from '../../tenancy/egress-policy';
import { startServiceNowSimulator, type RefreshTokenRotation, type ServiceNowSimulator } from '../simulators/servicenow';

const REDIRECT = 'https://gatehouse.example/oauth/callback';
const CLIENT = { client_id: 'gatehouse-oauth', client_secret: `secret-${randomBytes(8).toString('hex')}` };
const CONNECTOR = 'servicenow';
const FIXTURE = join(__dirname, 'fixtures', 'refresh-then-crash.ts');

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('grant token refresh against ServiceNow', () => {
  let db: Database;
  /** A second pool on the same database: the other worker process. */
  let otherWorker: pg.Pool;
  const masterKey = randomBytes(32);
  const box = new SecretBox(masterKey);
  let sn: ServiceNowSimulator;
  let tenantId: string;
  let client: ProviderClient;
  let tenantCount = 0;

  before(async () => {
    db = await createTestDatabase();
    otherWorker = new pg.Pool({
      connectionString: db.url,
      max: 4,
      ...(db.embedded ? { idleTimeoutMillis: 0, onConnect: async (c: pg.ClientBase) => { await c.query('DISCARD ALL'); } } : {}),
    });
  });
  after(async () => {
    await otherWorker?.end();
    await db?.close();
  });

  beforeEach(async () => {
    sn = await startServiceNowSimulator();
    sn.addOAuthClient({ ...CLIENT, redirect_uris: [REDIRECT] });
    sn.setOAuthConsent({ decision: 'approve' });
    tenantCount += 1;
    const slug = `grant-${tenantCount}-${randomBytes(3).toString('hex')}`;
    tenantId = (await createTenant(db.pool, { slug, name: slug, settings: {} })).id;
    client = {
      registration: { tenantId, provider: 'servicenow', clientId: CLIENT.client_id, settings: {}, secretRefs: {}, createdBy: 't', updatedAt: new Date() },
      clientSecret: CLIENT.client_secret,
      tenant: { id: tenantId, slug, settings: { servicenow: { instanceUrl: sn.url } } } as unknown as TenantContext,
      fetch,
    };
  });
  afterEach(async () => {
    await sn?.close();
  });

  /** The admin's browser through /oauth_auth.do with PKCE, then the code exchange; the grant is stored. */
  async function authorize(): Promise<IssuedTokens> {
    const state = randomToken();
    const verifier = codeVerifierFor(randomToken(), state);
    const url = serviceNowOAuth.authorizeUrl(client, { redirectUri: REDIRECT, state, codeChallenge: codeChallengeOf(verifier), scopes: [] });
    const page = await fetch(url, { redirect: 'manual' });
    await page.arrayBuffer();
    assert.equal(page.status, 302);
    const location = new URL(page.headers.get('location') ?? '');
    assert.equal(location.searchParams.get('state'), state);
    const code = location.searchParams.get('code');
    assert.ok(code, 'the consent redirect carries a code');
    const issued = await serviceNowOAuth.exchangeCode(client, { code, redirectUri: REDIRECT, codeVerifier: verifier });
    assert.ok(issued.refreshToken, 'the authorization-code grant comes with a refresh token');
    await saveGrant(db.pool, box, { tenantId, connectorId: CONNECTOR, grantType: 'authorization_code', ...issued });
    return issued;
  }

  function grantTokens(options: Partial<GrantTokensOptions> = {}): GrantTokens {
    return new GrantTokens({
      pool: db.pool, master: box, tenantId, connectorId: CONNECTOR, endpoint: serviceNowOAuth.tokenEndpoint(client), pollMs: 20, ...options,
    });
  }

  const refreshRequests = (): number => sn.tokenRequestCounts()['refresh_token'] ?? 0;

  async function tableStatus(accessToken: string): Promise<number> {
    const res = await fetch(`${sn.url}/api/now/table/incident?sysparm_limit=1`, {
      headers: { accept: 'application/json', authorization: `Bearer ${accessToken}` },
    });
    await res.arrayBuffer();
    return res.status;
  }

  /** The stored access token has lapsed (at the provider and in the row). */
  async function expireStoredToken(): Promise<void> {
    sn.expireAccessTokens();
    await db.pool.query(`UPDATE connector_grants SET access_expires_at = now() - interval '1 minute' WHERE tenant_id = $1 AND connector_id = $2`, [tenantId, CONNECTOR]);
  }

  async function status(): Promise<string | undefined> {
    return (await readGrant(db.pool, box, tenantId, CONNECTOR))?.status;
  }

  const needsReauth = (err: unknown): boolean => err instanceof ConnectionNeedsReauthorizationError && err.connectorId === CONNECTOR;

  it('refreshes an expired token once for 20 concurrent callers across two workers', async () => {
    const issued = await authorize();
    assert.equal(await tableStatus(issued.accessToken), 200);
    await expireStoredToken();
    assert.equal(await tableStatus(issued.accessToken), 401);

    const workerA = grantTokens();
    const workerB = grantTokens({ pool: otherWorker });
    assert.notEqual(workerA.owner, workerB.owner);
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? workerA : workerB).accessToken()));

    assert.equal(refreshRequests(), 1, 'exactly one refresh_token request reached ServiceNow');
    assert.equal(new Set(tokens).size, 1, 'every caller got the same token');
    const [fresh] = tokens;
    assert.ok(fresh);
    assert.notEqual(fresh, issued.accessToken);
    assert.equal(await tableStatus(fresh), 200);
    const stored = await readGrant(db.pool, box, tenantId, CONNECTOR);
    assert.equal(stored?.accessToken, fresh);
    assert.equal(stored?.generation, 2);
    assert.equal(stored?.leaseOwner, null, 'the lease is given back with the stored refresh');
  });

  it('refreshes a token about to expire, and leaves one far from expiry alone', async () => {
    const issued = await authorize();
    const far = grantTokens({ refreshBeforeMs: 60_000 });
    assert.equal(await far.accessToken(), issued.accessToken);
    assert.equal(await far.accessToken(), issued.accessToken);
    assert.equal(refreshRequests(), 0, 'a token ~30 minutes from expiry is not refreshed');

    await db.pool.query(`UPDATE connector_grants SET access_expires_at = now() + interval '30 seconds' WHERE tenant_id = $1`, [tenantId]);
    const near = grantTokens({ refreshBeforeMs: 60_000 });
    const refreshed = await near.accessToken();
    assert.notEqual(refreshed, issued.accessToken);
    assert.equal(refreshRequests(), 1, 'a token within refreshBeforeMs of expiry is refreshed');
    assert.equal(await tableStatus(refreshed), 200);
    assert.equal(await near.accessToken(), refreshed, 'the new token is held');
    assert.equal(refreshRequests(), 1);
  });

  it('refreshes once on a 401, however many callers report the same rejected token', async () => {
    const issued = await authorize();
    const tokens = grantTokens();
    const otherWorkerTokens = grantTokens({ pool: otherWorker });
    const old = await tokens.accessToken();
    assert.equal(await otherWorkerTokens.accessToken(), old);
    assert.equal(old, issued.accessToken);
    sn.expireAccessTokens(); // ServiceNow lapses it early: the row still says it is valid
    assert.equal(await tableStatus(old), 401);

    const retried = await Promise.all(Array.from({ length: 5 }, () => tokens.afterUnauthorized(old)));
    assert.equal(refreshRequests(), 1);
    assert.equal(new Set(retried).size, 1);
    const fresh = retried[0]!;
    assert.notEqual(fresh, old);
    assert.equal(await tableStatus(fresh), 200);

    // Late reports of the old token, here and in another worker that still held it: no new refresh.
    assert.equal(await tokens.afterUnauthorized(old), fresh);
    assert.equal(await otherWorkerTokens.afterUnauthorized(old), fresh);
    assert.equal(refreshRequests(), 1);
  });

  it('stores a rotated refresh token before handing out the access token', async () => {
    sn.setRefreshTokenRotation('rotate-revoke-previous');
    const issued = await authorize();
    const tokens = grantTokens();
    const first = await tokens.afterUnauthorized(await tokens.accessToken());
    const afterFirst = await readGrant(db.pool, box, tenantId, CONNECTOR);
    assert.equal(afterFirst?.accessToken, first);
    assert.ok(afterFirst?.refreshToken);
    assert.notEqual(afterFirst.refreshToken, issued.refreshToken, 'the row holds the rotated refresh token');

    const second = await tokens.afterUnauthorized(first);
    assert.notEqual(second, first);
    assert.equal(refreshRequests(), 2, 'the next forced refresh used the stored (rotated) token and succeeded');
    assert.equal(await tableStatus(second), 200);
    const afterSecond = await readGrant(db.pool, box, tenantId, CONNECTOR);
    assert.equal(afterSecond?.status, 'active');
    assert.notEqual(afterSecond?.refreshToken, afterFirst.refreshToken);
  });

  describe('a worker killed between the provider answer and storing it', () => {
    const LEASE_MS = 1_000;

    /** Runs the fixture: it refreshes the expired grant and SIGKILLs itself before storing; returns its lease owner. */
    async function crashMidRefresh(): Promise<string> {
      const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
        env: {
          ...process.env,
          CRASH_DATABASE_URL: db.url, CRASH_MASTER_KEY: masterKey.toString('base64'), CRASH_TENANT_ID: tenantId,
          CRASH_SN_URL: sn.url, CRASH_CLIENT_ID: CLIENT.client_id, CRASH_CLIENT_SECRET: CLIENT.client_secret, CRASH_LEASE_MS: String(LEASE_MS),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        child.on('exit', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal }));
      });
      assert.equal(signal, 'SIGKILL', `the fixture should have killed itself (exit ${code}): ${stderr}`);
      assert.doesNotMatch(stdout, /stored/);
      const owner = /^owner (\S+)$/m.exec(stdout)?.[1];
      assert.ok(owner, `no owner line in ${stdout}`);
      return owner;
    }

    async function crashedThenLeaseRanOut(mode: RefreshTokenRotation): Promise<{ issued: IssuedTokens; crashedOwner: string }> {
      sn.setRefreshTokenRotation(mode);
      const issued = await authorize();
      await expireStoredToken();
      const crashedOwner = await crashMidRefresh();
      assert.equal(refreshRequests(), 1, 'the crashed worker reached ServiceNow');
      const left = await readGrant(db.pool, box, tenantId, CONNECTOR);
      assert.equal(left?.generation, 1, 'nothing was stored');
      assert.equal(left?.refreshToken, issued.refreshToken, 'the old refresh token is still the stored one');
      assert.equal(left?.leaseOwner, crashedOwner, 'the crashed worker left its lease');
      await sleep(LEASE_MS + 300);
      return { issued, crashedOwner };
    }

    it('recovers with the stored refresh token when ServiceNow keeps it valid until the new one is used', async () => {
      const { issued, crashedOwner } = await crashedThenLeaseRanOut('rotate-previous-valid-until-new-used');
      const interrupted: string[] = [];
      const refused: string[] = [];
      const tokens = grantTokens({ leaseMs: LEASE_MS, onInterruptedRefresh: (by) => interrupted.push(by), onRefused: async (reason) => { refused.push(reason); } });
      const fresh = await tokens.accessToken();
      assert.equal(refreshRequests(), 2);
      assert.equal(await tableStatus(fresh), 200);
      assert.deepEqual(interrupted, [crashedOwner], 'told which worker had abandoned the refresh');
      assert.deepEqual(refused, []);
      const stored = await readGrant(db.pool, box, tenantId, CONNECTOR);
      assert.equal(stored?.status, 'active');
      assert.equal(stored?.accessToken, fresh);
      assert.notEqual(stored?.refreshToken, issued.refreshToken, 'the newly rotated refresh token is stored');
    });

    it('marks the connection for re-authorisation when ServiceNow had already revoked the old refresh token', async () => {
      await crashedThenLeaseRanOut('rotate-revoke-previous');
      const refused: string[] = [];
      const interrupted: string[] = [];
      const tokens = grantTokens({ leaseMs: LEASE_MS, onInterruptedRefresh: (by) => interrupted.push(by), onRefused: async (reason) => { refused.push(reason); } });
      await assert.rejects(tokens.accessToken(), (err: unknown) => {
        assert.ok(needsReauth(err), String(err));
        assert.match((err as ConnectionNeedsReauthorizationError).reason, /interrupted refresh/);
        return true;
      });
      assert.equal(interrupted.length, 1);
      const stored = await readGrant(db.pool, box, tenantId, CONNECTOR);
      assert.equal(stored?.status, 'needs_reauthorization');
      assert.match(stored?.reauthReason ?? '', /interrupted refresh/);
      assert.equal(refused.length, 1, 'onRefused is told once');
      await assert.rejects(tokens.accessToken(), needsReauth);
      assert.equal(refused.length, 1);
      assert.equal(refreshRequests(), 2, 'no further token requests after the refusal');
    });

    it('recovers when ServiceNow does not rotate refresh tokens (its default)', async () => {
      const { crashedOwner } = await crashedThenLeaseRanOut('off');
      const interrupted: string[] = [];
      const tokens = grantTokens({ leaseMs: LEASE_MS, onInterruptedRefresh: (by) => interrupted.push(by) });
      const fresh = await tokens.accessToken();
      assert.equal(await tableStatus(fresh), 200);
      assert.deepEqual(interrupted, [crashedOwner]);
      assert.equal(await status(), 'active');
    });
  });

  it('reports a refresh that answers other scopes than the grant had, and only then', async () => {
    await authorize();
    let answerScopes: string[] = [];
    const real = serviceNowOAuth.tokenEndpoint(client);
    const changes: string[][] = [];
    const tokens = grantTokens({
      endpoint: { refresh: async (grant) => ({ ...(await real.refresh(grant)), grantedScopes: answerScopes }) },
      onScopesChanged: async (granted) => { changes.push(granted); },
    });
    const stored = (await readGrant(db.pool, box, tenantId, CONNECTOR))!.grantedScopes;
    answerScopes = [...stored];
    await expireStoredToken();
    await tokens.accessToken();
    assert.deepEqual(changes, [], 'the same scopes are no change');
    answerScopes = [...stored, 'admin'];
    // The provider refuses the token held now: the refresh that follows answers the new scopes.
    await tokens.afterUnauthorized(await tokens.accessToken());
    assert.deepEqual(changes, [[...stored, 'admin']]);
    assert.deepEqual((await readGrant(db.pool, box, tenantId, CONNECTOR))?.grantedScopes, [...stored, 'admin'], 'the new scopes are on record');
  });

  it('a re-authorisation moves the tenant configuration version, and a client reopened then uses the new grant', async () => {
    const first = await authorize();
    const registry = new GrantTokenRegistry();
    const deps: TenantDeps = { pool: db.pool, secrets: box, urlPolicy: urlPolicyFromEnv({ GATEHOUSE_ALLOWED_PRIVATE_ORIGINS: sn.url }), grantTokens: registry };
    // The refresh reads the tenant's app registration, as in production.
    await putSecret(db.pool, box, tenantId, 'servicenow_client_secret', CLIENT.client_secret);
    await upsertAppRegistration(db.pool, {
      tenantId, provider: 'servicenow', clientId: CLIENT.client_id, settings: { grant: 'authorization_code' },
      secretRefs: { clientSecret: { kind: 'sealed', secretName: 'servicenow_client_secret' } }, createdBy: 'alice',
    });
    const version = async () => Number((await db.pool.query<{ config_version: string }>('SELECT config_version FROM tenants WHERE id = $1', [tenantId])).rows[0]?.config_version);
    assert.equal(await grantTokensFor(deps, client.tenant, CONNECTOR).accessToken(), first.accessToken);
    const before = await version();
    await expireStoredToken();
    await grantTokensFor(deps, client.tenant, CONNECTOR).accessToken();
    assert.equal(await version(), before, 'a refresh does not move the configuration version');

    const second = await authorize();
    assert.ok(await version() > before, 'the re-authorisation does');
    assert.equal(await grantTokensFor(deps, client.tenant, CONNECTOR).accessToken(), second.accessToken, 'the reopened client reads the new grant');
  });

  it('marks a refused grant as needing re-authorisation once, without retrying, until it is authorised again', async () => {
    await authorize();
    const notices: Array<{ tenantId: string; connectorId: string; reason: string }> = [];
    const registry = new GrantTokenRegistry({ notice: async (t, c, text) => { notices.push({ tenantId: t, connectorId: c, reason: text('acme') }); } });
    const endpoint = serviceNowOAuth.tokenEndpoint(client);
    const tokens = registry.tokensFor({ pool: db.pool, secrets: box }, tenantId, CONNECTOR, endpoint);
    assert.equal(registry.tokensFor({ pool: db.pool, secrets: box }, tenantId, CONNECTOR, endpoint), tokens, 'one GrantTokens per connector in a process');
    const held = await tokens.accessToken();

    sn.revokeAllTokensOf(CLIENT.client_id);
    assert.equal(await tableStatus(held), 401);
    await assert.rejects(tokens.afterUnauthorized(held), needsReauth);
    assert.equal(refreshRequests(), 1);
    assert.equal(await status(), 'needs_reauthorization');

    await assert.rejects(tokens.accessToken(), needsReauth);
    await assert.rejects(tokens.accessToken(), needsReauth);
    await assert.rejects(tokens.afterUnauthorized(held), needsReauth);
    await assert.rejects(grantTokens({ pool: otherWorker }).accessToken(), needsReauth, 'another worker fails the same way');
    assert.equal(refreshRequests(), 1, 'no retry storm: no further token requests');

    const audit = await listAudit(db.pool, { tenantId, type: 'connector.reauthorization_required' });
    assert.equal(audit.length, 1);
    assert.equal(audit[0]?.outcome, 'needs_reauthorization');
    assert.equal(audit[0]?.detail['connectorId'], CONNECTOR);
    assert.equal(notices.length, 1, 'the tenant admin is told once');
    assert.equal(notices[0]?.tenantId, tenantId);
    assert.equal(notices[0]?.connectorId, CONNECTOR);

    // Re-authorisation: a new grant replaces the refused one.
    const again = await authorize();
    const stored = await readGrant(db.pool, box, tenantId, CONNECTOR);
    assert.equal(stored?.status, 'active');
    assert.equal(stored?.reauthReason, null);
    const token = await tokens.accessToken();
    assert.equal(token, again.accessToken);
    assert.equal(await tableStatus(token), 200);
    assert.equal(refreshRequests(), 1);
  });

  it('keeps the tokens sealed in the connector_grants row', async () => {
    sn.setRefreshTokenRotation('rotate-revoke-previous');
    const issued = await authorize();
    const tokens = grantTokens();
    const refreshed = await tokens.afterUnauthorized(await tokens.accessToken());
    const stored = await readGrant(db.pool, box, tenantId, CONNECTOR);
    assert.ok(stored?.refreshToken);
    const plaintexts = [issued.accessToken, issued.refreshToken!, refreshed, stored.refreshToken];

    const { rows } = await db.pool.query<{ whole: string; access_sealed: Buffer; refresh_sealed: Buffer | null }>(
      'SELECT g::text AS whole, access_sealed, refresh_sealed FROM connector_grants g WHERE tenant_id = $1', [tenantId]);
    const row = rows[0];
    assert.ok(row?.refresh_sealed);
    for (const secret of plaintexts) {
      const bytes = Buffer.from(secret);
      assert.ok(!row.access_sealed.includes(bytes) && !row.refresh_sealed.includes(bytes), 'sealed bytes contain a token');
      for (const form of [secret, bytes.toString('hex'), bytes.toString('base64')]) {
        assert.ok(!row.whole.includes(form), 'the row contains a token');
      }
    }
  });
});
