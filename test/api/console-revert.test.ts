/**
 * Revert from the console's run page over HTTP, on the real stack with a completed, approved
 * triage run: a viewer is refused (403), another tenant's admin finds no such run (404), a
 * missing or too short reason is refused with the reason (422), a request without the CSRF token
 * is refused (403); an admin's request starts the revert run, which waits for approval with the
 * account's e-mail recorded as the requester and is shown as the run's revert; a second request
 * while it is open gets the same refusal as the admin API; once an approver approves in Slack the
 * fields are back and the revert reads completed. The signed audit link from Slack sends a browser
 * signed in to the run's tenant on to the run's console page, and keeps the read-only page for
 * anyone else, the JSON for API clients and the refusal for a bad link.
 * Run: node --import tsx --test test/api/console-revert.test.ts
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { listAudit } from '../../db/audit-repo';
import { createAccount } from '../../db/console-accounts-repo';
import { createTenant } from '../../db/tenants-repo';
import { hashPassword } from '../../console/password';
import type { TriageResult } from '../../triage/types';
import { approvedTriageRun, untilDecided } from '../support/approved-run';
import { approvers, channelId } from '../support/harness';
import { consoleHttp, type ConsoleSignIn } from '../support/console-http';
import { useTimeSkippingHarness } from '../support/harness-suite';
import { approvalMessage, hasDecisionButtons, messageText } from '../support/slack-assertions';

const suite = useTimeSkippingHarness();

/** What Firefox and Chrome send for a link opened from Slack. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

type Signed = ConsoleSignIn;

/** The parts of the console API's answers these tests read. */
interface Answer {
  error?: { code: string; message: string };
  workflowId?: string;
  restores?: Array<{ field: string; from: string | null; to: string | null }>;
  revert?: { workflowId: string; status: string; requestedBy: string | null } | null;
}

const http = consoleHttp(() => suite.h.runtime.apiUrl);
const call = (method: string, path: string, opts: { body?: unknown; as?: Signed; csrf?: boolean } = {}) => http.call<Answer>(method, path, opts);
const { signIn } = http;



/** The audit link opened as a browser (or `accept`) would, without following a redirect. */
async function openLink(link: string, opts: { accept?: string; as?: Signed } = {}): Promise<{ status: number; location: string | null; type: string | null; text: string }> {
  const headers: Record<string, string> = { accept: opts.accept ?? BROWSER_ACCEPT };
  if (opts.as) headers['cookie'] = opts.as.cookie;
  const res = await fetch(link, { headers, redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), type: res.headers.get('content-type'), text: await res.text() };
}

