/**
 * The self-approval check fails closed: a lookup that blips is retried and still excludes the
 * requester; one that keeps failing throws instead of leaving the approver eligible; an approver
 * Slack gives no address for is excluded (or, by policy, flagged); a requester without an
 * address is reported. Fakes of the two tiny client surfaces, no network.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import type { SlackUserDirectory } from '../../action-runtime/approver-identity';
import { IdentityCache } from '../../connectors/identity-cache';
import { lookupRequesterEmail } from '../../connectors/servicenow/requester-identity';
import { checkSelfApproval } from '../../action-runtime/self-approval';
import { retryTransient } from '../../connectors/transient-retry';
import { ServiceNowApiError } from '../../connectors/servicenow/errors';

const noWait = { sleep: async () => {} };
type SlackAnswer = { email?: string } | Error;

/** users.info answering from a script per user: each call takes the next answer (the last one repeats). */
function fakeSlack(script: Record<string, SlackAnswer[]>): SlackUserDirectory & { calls: string[] } {
  const calls: string[] = [];
  const info = async ({ user }: { user: string }) => {
    calls.push(user);
    const answers = script[user] ?? [new WebAPIPlatformError({ ok: false, error: 'user_not_found' })];
    const answer = answers.length > 1 ? answers.shift()! : answers[0]!;
    if (answer instanceof Error) throw answer;
    return { user: { profile: answer.email === undefined ? {} : { email: answer.email } } };
  };
  return { users: { info }, calls };
}

const check = (slack: SlackUserDirectory, over: Partial<Parameters<typeof checkSelfApproval>[0]> = {}) => checkSelfApproval({
  tenantId: 't1', slack, approvers: ['U0ALICE', 'U0BOB'], unverifiedApprovers: 'exclude',
  requesters: [{ role: 'caller', email: 'alice@acme.test' }], cache: new IdentityCache(), retry: noWait, ...over,
});

describe('self-approval check', () => {
  it('a transient Slack failure is retried and the requester is still excluded', async () => {
    const slack = fakeSlack({
      U0ALICE: [new WebAPIHTTPError(503, 'Service Unavailable', {}), new WebAPIRequestError(new Error('ECONNRESET')), { email: 'Alice@acme.test' }],
      U0BOB: [{ email: 'bob@acme.test' }],
    });
    const result = await check(slack);
    assert.deepEqual(result.excluded, [{ approver: 'U0ALICE', reason: "no self-approval: this approver is the incident's caller" }]);
    assert.deepEqual(result.flagged, []);
    assert.equal(slack.calls.filter((u) => u === 'U0ALICE').length, 3);
  });

  it('a lookup that keeps failing throws: the approver is never silently eligible', async () => {
    const slack = fakeSlack({ U0ALICE: [new WebAPIPlatformError({ ok: false, error: 'internal_error' })], U0BOB: [{ email: 'bob@acme.test' }] });
    await assert.rejects(check(slack), (err: unknown) => err instanceof WebAPIPlatformError && err.data.error === 'internal_error');
    assert.equal(slack.calls.filter((u) => u === 'U0ALICE').length, 3, 'three attempts, then the error');
    // Nothing failed is kept: the next run asks again.
    const recovered = fakeSlack({ U0ALICE: [{ email: 'alice@acme.test' }], U0BOB: [{ email: 'bob@acme.test' }] });
    assert.equal((await check(recovered)).excluded[0]?.approver, 'U0ALICE');
  });

  it('a 429 asking for a longer wait than the quick retries is thrown at once, for Temporal to wait it out', async () => {
    const slack = fakeSlack({ U0ALICE: [new WebAPIRateLimitedError(30), { email: 'alice@acme.test' }], U0BOB: [{ email: 'bob@acme.test' }] });
    await assert.rejects(check(slack), WebAPIRateLimitedError);
    assert.equal(slack.calls.filter((u) => u === 'U0ALICE').length, 1);
  });

  it('an approver without a readable e-mail is excluded by default, flagged when the policy says flag', async () => {
    const script = () => ({
      U0ALICE: [{}],
      U0BOB: [new WebAPIPlatformError({ ok: false, error: 'missing_scope' })],
      U0CAROL: [new WebAPIPlatformError({ ok: false, error: 'user_not_found' })],
      U0DAVE: [{ email: 'dave@acme.test' }],
    });
    const approvers = ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAVE'];
    const excluded = await check(fakeSlack(script()), { approvers });
    assert.deepEqual(excluded.excluded.map((e) => e.approver), ['U0ALICE', 'U0BOB', 'U0CAROL']);
    assert.ok(excluded.excluded.every((e) => e.reason.startsWith('identity could not be verified: ')));
    assert.match(excluded.excluded[0]!.reason, /no e-mail address in their Slack profile/);
    assert.match(excluded.excluded[1]!.reason, /users:read\.email/);
    assert.match(excluded.excluded[2]!.reason, /user_not_found/);
    assert.deepEqual(excluded.flagged, []);

    const flagged = await check(fakeSlack(script()), { approvers, unverifiedApprovers: 'flag' });
    assert.deepEqual(flagged.excluded, []);
    assert.deepEqual(flagged.flagged.map((f) => f.approver), ['U0ALICE', 'U0BOB', 'U0CAROL']);
    assert.match(flagged.flagged[1]!.reason, /^identity could not be verified: .*missing_scope/);
  });

  it('a requester without an e-mail is reported; the one with an address is still matched', async () => {
    const slack = fakeSlack({ U0ALICE: [{ email: 'alice@acme.test' }], U0BOB: [{ email: 'bob@acme.test' }] });
    const result = await check(slack, { requesters: [{ role: 'caller', problem: 'has no e-mail address in ServiceNow' }, { role: 'opener', email: 'bob@acme.test' }] });
    assert.deepEqual(result.unverifiedRequesters, [{ role: 'caller', reason: "the incident's caller has no e-mail address in ServiceNow; self-approval could not be checked" }]);
    assert.deepEqual(result.excluded, [{ approver: 'U0BOB', reason: "no self-approval: this approver is the incident's opener" }]);
  });

  it('with no requester address at all, Slack is not asked and nothing is excluded, but the fact is reported', async () => {
    const slack = fakeSlack({});
    const result = await check(slack, { requesters: [{ role: 'caller', problem: 'has no e-mail address in ServiceNow' }, { role: 'opener' }] });
    assert.equal(result.unverifiedRequesters.length, 1);
    assert.deepEqual(result.excluded, []);
    assert.deepEqual(slack.calls, []);
  });
});

