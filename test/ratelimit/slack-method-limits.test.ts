/**
 * Slack calls are held to Slack's own limits, per method and, for chat.postMessage, per channel:
 * through the client the tenant layer opens (slackClientFor, i.e. GatedWebClient and gateFor)
 * against the Slack simulator, with two limiters over one database standing in for two workers.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { WebClient } from '@slack/web-api';
import { createTestDatabase, type Database } from '../../db/database';
import { SecretBox } from '../../db/secret-box';
import { putSecret } from '../../db/secrets-repo';
import { createTenant } from '../../db/tenants-repo';
import { createConnectorLimiter, RateLimitedError, type LimiterConfig } from '../../ratelimit';
import { loadTenant, slackClientFor, type TenantContext, type TenantDeps } from '../../tenancy/tenant-context';
import { secretNames, type TenantSettingsInput } from '../../tenancy/tenant-settings';
import { startSlackSimulator, type SlackSimulator } from '../simulators/slack';
import { simulatorUrlPolicy } from '../../scripts/local-stack/simulator-url-policy';

const TEAM = 'T0METHODS';
const APPROVALS = 'C0APPROVALS';
const OTHER = 'C0OTHER';
const USER = 'U0ALICE0001';

/** Runs `call` and resolves with the milliseconds since `origin` at which it completed. */
async function doneAt(origin: number, call: () => Promise<unknown>): Promise<number> {
  await call();
  return performance.now() - origin;
}

/** The most entries of `times` (ms) within any 1-second window. */
function busiestSecond(times: number[]): number {
  let worst = 0;
  for (const start of times) worst = Math.max(worst, times.filter((t) => t >= start && t < start + 1000).length);
  return worst;
}

