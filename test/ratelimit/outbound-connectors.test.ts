/**
 * Slack and GitHub calls go through the same shared per-tenant limiter as ServiceNow's: the
 * clients the tenant layer opens (slackClientFor, githubClientFor) keep a burst within the
 * tenant's configured rate and concurrency, and a provider's "slow down" answer pauses every
 * worker's calls, not only the one that received it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { GitHubApiError } from '../../connectors/github/errors';
import { createTestDatabase, type Database } from '../../db/database';
import { upsertPendingInstall } from '../../db/installs-repo';
import { SecretBox } from '../../db/secret-box';
import { putSecret } from '../../db/secrets-repo';
import { createTenant } from '../../db/tenants-repo';
import { createConnectorLimiter, RateLimitedError, type ConnectorLimits, type RateLimitSettings } from '../../ratelimit';
import { githubClientFor } from '../../tenancy/github-client';
import { loadTenant, slackClientFor, type TenantContext, type TenantDeps } from '../../tenancy/tenant-context';
import { secretNames, type TenantSettingsInput } from '../../tenancy/tenant-settings';
import { startGitHubSimulator, type GitHubSimulator } from '../simulators/github';
import { startSlackSimulator, type SlackSimulator } from '../simulators/slack';
import { simulatorUrlPolicy } from '../../scripts/local-stack/simulator-url-policy';

const TEAM = 'T0OUTBOUND';
const CHANNEL = 'C0OUTBOUND';
const SECOND_CHANNEL = 'C0OUTBOUND2';
const APP_ID = 303;

/** The most arrivals in any 1-second window. */
function busiestSecond(arrivals: number[]): number {
  let worst = 0;
  for (const start of arrivals) worst = Math.max(worst, arrivals.filter((t) => t >= start && t < start + 1000).length);
  return worst;
}

/** Arrivals of a burst that the limits allow: never more than burst + rate in a second, and spread out. */
function assertWithin(arrivals: number[], limits: ConnectorLimits, what: string): void {
  const worst = busiestSecond(arrivals);
  assert.ok(worst <= limits.burst + limits.requestsPerSecond, `${what}: a 1 s window held ${worst} calls`);
  const spanSeconds = (Math.max(...arrivals) - Math.min(...arrivals)) / 1000;
  const least = (arrivals.length - limits.burst) / limits.requestsPerSecond;
  assert.ok(spanSeconds >= least - 0.25, `${what}: ${arrivals.length} calls in ${spanSeconds} s, expected at least ${least} s`);
}

