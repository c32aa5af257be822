/**
 * Console accounts and sessions over HTTP, on the real stack: sign-in sets an HttpOnly,
 * SameSite=Lax session cookie and answers a CSRF token; a wrong or unknown password gets the
 * same refusal, and an address that keeps failing is refused for a while; state-changing requests
 * without the CSRF token (or with another session's) are refused; a viewer cannot install; an
 * account only ever sees its own tenant; signing out ends the session; passwords are stored hashed.
 * Run: node --import tsx --test test/api/console-auth.test.ts
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createAccount } from '../../db/console-accounts-repo';
import { upsertPendingInstall } from '../../db/installs-repo';
import { createTenant } from '../../db/tenants-repo';
import { hashPassword } from '../../console/password';
import { useTimeSkippingHarness } from '../support/harness-suite';

const suite = useTimeSkippingHarness();

interface Signed { cookie: string; csrf: string }

async function call(method: string, path: string, opts: { body?: unknown; cookie?: string; csrf?: string } = {}): Promise<{ status: number; body: Record<string, unknown>; setCookie: string | null }> {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.cookie) headers['cookie'] = opts.cookie;
  if (opts.csrf) headers['x-csrf-token'] = opts.csrf;
  const res = await fetch(`${suite.h.runtime.apiUrl}${path}`, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) as Record<string, unknown> : {}, setCookie: res.headers.get('set-cookie') };
}

async function signIn(tenant: string, email: string, password: string): Promise<Signed> {
  const res = await call('POST', '/console/login', { body: { tenant, email, password } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return { cookie: (res.setCookie ?? '').split(';')[0]!, csrf: String(res.body['csrfToken']) };
}

describe('console accounts and sessions', { concurrency: false }, () => {
  const admin = { email: 'ada@acme.example', password: 'a long enough admin password' };
  const viewer = { email: 'vic@acme.example', password: 'a long enough viewer password' };
  const other = { email: 'olga@globex.example', password: 'another tenant entirely' };

  before(async () => {
    for (const [account, role] of [[admin, 'admin'], [viewer, 'viewer']] as const) {
      const created = await suite.h.admin('POST', '/admin/tenants/acme/accounts', { ...account, role });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    const globex = await createTenant(suite.h.db.pool, { slug: 'globex', name: 'Globex', settings: {} });
    await createAccount(suite.h.db.pool, { tenantId: globex.id, email: other.email, role: 'admin', passwordHash: await hashPassword(other.password), createdBy: 'test' });
    await upsertPendingInstall(suite.h.db.pool, {
      tenantId: suite.h.tenant.id, connectorId: 'github', manifestVersion: '1.1.0', config: {}, credentialNames: [], requestedBy: 'ada@acme.example', workflowId: 'install-acme-github',
    });
  });

  it('the admin API creates accounts with a password policy, once per address, and never returns the password', async () => {
    const short = await suite.h.admin('POST', '/admin/tenants/acme/accounts', { email: 'x@acme.example', role: 'viewer', password: 'short' });
    assert.equal(short.status, 422);
    assert.match(JSON.stringify(short.body), /at least 12 characters/);
    const twice = await suite.h.admin('POST', '/admin/tenants/acme/accounts', { ...admin, role: 'admin' });
    assert.equal(twice.status, 409);
    const listed = await suite.h.admin('GET', '/admin/tenants/acme/accounts');
    assert.ok(!JSON.stringify(listed.body).includes(admin.password));
    const stored = await suite.h.db.pool.query<{ password_hash: string }>('SELECT password_hash FROM console_accounts WHERE email = $1', [admin.email]);
    assert.match(stored.rows[0]!.password_hash, /^scrypt\$/);
    assert.ok(!stored.rows[0]!.password_hash.includes(admin.password));
  });

  it('signs in with an HttpOnly, SameSite=Lax session cookie and a CSRF token; a reloaded page gets both back', async () => {
    const res = await call('POST', '/console/login', { body: { tenant: 'acme', ...admin } });
    assert.equal(res.status, 200);
    assert.match(res.setCookie ?? '', /^gatehouse_session=/);
    assert.match(res.setCookie ?? '', /HttpOnly/i);
    assert.match(res.setCookie ?? '', /SameSite=Lax/i);
    assert.deepEqual(res.body['account'], { email: admin.email, role: 'admin', tenant: 'acme' });
    const cookie = (res.setCookie ?? '').split(';')[0]!;
    const session = await call('GET', '/console/api/session', { cookie });
    assert.equal(session.status, 200);
    assert.equal(session.body['csrfToken'], res.body['csrfToken']);
    assert.equal((await call('GET', '/console/api/session')).status, 401, 'no cookie, no session');
  });

  it('refuses a wrong and an unknown password alike, and an address that keeps failing for a while', async () => {
    const wrong = await call('POST', '/console/login', { body: { tenant: 'acme', email: viewer.email, password: 'not the password' } });
    const unknown = await call('POST', '/console/login', { body: { tenant: 'acme', email: 'nobody@acme.example', password: 'not the password' } });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.body, unknown.body, 'the answer does not tell whether the account exists');
    for (let i = 0; i < 9; i++) await call('POST', '/console/login', { body: { tenant: 'acme', email: 'nobody@acme.example', password: `guess ${i}` } });
    const locked = await call('POST', '/console/login', { body: { tenant: 'acme', email: 'nobody@acme.example', password: 'guess 10' } });
    assert.equal(locked.status, 429);
    // Another address is not affected.
    await signIn('acme', viewer.email, viewer.password);
  });

  it('refuses state-changing requests without the CSRF token or with another session\'s', async () => {
    const ada = await signIn('acme', admin.email, admin.password);
    const vic = await signIn('acme', viewer.email, viewer.password);
    const missing = await call('POST', '/console/api/connectors/github/simulate', { cookie: ada.cookie, body: {} });
    assert.equal(missing.status, 403);
    assert.equal((missing.body['error'] as { code: string }).code, 'csrf_token_missing');
    const foreign = await call('POST', '/console/api/connectors/github/simulate', { cookie: ada.cookie, csrf: vic.csrf, body: {} });
    assert.equal((foreign.body['error'] as { code: string }).code, 'csrf_token_invalid');
    const ok = await call('POST', '/console/api/connectors/github/simulate', { cookie: ada.cookie, csrf: ada.csrf, body: { enableActions: ['github.pulls.list'] } });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const actions = ok.body['actions'] as Array<{ actionId: string; enabled: boolean; decision: string }>;
    assert.equal(actions.find((a) => a.actionId === 'github.pulls.list')?.enabled, true);
    assert.deepEqual(actions.filter((a) => a.actionId !== 'github.pulls.list').map((a) => a.decision).filter((d) => d !== 'blocked'), [], 'unticked actions are not enabled');
  });

  it('a viewer reads but cannot install', async () => {
    const vic = await signIn('acme', viewer.email, viewer.password);
    assert.equal((await call('GET', '/console/api/marketplace', { cookie: vic.cookie })).status, 200);
    const install = await call('POST', '/console/api/connectors/github/install', { cookie: vic.cookie, csrf: vic.csrf, body: {} });
    assert.equal(install.status, 403);
    assert.equal((install.body['error'] as { code: string }).code, 'forbidden');
  });

  it('an account sees only its own tenant', async () => {
    const ada = await signIn('acme', admin.email, admin.password);
    const olga = await signIn('globex', other.email, other.password);
    const acmeInstalls = (await call('GET', '/console/api/connectors', { cookie: ada.cookie })).body['installs'] as Array<{ tenantId: string }>;
    const globexInstalls = (await call('GET', '/console/api/connectors', { cookie: olga.cookie })).body['installs'] as Array<{ tenantId: string }>;
    assert.ok(acmeInstalls.some((i) => i.tenantId === suite.h.tenant.id));
    assert.deepEqual(globexInstalls, [], 'nothing of acme');
    // Signing in to acme with globex's account fails: accounts belong to one tenant.
    assert.equal((await call('POST', '/console/login', { body: { tenant: 'acme', ...other } })).status, 401);
  });

  it('signing out ends the session', async () => {
    const ada = await signIn('acme', admin.email, admin.password);
    assert.equal((await call('POST', '/console/logout', { cookie: ada.cookie })).status, 403, 'signing out is state-changing too');
    assert.equal((await call('POST', '/console/logout', { cookie: ada.cookie, csrf: ada.csrf })).status, 204);
    assert.equal((await call('GET', '/console/api/session', { cookie: ada.cookie })).status, 401);
  });
});