describe('console revert of a run', { concurrency: false }, () => {
  const password = 'a long enough console password';
  const accounts = {
    // An admin who is also one of the tenant's approvers (Slack user bob).
    admin: { email: 'ada.admin@acme.example', role: 'admin', approverId: approvers.bob },
    viewer: { email: 'vic.viewer@acme.example', role: 'viewer' },
  } as const;
  const signed: Partial<Record<keyof typeof accounts | 'globex', Signed>> = {};
  let run: { incident: { sys_id: string; number: string }; workflowId: string };
  /** The incident's fields before the triage, as the harness creates a VPN incident. */
  const original = { assignment_group: '', category: 'inquiry', impact: '3', urgency: '3' } as const;
  let link: string;
  let revertPath: string;

  before(async () => {
    const h = suite.h;
    for (const [name, account] of Object.entries(accounts)) {
      const created = await h.admin('POST', `/admin/tenants/${h.tenant.slug}/accounts`, { ...account, password, createdBy: 'console-revert-test' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      signed[name as keyof typeof accounts] = await signIn(h.tenant.slug, account.email, password);
    }
    const globex = await createTenant(h.db.pool, { slug: 'globex', name: 'Globex', settings: {} });
    await createAccount(h.db.pool, { tenantId: globex.id, email: 'gina@globex.example', role: 'admin', passwordHash: await hashPassword(password), createdBy: 'test' });
    signed.globex = await signIn('globex', 'gina@globex.example', password);

    run = await approvedTriageRun(h);
    const triaged = h.sn.getIncident(run.incident.sys_id)!;
    assert.notEqual(triaged.assignment_group, original.assignment_group, 'the triage changed the group');
    // The link exactly as the outcome message in Slack carries it.
    const found = /<(https?:\/\/[^|>]+\/audit\/runs\/[^|>]+)\|Audit trail>/.exec(messageText(approvalMessage(h.slack)));
    assert.ok(found, 'the outcome message links to the audit trail');
    link = found[1]!;
    revertPath = `/console/api/runs/${encodeURIComponent(run.workflowId)}/revert`;
  });

  it('the Slack audit link lands a browser signed in to the run’s tenant on the run page', async () => {
    const landed = await openLink(link, { as: signed.viewer! });
    assert.equal(landed.status, 303);
    assert.equal(landed.location, `/console/#/runs/${encodeURIComponent(run.workflowId)}`);
    assert.ok(!landed.location.includes('sig='), 'the signature stays behind');
  });

  it('the audit link keeps the read-only page without a session or with another tenant’s, JSON for API clients, and refuses a bad link', async () => {
    const anonymous = await openLink(link);
    assert.equal(anonymous.status, 200);
    assert.equal(anonymous.type, 'text/html; charset=utf-8');
    assert.match(anonymous.text, new RegExp(`<title>Audit trail — ${run.workflowId}</title>`));

    const foreign = await openLink(link, { as: signed.globex! });
    assert.equal(foreign.status, 200, 'another tenant’s session is not sent anywhere');
    assert.equal(foreign.location, null);
    assert.match(foreign.text, /<table id="audit-events">/);

    const stale = await openLink(link, { as: { cookie: 'gatehouse_session=not-a-session', csrf: '' } });
    assert.equal(stale.status, 200, 'an unknown session cookie reads the page like anyone');

    const json = await openLink(link, { accept: 'application/json', as: signed.admin! });
    assert.equal(json.status, 200);
    assert.match(json.type ?? '', /^application\/json/);
    assert.equal((JSON.parse(json.text) as { workflowId: string }).workflowId, run.workflowId);

    const url = new URL(link);
    url.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 60));
    const tampered = await openLink(url.toString(), { as: signed.admin! });
    assert.equal(tampered.status, 403, 'a session does not make a bad link good');
    assert.equal(tampered.location, null);
  });

  it('shows what a revert would put back, with each prior value, and no revert yet', async () => {
    const res = await call('GET', revertPath, { as: signed.viewer! });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.revert, null);
    const restores = res.body.restores ?? [];
    const group = restores.find((r) => r.field === 'assignment_group');
    assert.ok(group, JSON.stringify(restores));
    assert.equal(group.from, suite.h.networkGroupId);
    assert.equal(group.to ?? '', original.assignment_group);
    assert.ok(!restores.some((r) => r.field === 'work_notes'), 'a work note cannot be taken back');
    assert.equal((await call('GET', revertPath, { as: signed.globex! })).status, 404);
  });

  it('refuses a viewer (403), another tenant (404), a missing reason (422) and a request without the CSRF token (403)', async () => {
    const reason = 'routed to the wrong team';
    const viewer = await call('POST', revertPath, { as: signed.viewer!, body: { reason } });
    assert.equal(viewer.status, 403);
    assert.equal(viewer.body.error?.code, 'forbidden');
    assert.match(viewer.body.error?.message ?? '', /admin/);

    const foreign = await call('POST', revertPath, { as: signed.globex!, body: { reason } });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.error?.code, 'run_not_found');
    assert.equal((await call('POST', '/console/api/runs/no-such-run/revert', { as: signed.admin!, body: { reason } })).status, 404);

    const missing = await call('POST', revertPath, { as: signed.admin!, body: {} });
    assert.equal(missing.status, 422);
    assert.match(missing.body.error?.message ?? '', /reason/);
    const short = await call('POST', revertPath, { as: signed.admin!, body: { reason: ' no ' } });
    assert.equal(short.status, 422);
    assert.match(short.body.error?.message ?? '', /at least 5 characters/);

    const noCsrf = await call('POST', revertPath, { as: signed.admin!, body: { reason }, csrf: false });
    assert.equal(noCsrf.status, 403);
    assert.equal(noCsrf.body.error?.code, 'csrf_token_missing');

    // None of those started anything.
    const state = await call('GET', revertPath, { as: signed.admin! });
    assert.equal(state.body.revert, null);
    assert.equal(suite.h.slack.messages(channelId).length, 1, 'no approval request was posted');
  });

  it('an admin’s request starts a revert awaiting approval, asked for by the account; a second is refused while it is open; approved, the fields are back', async () => {
    const h = suite.h;
    const asked = await call('POST', revertPath, { as: signed.admin!, body: { reason: 'routed to the wrong team' } });
    assert.equal(asked.status, 202, JSON.stringify(asked.body));
    const revertId = String(asked.body.workflowId);
    assert.equal(revertId, `revert-${h.tenant.slug}-${run.incident.sys_id}`);
    const waiting = await h.waitForStatus(revertId, 'awaiting_approval');
    assert.equal(waiting.plan?.revertOf?.requestedBy, accounts.admin.email);
    assert.equal(waiting.plan?.revertOf?.workflowId, run.workflowId);
    // The account approves as bob in Slack and in the inbox: bob may not approve this revert.
    assert.ok(waiting.plan?.excludedApprovers.some((e) => e.approver === approvers.bob && e.reason === 'asked for this revert'), JSON.stringify(waiting.plan?.excludedApprovers));

    const requested = (await listAudit(h.db.pool, { tenantId: h.tenant.id, workflowId: revertId, type: 'revert.requested' }))[0];
    assert.equal(requested?.actor, accounts.admin.email, 'the trail names the console account as the requester');
    assert.equal(requested?.detail['reason'], 'routed to the wrong team');

    const shown = await call('GET', revertPath, { as: signed.viewer! });
    assert.equal(shown.body.revert?.workflowId, revertId);
    assert.equal(shown.body.revert?.status, 'awaiting_approval');
    assert.equal(shown.body.revert?.requestedBy, accounts.admin.email);

    const again = await call('POST', revertPath, { as: signed.admin!, body: { reason: 'asking a second time' } });
    assert.equal(again.status, 409);
    assert.equal(again.body.error?.code, 'revert_in_progress');
    assert.match(again.body.error?.message ?? '', /a revert of this incident is already open/);

    const request = h.slack.messages(channelId).at(-1)!;
    assert.ok(hasDecisionButtons(request));
    // The requester is a console account: named by its e-mail, not as a broken Slack mention.
    assert.ok(JSON.stringify(request).includes(JSON.stringify(`*Revert asked for by*\n${accounts.admin.email}`)), messageText(request));
    await h.slack.click({ interactivityUrl: h.interactivityUrl, signingSecret: h.signingSecret, channel: request.channel, ts: request.ts, actionId: 'gatehouse_approve', userId: approvers.alice });
    await untilDecided(h, revertId);
    const outcome = await h.env.client.workflow.getHandle(revertId).result() as TriageResult;
    assert.equal(outcome.status, 'completed', outcome.detail);
    const now = h.sn.getIncident(run.incident.sys_id)!;
    for (const field of ['assignment_group', 'category', 'impact', 'urgency'] as const) {
      assert.equal(now[field], original[field], `${field} is back to its value before the triage`);
    }

    const done = await call('GET', revertPath, { as: signed.viewer! });
    assert.equal(done.body.revert?.status, 'completed');
  });
});
