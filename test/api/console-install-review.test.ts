/**
 * Deciding a connector's install review from the console, over HTTP on the real stack: the
 * requester's chosen actions travel with the install and are what a reviewer who names none
 * enables; the requester cannot approve their own install (refused and on the record, channel
 * console); a viewer cannot decide; a decision without the CSRF token is refused; unknown actions
 * are refused with the reason; a decided install is not decided twice; another tenant's admin
 * finds nothing to decide.
 * Run: node --import tsx --test test/api/console-install-review.test.ts
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createAccount } from '../../db/console-accounts-repo';
import { createTenant } from '../../db/tenants-repo';
import { hashPassword } from '../../console/password';
import { consoleHttp, type ConsoleSignIn } from '../support/console-http';
import { useTimeSkippingHarness } from '../support/harness-suite';
import { auditOf, waitForInstall } from '../support/oauth-browser';

const suite = useTimeSkippingHarness();
const { call, signIn } = consoleHttp(() => suite.h.runtime.apiUrl);

type Signed = ConsoleSignIn;
type InstallRow = { connectorId: string; status: string; enabledActions: string[]; reviewedBy: string | null; detail: Record<string, unknown> };



const errorCode = (body: Record<string, unknown>) => (body['error'] as { code?: string } | undefined)?.code;

describe('console install review decisions', { concurrency: false }, () => {
  const password = 'a long enough console password';
  const accounts = {
    ada: { email: 'ada@acme.example', role: 'admin' },
    bob: { email: 'bob@acme.example', role: 'admin' },
    vic: { email: 'vic@acme.example', role: 'viewer' },
  } as const;
  const signed: Partial<Record<keyof typeof accounts | 'globex', Signed>> = {};
  const requested = ['servicenow.incident.get', 'servicenow.incident.add_work_note'];
  const review = (as: Signed | undefined, body: unknown, csrf = true) => call('POST', '/console/api/connectors/servicenow/review', { as: as!, body, csrf });
  const installView = () => waitForInstall<{ install: InstallRow }>(suite.h.admin, 'acme', 'servicenow', () => true);

  before(async () => {
    for (const [name, account] of Object.entries(accounts)) {
      const created = await suite.h.admin('POST', '/admin/tenants/acme/accounts', { ...account, password, createdBy: 'console-install-review-test' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      signed[name as keyof typeof accounts] = await signIn('acme', account.email, password);
    }
    const globex = await createTenant(suite.h.db.pool, { slug: 'globex-installs', name: 'Globex', settings: {} });
    await createAccount(suite.h.db.pool, { tenantId: globex.id, email: 'gina@globex.example', role: 'admin', passwordHash: await hashPassword(password), createdBy: 'test' });
    signed.globex = await signIn('globex-installs', 'gina@globex.example', password);
  });

  it('refuses an install that asks for actions the connector does not declare, naming them', async () => {
    const answer = await suite.h.admin('POST', '/admin/tenants/acme/connectors/servicenow/install', { requestedBy: accounts.ada.email, enableActions: ['servicenow.incident.delete'] });
    assert.equal(answer.status, 422, JSON.stringify(answer.body));
    assert.equal(errorCode(answer.body), 'unknown_action');
    assert.match(JSON.stringify(answer.body), /servicenow\.incident\.delete/);
  });

  it("carries the requester's actions into the review and shows them to the console", async () => {
    const answer = await suite.h.admin('POST', '/admin/tenants/acme/connectors/servicenow/install', { requestedBy: accounts.ada.email, enableActions: requested });
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    await waitForInstall<{ state?: { status: string } }>(suite.h.admin, 'acme', 'servicenow', (v) => v.state?.status === 'pending_review');
    const listed = await call('GET', '/console/api/connectors', { as: signed.vic! });
    const row = (listed.body['installs'] as InstallRow[]).find((i) => i.connectorId === 'servicenow');
    assert.equal(row?.status, 'pending_review');
    assert.deepEqual(row?.detail['requestedActions'], requested);
  });

  it('refuses the requester approving their own install, on the record with the console as channel', async () => {
    const answer = await review(signed.ada, { decision: 'approve' });
    assert.equal(answer.status, 403, JSON.stringify(answer.body));
    assert.equal(errorCode(answer.body), 'self_review');
    const refused = await auditOf(suite.h.db.pool, suite.h.tenant.id, 'connector.install_review_refused');
    assert.ok(refused.some((e) => e.actor === accounts.ada.email && (e.detail as Record<string, unknown>)['channel'] === 'console'), JSON.stringify(refused));
  });

  it('refuses a viewer, a decision without the CSRF token, unknown actions and another tenant', async () => {
    const viewer = await review(signed.vic, { decision: 'approve' });
    assert.equal(viewer.status, 403, JSON.stringify(viewer.body));
    const noCsrf = await review(signed.bob, { decision: 'approve' }, false);
    assert.equal(noCsrf.status, 403);
    assert.equal(errorCode(noCsrf.body), 'csrf_token_missing');
    const unknown = await review(signed.bob, { decision: 'approve', enableActions: ['servicenow.incident.delete'] });
    assert.equal(unknown.status, 422, JSON.stringify(unknown.body));
    assert.equal(errorCode(unknown.body), 'unknown_action');
    const bad = await review(signed.bob, { decision: 'maybe' });
    assert.equal(bad.status, 422, JSON.stringify(bad.body));
    const foreign = await review(signed.globex, { decision: 'approve' });
    assert.equal(foreign.status, 404, JSON.stringify(foreign.body));
    assert.equal((await installView()).install.status, 'pending_review', 'none of the refused decisions reached the run');
  });

  it("enables exactly the requester's actions when another admin approves without choosing, and refuses a second decision", async () => {
    const answer = await review(signed.bob, { decision: 'approve' });
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    const enabled = await waitForInstall<{ install: InstallRow }>(suite.h.admin, 'acme', 'servicenow', (v) => v.install.status === 'enabled' || v.install.status === 'healthcheck_failed');
    assert.equal(enabled.install.status, 'enabled', JSON.stringify(enabled.install.detail));
    assert.equal(enabled.install.reviewedBy, accounts.bob.email);
    assert.deepEqual([...enabled.install.enabledActions].sort(), [...requested].sort());
    const again = await review(signed.bob, { decision: 'reject' });
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.equal(errorCode(again.body), 'not_pending_review');
  });
});
