/**
 * Registering the tenant's own provider app from the console, over HTTP on the real stack: an
 * admin saves a ServiceNow registration (no answer carries the secret, the registration shows it
 * sealed, the audit trail names the account); who saved it is the session's, never the body's; a
 * viewer reads it but cannot save; a save without the CSRF token is refused; the policy's
 * "reference" refuses a value at its field and takes an environment variable; an invalid body is
 * refused with the reason at each field; another tenant's session sees only its own tenant.
 * Run: node --import tsx --test test/api/console-app-registration.test.ts
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { createAccount } from '../../db/console-accounts-repo';
import { listAudit } from '../../db/audit-repo';
import { createTenant, getTenantById } from '../../db/tenants-repo';
import { hashPassword } from '../../console/password';
import { consoleHttp, type ConsoleAnswer, type ConsoleSignIn } from '../support/console-http';
import { useTimeSkippingHarness } from '../support/harness-suite';
import { auditOf } from '../support/oauth-browser';

const suite = useTimeSkippingHarness();

type Signed = ConsoleSignIn;
type Answer = ConsoleAnswer;
interface View { provider: string; clientId: string; settings: Record<string, unknown>; secrets: Record<string, Record<string, unknown>>; createdBy: string }
interface Issue { path: string; message: string }

const CLIENT_SECRET = `sn-console-registration-${randomBytes(12).toString('hex')}`;
/** Every answer body, for the secret scan. */
const bodies: string[] = [];
const { call, signIn } = consoleHttp(() => suite.h.runtime.apiUrl, (text) => bodies.push(text));



const errorOf = (answer: Answer) => answer.body['error'] as { code?: string; message?: string } | undefined;
const viewOf = (answer: Answer) => answer.body['registration'] as View | null;
const PATH = '/console/api/app-registrations/servicenow';