describe('Slack calls under per-method and per-channel limits', () => {
  let db: Database;
  let slack: SlackSimulator;
  let botToken: string;
  let tenantCount = 0;
  const box = new SecretBox(randomBytes(32));

  /** A worker process: its own limiter over the shared database. */
  const worker = (config: LimiterConfig = { maxInlineWaitMs: 15_000 }): TenantDeps => ({
    pool: db.pool, secrets: box, urlPolicy: simulatorUrlPolicy, limiter: createConnectorLimiter(db.pool, config),
  });

  /** A fresh tenant per test, so no test sees another's buckets. */
  const newTenant = async (): Promise<TenantContext> => {
    tenantCount += 1;
    const settings: TenantSettingsInput = {
      servicenow: { instanceUrl: 'http://127.0.0.1:9/', auth: 'basic', username: 'never.called' },
      slack: { apiBaseUrl: slack.apiUrl, channel: APPROVALS, teamId: TEAM },
      approvals: { approvers: [USER] },
    };
    const row = await createTenant(db.pool, { slug: `methods${tenantCount}`, name: `Methods ${tenantCount}`, settings });
    await putSecret(db.pool, box, row.id, secretNames.slackBotToken, botToken);
    return loadTenant({ pool: db.pool, secrets: box, urlPolicy: simulatorUrlPolicy }, row.id);
  };

  const post = (client: WebClient, channel: string, text: string) => () => client.chat.postMessage({ channel, text });

  before(async () => {
    [db, slack] = await Promise.all([createTestDatabase(), startSlackSimulator()]);
    botToken = `xoxb-${randomBytes(12).toString('hex')}`;
    slack.addWorkspace({ teamId: TEAM, domain: 'methods', botToken, botUserId: 'U0METHBOT' });
    slack.addChannel({ id: APPROVALS, teamId: TEAM, name: 'approvals', botIsMember: true });
    slack.addChannel({ id: OTHER, teamId: TEAM, name: 'other', botIsMember: true });
    slack.addUser({ id: USER, teamId: TEAM, name: 'alice' });
  });
  after(async () => {
    await slack?.close();
    await db?.close();
  });

  it('holds chat.postMessage to about 1 per second per channel, after a short burst', async () => {
    const tenant = await newTenant();
    const [a, b] = await Promise.all([worker(), worker()].map((deps) => slackClientFor(deps, tenant)));
    const before = slack.callTimeline().length;
    await Promise.all(Array.from({ length: 6 }, (_, i) => post(i % 2 ? a! : b!, APPROVALS, `post ${i}`)()));
    // When each post reached Slack (all to one channel), oldest first.
    const arrivals = slack.callTimeline().slice(before).filter((c) => c.method === 'chat.postMessage').map((c) => c.at);
    assert.equal(arrivals.length, 6);
    // A burst of 3, then one a second: the sixth goes out about 3 s after the first.
    assert.ok(busiestSecond(arrivals) <= 4, `a 1 s window held ${busiestSecond(arrivals)} posts to one channel`);
    assert.ok(arrivals[2]! - arrivals[0]! < 900, `the first three went out as a burst: ${arrivals.map((t) => t - arrivals[0]!).join(', ')} ms`);
    assert.ok(arrivals[5]! - arrivals[0]! >= 2_600, `six posts to one channel went out within ${arrivals[5]! - arrivals[0]!} ms`);
  });

  it('does not queue posts to one channel behind posts to another', async () => {
    const tenant = await newTenant();
    const client = await slackClientFor(worker(), tenant);
    const origin = performance.now();
    const [approvals, other] = await Promise.all([APPROVALS, OTHER].map((channel) =>
      Promise.all(Array.from({ length: 4 }, (_, i) => doneAt(origin, post(client, channel, `${channel} ${i}`))))));
    // Each channel: a burst of 3 and one a second later. Sharing one bucket, 8 posts would take 5 s.
    for (const times of [approvals!, other!]) {
      const last = Math.max(...times);
      assert.ok(last >= 800 && last < 2_500, `each channel's fourth post went out after about 1 s: ${times.map(Math.round).join(', ')} ms`);
    }
  });

  it('does not hold chat.update or chat.postEphemeral behind a busy chat.postMessage', async () => {
    const tenant = await newTenant();
    const client = await slackClientFor(worker(), tenant);
    const first = await client.chat.postMessage({ channel: APPROVALS, text: 'approval request' });
    const origin = performance.now();
    // Two more spend the channel's burst; the next four queue for about 4 s.
    const posts = Array.from({ length: 6 }, (_, i) => doneAt(origin, post(client, APPROVALS, `queued ${i}`)));
    const update = doneAt(origin, () => client.chat.update({ channel: APPROVALS, ts: String(first.ts), text: 'approved' }));
    const ephemeral = doneAt(origin, () => client.chat.postEphemeral({ channel: APPROVALS, user: USER, text: 'only you' }));
    const [updatedAt, ephemeralAt] = await Promise.all([update, ephemeral]);
    const lastPost = Math.max(...await Promise.all(posts));
    assert.ok(updatedAt < 1_000 && ephemeralAt < 1_000, `update after ${Math.round(updatedAt)} ms, ephemeral after ${Math.round(ephemeralAt)} ms`);
    assert.ok(lastPost >= 3_000, `the posts were held back meanwhile (last after ${Math.round(lastPost)} ms)`);
    assert.equal(slack.messages(APPROVALS).find((m) => m.ts === first.ts)?.text, 'approved');
  });

  it('a Slack 429 pauses only the method and channel it answered, for every worker', async () => {
    const tenant = await newTenant();
    const throttledClient = await slackClientFor(worker(), tenant);
    const patient = await slackClientFor(worker(), tenant);
    const impatient = await slackClientFor(worker({ maxInlineWaitMs: 0 }), tenant);
    const first = await patient.chat.postMessage({ channel: APPROVALS, text: 'before' });

    slack.rateLimit('chat.postMessage', 1, 2);
    const throttledAt = performance.now();
    await assert.rejects(throttledClient.chat.postMessage({ channel: APPROVALS, text: 'throttled' }), (err: unknown) =>
      typeof err === 'object' && err !== null && 'code' in err && err.code === 'slack_webapi_rate_limited_error');

    const paused = await impatient.chat.postMessage({ channel: APPROVALS, text: 'still paused' }).catch((err: unknown) => err);
    assert.ok(paused instanceof RateLimitedError, `expected the shared pause, got ${String(paused)}`);
    assert.equal(paused.reason, 'provider');
    assert.equal(paused.bucket, `slack:chat.postMessage:${APPROVALS}`);
    assert.ok(paused.retryAfterMs > 1_000 && paused.retryAfterMs <= 2_000 + 1_000, `retry in ${paused.retryAfterMs} ms`);

    // Another channel and another method go out at once.
    const elsewhere = await doneAt(throttledAt, () => impatient.chat.postMessage({ channel: OTHER, text: 'other channel' }));
    const updated = await doneAt(throttledAt, () => impatient.chat.update({ channel: APPROVALS, ts: String(first.ts), text: 'edited' }));
    assert.ok(elsewhere < 1_000 && updated < 1_000, `other channel after ${Math.round(elsewhere)} ms, update after ${Math.round(updated)} ms`);

    // The throttled channel waits out Slack's Retry-After.
    const resumed = await doneAt(throttledAt, post(patient, APPROVALS, 'after the pause'));
    assert.ok(resumed >= 1_900, `the throttled channel resumed after ${Math.round(resumed)} ms of a 2 s Retry-After`);
  });
});
