/**
 * What the limiter costs the database: statements counted on the pool it is given. One
 * statement per outbound call on the common path; a concurrency lease is released by a later
 * call's statement or a batch, never by a statement of its own; a call that brings the
 * tenant's settings costs no settings lookup.
 */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { QueryResult, QueryResultRow } from 'pg';
import { createTestDatabase, type Database } from '../../db/database';
import type { Queryable } from '../../db/queryable';
import { createTenant } from '../../db/tenants-repo';
import { createConnectorLimiter, type LimiterConfig, type LimiterKey, type RateLimitSettings } from '../../ratelimit';

/** A Queryable that counts the statements sent through it. */
function countingPool(inner: Queryable): Queryable & { count: () => number } {
  let sent = 0;
  return {
    count: () => sent,
    query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>> {
      sent += 1;
      return inner.query<R>(text, values);
    },
  };
}

const generous: RateLimitSettings = {
  servicenow: { requestsPerSecond: 1000, burst: 1000, maxConcurrent: 4 },
  slack: { requestsPerSecond: 1000, burst: 1000 },
  'slack.chat.postMessage': { requestsPerSecond: 1000, burst: 1000 },
};

describe('limiter database round trips', () => {
  let db: Database;
  let tenantCount = 0;
  before(async () => { db = await createTestDatabase(); });
  after(async () => { await db?.close(); });

  const newTenant = async (): Promise<string> => {
    tenantCount += 1;
    return (await createTenant(db.pool, { slug: `rt${tenantCount}`, name: `Round trips ${tenantCount}`, settings: {} })).id;
  };

  /** Statements sent for `calls` sequential calls after a first one that creates the buckets' rows. */
  async function statementsPerCall(key: LimiterKey, calls: number, config: LimiterConfig = {}): Promise<{ first: number; each: number }> {
    const pool = countingPool(db.pool);
    const limiter = createConnectorLimiter(pool, {
      ...config,
      tenantLimits: () => assert.fail('the settings came with the call: no lookup'),
    });
    await limiter.run(key, async () => 'first', { settings: generous });
    const first = pool.count();
    for (let i = 0; i < calls; i += 1) await limiter.run(key, async () => i, { settings: generous });
    const each = (pool.count() - first) / calls;
    await limiter.flush();
    return { first, each };
  }

  it('sends one statement per Slack call, and nothing to release (no cap, no lease)', async () => {
    const tenantId = await newTenant();
    const key = { tenantId, connector: 'slack', resource: 'chat.postMessage', partition: 'C0ROUNDTRIP' };
    const { first, each } = await statementsPerCall(key, 20);
    assert.equal(first, 3, 'the very first call creates the rows: ask, create, ask again');
    assert.equal(each, 1);

    const pool = countingPool(db.pool);
    const limiter = createConnectorLimiter(pool);
    await limiter.run(key, async () => 'one more', { settings: generous });
    await delay(250);
    assert.equal(pool.count(), 1, 'no release and no flush follow a call without a lease');
  });

  it('sends one statement per call with a concurrency lease: each release rides on the next call', async () => {
    const tenantId = await newTenant();
    const { each } = await statementsPerCall({ tenantId, connector: 'servicenow' }, 20, { releaseFlushMs: 60_000 });
    assert.equal(each, 1);
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM connector_rate_limits, jsonb_object_keys(leases) WHERE tenant_id = $1`, [tenantId]);
    assert.equal(rows[0]?.n, 0, 'every lease was released');
  });

  it('releases finished leases of many tenants and connectors in one batched statement', async () => {
    const [t1, t2] = [await newTenant(), await newTenant()];
    const pool = countingPool(db.pool);
    const limiter = createConnectorLimiter(pool, { releaseFlushMs: 60_000 });
    const settings = { servicenow: { maxConcurrent: 8 }, github: { maxConcurrent: 8 } };
    const keys = [t1, t2].flatMap((tenantId) => ['servicenow', 'github'].map((connector) => ({ tenantId, connector })));
    // Warm up: create the rows.
    await Promise.all(keys.map((key) => limiter.run(key, async () => undefined, { settings })));
    await limiter.flush();

    const before = pool.count();
    await Promise.all(keys.map((key) => limiter.run(key, async () => undefined, { settings })));
    assert.equal(pool.count() - before, 4, 'four calls, four statements');
    await limiter.flush();
    assert.equal(pool.count() - before, 5, 'their four releases went out in one statement');
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM connector_rate_limits, jsonb_object_keys(leases) WHERE tenant_id = ANY($1::uuid[])`, [[t1, t2]]);
    assert.equal(rows[0]?.n, 0, 'every lease was released');
  });

  it('sends a quiet process\'s pending release on its own shortly after the call', async () => {
    const tenantId = await newTenant();
    const key = { tenantId, connector: 'servicenow' };
    await createConnectorLimiter(db.pool).run(key, async () => 'create the row', { settings: generous });
    const pool = countingPool(db.pool);
    const limiter = createConnectorLimiter(pool, { releaseFlushMs: 50 });
    await limiter.run(key, async () => 'quiet', { settings: generous });
    await delay(400);
    assert.equal(pool.count(), 2, 'the call, then its release');
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM connector_rate_limits, jsonb_object_keys(leases) WHERE tenant_id = $1`, [tenantId]);
    assert.equal(rows[0]?.n, 0, 'the lease was released');
  });
});