describe('registering the tenant’s own app from the console', { concurrency: false }, () => {
  const password = 'a long enough console password';
  const ada = { email: 'ada.apps@acme.example', role: 'admin' } as const;
  const vic = { email: 'vic.apps@acme.example', role: 'viewer' } as const;
  const signed: Partial<Record<'ada' | 'vic' | 'gina', Signed>> = {};
  const save = (body: unknown, as = signed.ada, csrf = true) => call('PUT', PATH, { as: as!, body, csrf });

  async function setSecretStorage(storage: 'either' | 'sealed' | 'reference'): Promise<void> {
    const current = await suite.h.admin('GET', '/admin/tenants/acme/policy');
    const stored = await suite.h.admin('PUT', '/admin/tenants/acme/policy', { ...(current.body['policy'] as Record<string, unknown>), credentials: { clientSecretStorage: storage } });
    assert.equal(stored.status, 201, JSON.stringify(stored.body));
  }

  before(async () => {
    for (const [name, account] of Object.entries({ ada, vic })) {
      const created = await suite.h.admin('POST', '/admin/tenants/acme/accounts', { ...account, password, createdBy: 'console-app-registration-test' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      signed[name as 'ada' | 'vic'] = await signIn('acme', account.email, password);
    }
    // Another tenant, configured like acme, with its own admin.
    const acme = await getTenantById(suite.h.db.pool, suite.h.tenant.id);
    const globex = await createTenant(suite.h.db.pool, { slug: 'globex-apps', name: 'Globex', settings: acme!.settings });
    await createAccount(suite.h.db.pool, { tenantId: globex.id, email: 'gina@globex.example', role: 'admin', passwordHash: await hashPassword(password), createdBy: 'test' });
    signed.gina = await signIn('globex-apps', 'gina@globex.example', password);
  });

  it('shows a signed-in account that nothing is registered yet, the redirect URI to register and how the secret may be kept', async () => {
    const shown = await call('GET', PATH, { as: signed.vic! });
    assert.equal(shown.status, 200, JSON.stringify(shown.body));
    assert.equal(shown.body['registration'], null);
    assert.equal(shown.body['redirectUri'], new URL('/oauth/callback/servicenow', suite.h.webhookUrl).toString());
    assert.equal(shown.body['secretStorage'], 'either');
    assert.equal((await call('GET', '/console/api/app-registrations/github', { as: signed.vic! })).body['redirectUri'], new URL('/oauth/github/setup', suite.h.webhookUrl).toString());
    assert.equal((await call('GET', PATH)).status, 401, 'nobody signed in');
    const unknown = await call('GET', '/console/api/app-registrations/jira', { as: signed.vic! });
    assert.equal(unknown.status, 422, JSON.stringify(unknown.body));
  });

  it('saves an admin’s ServiceNow app with the secret sealed, the account as who saved it, and never answers the secret', async () => {
    const saved = await save({ clientId: 'acme-console-app', clientSecret: { value: CLIENT_SECRET }, grant: 'authorization_code' });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    const view = viewOf(saved)!;
    assert.equal(view.clientId, 'acme-console-app');
    assert.equal(view.createdBy, ada.email);
    assert.deepEqual(view.secrets, { clientSecret: { kind: 'sealed' } });
    assert.deepEqual(view.settings, { grant: 'authorization_code' });

    const shown = await call('GET', PATH, { as: signed.vic! });
    assert.deepEqual(viewOf(shown)?.secrets, { clientSecret: { kind: 'sealed' } });
    assert.equal(viewOf(shown)?.createdBy, ada.email);
    // The admin API sees the very same registration.
    const operator = await suite.h.admin('GET', '/admin/tenants/acme/app-registrations/servicenow');
    assert.equal((operator.body['registration'] as View).createdBy, ada.email);

    const events = await auditOf(suite.h.db.pool, suite.h.tenant.id, 'app_registration.saved');
    const mine = events.filter((e) => (e.detail as Record<string, unknown>)['clientId'] === 'acme-console-app');
    assert.equal(mine.length, 1, JSON.stringify(events));
    assert.equal(mine[0]?.actor, ada.email);
    assert.equal((mine[0]?.detail as Record<string, unknown>)['secretKept'], 'sealed');
  });

  it('refuses a body that names who saved it: that is the signed-in account', async () => {
    const named = await save({ createdBy: 'someone-else', clientId: 'acme-named', clientSecret: { value: CLIENT_SECRET } });
    assert.equal(named.status, 422, JSON.stringify(named.body));
    assert.deepEqual((named.body['issues'] as Issue[]).map((i) => i.path), ['createdBy']);
    assert.equal(viewOf(await call('GET', PATH, { as: signed.ada! }))?.clientId, 'acme-console-app', 'nothing was stored');
  });

  it('refuses a viewer and a save without the CSRF token, and keeps the registration', async () => {
    const viewer = await save({ clientId: 'viewer-app', clientSecret: { value: 'viewer-secret' } }, signed.vic);
    assert.equal(viewer.status, 403, JSON.stringify(viewer.body));
    assert.equal(errorOf(viewer)?.code, 'forbidden');
    const noCsrf = await save({ clientId: 'no-csrf-app', clientSecret: { value: 'no-csrf-secret' } }, signed.ada, false);
    assert.equal(noCsrf.status, 403, JSON.stringify(noCsrf.body));
    assert.equal(errorOf(noCsrf)?.code, 'csrf_token_missing');
    assert.equal(viewOf(await call('GET', PATH, { as: signed.ada! }))?.clientId, 'acme-console-app');
  });

  it('refuses a value at the secret’s field when the policy wants references, and takes an environment variable', async () => {
    await setSecretStorage('reference');
    try {
      assert.equal((await call('GET', PATH, { as: signed.ada! })).body['secretStorage'], 'reference');
      const value = await save({ clientId: 'acme-console-app', clientSecret: { value: CLIENT_SECRET } });
      assert.equal(value.status, 422, JSON.stringify(value.body));
      assert.equal(errorOf(value)?.code, 'secret_storage_refused');
      assert.match(errorOf(value)?.message ?? '', /by reference/);
      assert.deepEqual((value.body['issues'] as Issue[]).map((i) => i.path), ['clientSecret']);

      const env = await save({ clientId: 'acme-console-app', clientSecret: { env: 'GATEHOUSE_TENANT_SECRET_ACME_SN' } });
      assert.equal(env.status, 200, JSON.stringify(env.body));
      assert.deepEqual(viewOf(env)?.secrets, { clientSecret: { kind: 'env', variable: 'GATEHOUSE_TENANT_SECRET_ACME_SN' } });
    } finally {
      await setSecretStorage('either');
    }
  });

  it('refuses an invalid body with the reason at each field', async () => {
    const invalid = await save({ clientId: '', clientSecret: { env: 'HOME' }, grant: 'password' });
    assert.equal(invalid.status, 422, JSON.stringify(invalid.body));
    assert.equal(errorOf(invalid)?.code, 'invalid_request');
    const issues = invalid.body['issues'] as Issue[];
    assert.deepEqual(issues.map((i) => i.path).sort(), ['clientId', 'clientSecret.env', 'grant']);
    assert.match(issues.find((i) => i.path === 'clientSecret.env')?.message ?? '', /GATEHOUSE_TENANT_SECRET_/);
    assert.match(errorOf(invalid)?.message ?? '', /^invalid ServiceNow OAuth application: /);
    assert.equal(viewOf(await call('GET', PATH, { as: signed.ada! }))?.clientId, 'acme-console-app', 'nothing was stored');
  });

  it('shows another tenant only its own registration, and stores its save there', async () => {
    const foreign = await call('GET', `${PATH}?tenant=acme`, { as: signed.gina! });
    assert.equal(foreign.status, 200, JSON.stringify(foreign.body));
    assert.equal(foreign.body['registration'], null, 'globex has none, and cannot ask for acme’s');
    const saved = await save({ clientId: 'globex-app', clientSecret: { value: `globex-${CLIENT_SECRET}` } }, signed.gina);
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(viewOf(await call('GET', PATH, { as: signed.ada! }))?.clientId, 'acme-console-app', 'acme’s registration is untouched');
    assert.equal(viewOf(await call('GET', PATH, { as: signed.gina! }))?.clientId, 'globex-app');
  });

  it('never shows the client secret in an answer, a log line or the audit trail', async () => {
    assert.ok(bodies.length > 10, `answers seen: ${bodies.length}`);
    const audit = JSON.stringify(await listAudit(suite.h.db.pool, { limit: 5000 }));
    for (const [where, text] of [['answers', bodies.join('\n')], ['logs', suite.h.logLines.join('')], ['audit', audit]] as const) {
      assert.ok(!text.includes(CLIENT_SECRET), `the client secret appears in ${where}`);
    }
  });
});
