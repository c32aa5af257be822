/**
 * The limiter's individual behaviours: lease expiry after a crash, provider back-pressure
 * shared between workers, tenant isolation, and the choice between waiting in-process and
 * failing fast with a RateLimitedError.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ServiceNowApiError } from '../../connectors/servicenow/errors';
import { createTestDatabase, type Database } from '../../db/database';
import { createTenant } from '../../db/tenants-repo';
import {
  bucketsFor, createConnectorLimiter, RateLimitedError, realClock, tryAcquire,
  type LimiterClock, type LimiterConfig, type RateLimitSettings,
} from '../../ratelimit';

/** A real clock that also records every in-process wait. */
function spyClock(): LimiterClock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => realClock.now(),
    sleep: async (ms) => {
      sleeps.push(ms);
      await realClock.sleep(ms);
    },
  };
}

/** Asserts `promise` rejects with a RateLimitedError and returns it. */
async function rateLimited(promise: Promise<unknown>): Promise<RateLimitedError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof RateLimitedError) return err;
    throw err;
  }
  assert.fail('expected a RateLimitedError');
}

describe('connector limiter behaviour', () => {
  let db: Database;
  let tenantCount = 0;
  before(async () => { db = await createTestDatabase(); });
  after(async () => { await db?.close(); });

  /** A fresh tenant per test, so no test sees another's buckets. */
  const newTenant = async (): Promise<string> => {
    tenantCount += 1;
    return (await createTenant(db.pool, { slug: `t${tenantCount}`, name: `Tenant ${tenantCount}`, settings: {} })).id;
  };
  const limiter = (settings: RateLimitSettings, extra: Omit<LimiterConfig, 'tenantLimits'> = {}, clock?: LimiterClock) =>
    createConnectorLimiter(db.pool, { tenantLimits: () => settings, ...extra }, clock);
  const neverCalled = async (): Promise<never> => assert.fail('fn must not run while limited');

  it('lets a crashed holder\'s lease lapse', async () => {
    const tenantId = await newTenant();
    const key = { tenantId, connector: 'servicenow' };
    const settings: RateLimitSettings = { servicenow: { requestsPerSecond: 100, burst: 100, maxConcurrent: 1 } };
    // A worker takes the only slot and dies without releasing it.
    const crashedAt = performance.now();
    assert.deepEqual(await tryAcquire(db.pool, tenantId, bucketsFor(key, settings), { id: randomUUID(), ttlMs: 600 }), { granted: true, leased: ['servicenow'] });

    const impatient = await rateLimited(limiter(settings, { maxInlineWaitMs: 0 }).run(key, neverCalled));
    assert.equal(impatient.reason, 'concurrency');
    assert.ok(impatient.retryAfterMs >= 1 && impatient.retryAfterMs <= 600, `retryAfterMs ${impatient.retryAfterMs}`);

    assert.equal(await limiter(settings).run(key, async () => 'after expiry'), 'after expiry');
    const waited = performance.now() - crashedAt;
    assert.ok(waited >= 500, `ran ${Math.round(waited)} ms after the crash, before the lease lapsed`);
  });

  it('releases the lease when the call fails', async () => {
    const tenantId = await newTenant();
    const key = { tenantId, connector: 'servicenow' };
    const settings: RateLimitSettings = { servicenow: { requestsPerSecond: 100, burst: 100, maxConcurrent: 1 } };
    const worker = limiter(settings, { maxInlineWaitMs: 0 });
    await assert.rejects(worker.run(key, async () => { throw new Error('provider down'); }), /provider down/);
    assert.equal(await worker.run(key, async () => 'slot free again'), 'slot free again');
  });

  it('makes every worker honour a provider\'s Retry-After', async () => {
    const tenantId = await newTenant();
    const settings: RateLimitSettings = { servicenow: { requestsPerSecond: 5, burst: 10, maxConcurrent: 4 } };
    const [workerA, workerB] = [limiter(settings), limiter(settings)];

    await workerA.noteThrottled({ tenantId, connector: 'servicenow' }, 3);
    const notedAt = performance.now();
    const err = await rateLimited(workerB.run({ tenantId, connector: 'servicenow' }, neverCalled));
    const elapsed = performance.now() - notedAt;
    assert.equal(err.reason, 'provider');
    assert.ok(elapsed < 1000, 'a long pause fails fast instead of waiting');
    assert.ok(err.retryAfterMs + elapsed >= 3000, `retryAfterMs ${err.retryAfterMs} covers the provider's 3 s`);
    // After the pause the bucket restarts empty: one refill interval (200 ms) on top at most.
    assert.ok(err.retryAfterMs <= 3000 + 200 + 1, `retryAfterMs ${err.retryAfterMs}`);
  });

  it('shares a throttle seen by one worker\'s call with the others', async () => {
    const tenantId = await newTenant();
    const key = { tenantId, connector: 'servicenow' };
    const settings: RateLimitSettings = { servicenow: { requestsPerSecond: 5, burst: 10, maxConcurrent: 4 } };
    const throttled = new ServiceNowApiError('rate_limited', 'ServiceNow GET /api/now/table/incident answered HTTP 429', 429, 2);
    await assert.rejects(limiter(settings).run(key, async () => { throw throttled; }), (err) => err === throttled);

    const err = await rateLimited(limiter(settings, { maxInlineWaitMs: 0 }).run(key, neverCalled));
    assert.equal(err.reason, 'provider');
    assert.ok(err.retryAfterMs >= 1500 && err.retryAfterMs <= 2201, `retryAfterMs ${err.retryAfterMs}`);
  });

  it('sits out a short provider pause in-process', async () => {
    const tenantId = await newTenant();
    const settings: RateLimitSettings = { servicenow: { requestsPerSecond: 5, burst: 10, maxConcurrent: 4 } };
    const clock = spyClock();
    await limiter(settings).noteThrottled({ tenantId, connector: 'servicenow' }, 1);
    const started = performance.now();
    assert.equal(await limiter(settings, {}, clock).run({ tenantId, connector: 'servicenow' }, async () => 'went'), 'went');
    assert.ok(performance.now() - started >= 950, 'waited for the pause to end');
    assert.ok(clock.sleeps.length > 0);
  });

  it('keeps tenants independent: a throttled, saturated tenant does not slow another', async () => {
    const [noisy, quiet] = [await newTenant(), await newTenant()];
    const settings: RateLimitSettings = { slack: { requestsPerSecond: 1, burst: 3, maxConcurrent: 2 } };
    const worker = limiter(settings);
    // The noisy tenant spends its burst, gets throttled by Slack, and keeps calling.
    for (let i = 0; i < 3; i += 1) await worker.run({ tenantId: noisy, connector: 'slack' }, async () => i);
    await worker.noteThrottled({ tenantId: noisy, connector: 'slack' }, 30);
    const queued = Array.from({ length: 5 }, () => worker.run({ tenantId: noisy, connector: 'slack' }, neverCalled).catch((err: unknown) => err));

    const impatient = limiter(settings, { maxInlineWaitMs: 0 });
    const started = performance.now();
    for (let i = 0; i < 3; i += 1) {
      assert.equal(await impatient.run({ tenantId: quiet, connector: 'slack' }, async () => i), i, 'the quiet tenant is never held back');
    }
    assert.ok(performance.now() - started < 1000);
    for (const outcome of await Promise.all(queued)) {
      assert.ok(outcome instanceof RateLimitedError && outcome.reason === 'provider');
    }
  });

  it('waits in-process when the wait is short', async () => {
    const tenantId = await newTenant();
    const key = { tenantId, connector: 'slack' };
    const settings: RateLimitSettings = { slack: { requestsPerSecond: 1, burst: 1, maxConcurrent: 2 } };
    const clock = spyClock();
    const worker = limiter(settings, {}, clock);
    await worker.run(key, async () => 'first');
    const started = performance.now();
    assert.equal(await worker.run(key, async () => 'second'), 'second');
    const waited = performance.now() - started;
    assert.ok(waited >= 900 && waited < 2500, `waited ${Math.round(waited)} ms for the next token`);
    assert.ok(clock.sleeps.reduce((a, b) => a + b, 0) >= 900, 'with the clock\'s timer');
  });

  it('fails fast with RateLimitedError when the wait is long', async () => {
    const tenantId = await newTenant();
    const key = { tenantId, connector: 'slack' };
    const settings: RateLimitSettings = { slack: { requestsPerSecond: 0.2, burst: 1, maxConcurrent: 2 } };
    const clock = spyClock();
    const worker = limiter(settings, {}, clock);
    await worker.run(key, async () => 'first');
    const started = performance.now();
    const err = await rateLimited(worker.run(key, neverCalled));
    assert.ok(performance.now() - started < 1000, 'did not wait');
    assert.deepEqual(clock.sleeps, []);
    assert.equal(err.reason, 'rate');
    assert.equal(err.connector, 'slack');
    // One token every 5 s, and the first was taken just now.
    assert.ok(err.retryAfterMs > 3500 && err.retryAfterMs <= 5000, `retryAfterMs ${err.retryAfterMs}`);
  });

  it('refuses keys the table cannot hold', async () => {
    const worker = limiter({});
    await assert.rejects(worker.run({ tenantId: 'not-a-uuid', connector: 'slack' }, neverCalled), TypeError);
    await assert.rejects(worker.run({ tenantId: randomUUID(), connector: 'Slack!' }, neverCalled), TypeError);
  });
});
