/**
 * Two limiter instances on one database stand in for two worker processes: whatever they do
 * together must stay within one tenant's rate and concurrency limits.
 */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type Database } from '../../db/database';
import { createTenant } from '../../db/tenants-repo';
import { createConnectorLimiter, RateLimitedError, type ConnectorLimiter, type LimiterKey, type RateLimitSettings } from '../../ratelimit';

/** What Temporal does with a RateLimitedError: schedule the next attempt after retryAfterMs. */
async function runLikeTemporal<T>(limiter: ConnectorLimiter, key: LimiterKey, fn: () => Promise<T>, retried: { count: number }): Promise<T> {
  for (;;) {
    try {
      return await limiter.run(key, fn);
    } catch (err) {
      if (!(err instanceof RateLimitedError)) throw err;
      retried.count += 1;
      await delay(err.retryAfterMs);
    }
  }
}

/** Tracks calls in flight and when each started. */
function callRecorder(durationMs: () => number) {
  const starts: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const call = async (i: number): Promise<number> => {
    starts.push(performance.now());
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await delay(durationMs());
      return i;
    } finally {
      inFlight -= 1;
    }
  };
  return { call, starts, maxInFlight: () => maxInFlight };
}

/** The most calls that started within any `windowMs` (each window opening at a call). */
function busiestWindow(starts: number[], windowMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let busiest = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last += 1) {
    while ((sorted[last] ?? 0) - (sorted[first] ?? 0) >= windowMs) first += 1;
    busiest = Math.max(busiest, last - first + 1);
  }
  return busiest;
}

describe('connector limiter under load (two workers, one database)', () => {
  let db: Database;
  let tenantId: string;
  before(async () => {
    db = await createTestDatabase();
    tenantId = (await createTenant(db.pool, { slug: 'load', name: 'Load', settings: {} })).id;
  });
  after(async () => { await db?.close(); });

  it('keeps a burst of 50 calls within burst + rate per second, and completes them all', async () => {
    const rate = 5;
    const burst = 5;
    const maxConcurrent = 8; // above the burst, so the whole burst can go out at once
    const settings: RateLimitSettings = { servicenow: { requestsPerSecond: rate, burst, maxConcurrent } };
    const workers = [0, 1].map(() => createConnectorLimiter(db.pool, { tenantLimits: () => settings }));
    const key = { tenantId, connector: 'servicenow' };
    const recorder = callRecorder(() => 20 + Math.random() * 30);
    const retried = { count: 0 };

    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      runLikeTemporal(workers[i % 2] as ConnectorLimiter, key, () => recorder.call(i), retried)));
    const elapsedMs = performance.now() - started;

    assert.deepEqual(results, Array.from({ length: 50 }, (_, i) => i), 'every call completed, once');
    assert.equal(recorder.starts.length, 50);
    const busiest = busiestWindow(recorder.starts, 1000);
    assert.ok(busiest <= burst + rate, `at most ${burst + rate} calls in any second, saw ${busiest}`);
    // 5 from the full bucket, then 45 at 5 per second: about 9 s. Faster means the rate leaked.
    assert.ok(elapsedMs >= ((50 - burst) / rate) * 1000 * 0.95, `took ${Math.round(elapsedMs)} ms`);
    assert.ok(recorder.maxInFlight() <= maxConcurrent);
    assert.ok(retried.count > 0, 'waits beyond the inline budget went back to the (simulated) retry policy');
  });

  it('never has more calls in flight than the concurrency cap', async () => {
    const maxConcurrent = 3;
    const settings: RateLimitSettings = { github: { requestsPerSecond: 1000, burst: 1000, maxConcurrent } };
    const workers = [0, 1].map(() => createConnectorLimiter(db.pool, { tenantLimits: () => settings }));
    const key = { tenantId, connector: 'github' };
    const recorder = callRecorder(() => 40 + Math.random() * 20);
    const retried = { count: 0 };

    const results = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      runLikeTemporal(workers[i % 2] as ConnectorLimiter, key, () => recorder.call(i), retried)));

    assert.equal(results.length, 30);
    assert.equal(recorder.maxInFlight(), maxConcurrent, 'the cap was reached and never exceeded');
    // Finished leases are dropped by a later call or a batch shortly after; send what is left now.
    await Promise.all(workers.map((w) => w.flush()));
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM connector_rate_limits, jsonb_object_keys(leases) WHERE tenant_id = $1 AND connector = 'github'`,
      [tenantId],
    );
    assert.equal(rows[0]?.n, 0, 'every lease was released');
  });
});