describe('requester e-mail lookup', () => {
  const fakeServiceNow = (answers: Array<string | Error>) => {
    let calls = 0;
    return {
      get calls() { return calls; },
      getUser: async (sysId: string) => {
        const answer = answers[Math.min(calls++, answers.length - 1)]!;
        if (answer instanceof Error) throw answer;
        return { sysId, userName: 'someone', email: answer };
      },
    };
  };
  const lookup = (sn: ReturnType<typeof fakeServiceNow>) => lookupRequesterEmail(sn, 'a'.repeat(32), { tenantId: 't1', cache: new IdentityCache(), retry: noWait });

  it('retries a 503 and answers the address', async () => {
    const sn = fakeServiceNow([new ServiceNowApiError('server_error', 'ServiceNow answered 503', 503), 'caller@acme.test']);
    assert.deepEqual(await lookup(sn), { email: 'caller@acme.test' });
    assert.equal(sn.calls, 2);
  });

  it('throws when ServiceNow keeps failing, and does not retry an authentication failure', async () => {
    const down = fakeServiceNow([new ServiceNowApiError('network_error', 'connection refused')]);
    await assert.rejects(lookup(down), (err: unknown) => err instanceof ServiceNowApiError && err.code === 'network_error');
    assert.equal(down.calls, 3);
    const unauthenticated = fakeServiceNow([new ServiceNowApiError('unauthenticated', 'ServiceNow answered 401', 401)]);
    await assert.rejects(lookup(unauthenticated), ServiceNowApiError);
    assert.equal(unauthenticated.calls, 1);
  });

  it('a record without an address, or no record, is a problem to report, not an error', async () => {
    assert.deepEqual(await lookup(fakeServiceNow([''])), { problem: 'has no e-mail address in ServiceNow' });
    assert.deepEqual(await lookup(fakeServiceNow([new ServiceNowApiError('not_found', 'ServiceNow answered 404', 404)])), { problem: 'has no user record in ServiceNow' });
  });
});

describe('transient retry', () => {
  it('waits a provider Retry-After that fits the budget, and gives up on one that does not', async () => {
    const waits: number[] = [];
    let calls = 0;
    const answer = await retryTransient(async () => {
      if (calls++ === 0) throw new ServiceNowApiError('rate_limited', 'ServiceNow answered 429', 429, 1);
      return 'ok';
    }, { sleep: async (ms) => void waits.push(ms) });
    assert.equal(answer, 'ok');
    assert.deepEqual(waits, [1000]);
    await assert.rejects(retryTransient(async () => {
      throw new ServiceNowApiError('rate_limited', 'ServiceNow answered 429', 429, 120);
    }, noWait), ServiceNowApiError);
  });
});