describe('Slack and GitHub calls under the shared limiter', () => {
  let db: Database;
  let slack: SlackSimulator;
  let gh: GitHubSimulator;
  let tenant: TenantContext;
  let limits: RateLimitSettings = {};
  const box = new SecretBox(randomBytes(32));

  /** What a worker process holds: its own limiter over the shared database (generous inline waits). */
  const worker = (): TenantDeps => ({
    pool: db.pool, secrets: box, urlPolicy: simulatorUrlPolicy,
    limiter: createConnectorLimiter(db.pool, { maxInlineWaitMs: 15_000 }),
  });
  /** The tenant as an activity loads it: the limits in force are those of its settings. */
  const withLimits = (): TenantContext => ({ ...tenant, settings: { ...tenant.settings, rateLimits: limits } });

  before(async () => {
    [db, slack, gh] = await Promise.all([createTestDatabase(), startSlackSimulator(), startGitHubSimulator()]);
    const botToken = `xoxb-${randomBytes(12).toString('hex')}`;
    slack.addWorkspace({ teamId: TEAM, domain: 'outbound', botToken, botUserId: 'U0OUTBOT' });
    slack.addChannel({ id: CHANNEL, teamId: TEAM, name: 'approvals', botIsMember: true });
    slack.addChannel({ id: SECOND_CHANNEL, teamId: TEAM, name: 'second', botIsMember: true });
    const privateKey = gh.addApp({ appId: APP_ID }).privateKeyPem;
    gh.addRepo({ owner: 'acme', name: 'widgets' });
    gh.addInstallation({ id: 7, account: 'acme', repositories: ['widgets'], permissions: { issues: 'read' } });

    const settings: TenantSettingsInput = {
      servicenow: { instanceUrl: 'http://127.0.0.1:9/', auth: 'basic', username: 'never.called' },
      slack: { apiBaseUrl: slack.apiUrl, channel: CHANNEL, teamId: TEAM },
      approvals: { approvers: ['U0ALICE0001'] },
    };
    const row = await createTenant(db.pool, { slug: 'outbound', name: 'Outbound', settings });
    await putSecret(db.pool, box, row.id, secretNames.slackBotToken, botToken);
    await putSecret(db.pool, box, row.id, secretNames.githubAppPrivateKey, privateKey);
    await upsertPendingInstall(db.pool, {
      tenantId: row.id, connectorId: 'github', manifestVersion: '1.0.0', config: { appId: APP_ID, installationId: 7, baseUrl: gh.url },
      credentialNames: [secretNames.githubAppPrivateKey], requestedBy: 'test', workflowId: 'install-github-test',
    });
    tenant = await loadTenant({ pool: db.pool, secrets: box, urlPolicy: simulatorUrlPolicy }, row.id);
  });
  after(async () => {
    await Promise.allSettled([slack?.close(), gh?.close()]);
    await db?.close();
  });

  it('keeps a burst of Slack posts from two workers within the tenant\'s connector-wide Slack rate', async () => {
    // The settings shape from before per-method limits: it still caps every Slack call together.
    const slackLimits = { requestsPerSecond: 2, burst: 2, maxConcurrent: 1 };
    limits = { slack: slackLimits };
    const clients = await Promise.all([worker(), worker()].map((deps) => slackClientFor(deps, withLimits())));
    const before = slack.callTimeline().length;
    // Two channels, so the per-channel limit (1/s, burst 3) is not what holds them back.
    await Promise.all(Array.from({ length: 8 }, (_, i) =>
      clients[i % 2]!.chat.postMessage({ channel: i < 4 ? CHANNEL : SECOND_CHANNEL, text: `post ${i}` })));

    assert.equal(slack.messages(CHANNEL).length + slack.messages(SECOND_CHANNEL).length, 8);
    const arrivals = slack.callTimeline().slice(before).filter((c) => c.method === 'chat.postMessage').map((c) => c.at);
    assert.equal(arrivals.length, 8);
    assertWithin(arrivals, slackLimits, 'Slack');
  });

  it("a Slack 429 pauses the other worker's calls for its Retry-After", async () => {
    limits = { slack: { requestsPerSecond: 50, burst: 50, maxConcurrent: 4 } };
    const [first, second] = await Promise.all([worker(), worker()].map((deps) => slackClientFor(deps, withLimits())));
    slack.rateLimit('chat.postMessage', 1, 2);
    const throttledAt = Date.now();
    await assert.rejects(first!.chat.postMessage({ channel: CHANNEL, text: 'throttled' }), (err: unknown) =>
      typeof err === 'object' && err !== null && 'code' in err && err.code === 'slack_webapi_rate_limited_error');

    const before = slack.callTimeline().length;
    await second!.chat.postMessage({ channel: CHANNEL, text: 'after the pause' });
    const [arrival] = slack.callTimeline().slice(before);
    assert.ok(arrival, 'the second worker posted');
    assert.ok(arrival.at - throttledAt >= 1_900, `the second worker called ${arrival.at - throttledAt} ms after a 2 s Retry-After`);
  });

  it('keeps a burst of GitHub requests within the tenant GitHub rate, token mint included', async () => {
    const githubLimits = { requestsPerSecond: 3, burst: 2, maxConcurrent: 1 };
    limits = { github: githubLimits };
    const { client } = await githubClientFor(worker(), withLimits());
    gh.resetRequestCounts();
    const answers = await Promise.all(Array.from({ length: 7 }, () => client.request('GET /repos/{owner}/{repo}/issues', { owner: 'acme', repo: 'widgets' })));
    assert.deepEqual(answers.map((a) => a.status), Array(7).fill(200));

    const timeline = gh.requestTimeline();
    assert.equal(timeline.filter((c) => c.key === 'POST /app/installations/7/access_tokens').length, 1, 'one token minted for the burst');
    // The mint rides in the first request's slot, so 7 slots cover 8 provider calls.
    assertWithin(timeline.filter((c) => c.key === 'GET /repos/acme/widgets/issues').map((c) => c.at), githubLimits, 'GitHub');
  });

  it('an exhausted GitHub rate limit stops every worker until its reset, without calling GitHub', async () => {
    limits = { github: { requestsPerSecond: 50, burst: 50, maxConcurrent: 4 } };
    gh.setRateLimit({ limit: 1, exhaustedStatus: 429 });
    const first = (await githubClientFor(worker(), withLimits())).client;
    await first.request('GET /repos/{owner}/{repo}/issues', { owner: 'acme', repo: 'widgets' }).catch(() => undefined);
    const refused = await first.request('GET /repos/{owner}/{repo}/issues', { owner: 'acme', repo: 'widgets' }).catch((err: unknown) => err);
    assert.ok(refused instanceof GitHubApiError && refused.code === 'rate_limited', `expected GitHub's rate limit, got ${String(refused)}`);

    gh.resetRequestCounts();
    const second = (await githubClientFor({ ...worker(), limiter: createConnectorLimiter(db.pool, { maxInlineWaitMs: 0 }) }, withLimits())).client;
    const paused = await second.request('GET /repos/{owner}/{repo}/issues', { owner: 'acme', repo: 'widgets' }).catch((err: unknown) => err);
    assert.ok(paused instanceof RateLimitedError, `expected the shared pause, got ${String(paused)}`);
    assert.equal(paused.reason, 'provider');
    assert.ok(paused.retryAfterMs > 10_000, `retry in ${paused.retryAfterMs} ms, GitHub's reset is far off`);
    assert.deepEqual(gh.requestCounts(), {}, 'the paused worker did not call GitHub');
  });
});
