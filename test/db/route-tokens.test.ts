import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type Database } from '../../db/database';
import { issueRouteToken, resolveRouteToken, revokeAllRouteTokens, revokeRouteToken } from '../../db/route-tokens-repo';
import { createTenant } from '../../db/tenants-repo';

describe('route tokens repository', () => {
  let db: Database;
  let tenantId: string;
  before(async () => {
    db = await createTestDatabase();
    tenantId = (await createTenant(db.pool, { slug: 'acme', name: 'Acme', settings: {} })).id;
  });
  after(async () => { await db?.close(); });

  it('issues an opaque token that resolves to its tenant and connector', async () => {
    const token = await issueRouteToken(db.pool, tenantId, 'servicenow');
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(await resolveRouteToken(db.pool, token), { tenantId, connector: 'servicenow' });
    assert.notEqual(await issueRouteToken(db.pool, tenantId, 'servicenow'), token);
  });

  it('stores only the sha256 of the token', async () => {
    const token = await issueRouteToken(db.pool, tenantId, 'slack');
    const { rows } = await db.pool.query<{ token_hash: string; whole: string }>('SELECT token_hash, t::text AS whole FROM route_tokens t');
    assert.ok(rows.length >= 1);
    assert.ok(rows.every((r) => !r.whole.includes(token)), 'the token itself is in the table');
    const digest = createHash('sha256').update(token).digest('hex');
    assert.ok(rows.some((r) => r.token_hash === digest));
  });

  it('answers undefined for unknown and malformed tokens', async () => {
    assert.equal(await resolveRouteToken(db.pool, 'A'.repeat(43)), undefined);
    assert.equal(await resolveRouteToken(db.pool, ''), undefined);
    assert.equal(await resolveRouteToken(db.pool, "x' OR '1'='1"), undefined);
  });

  it('revokes one token, then all of a connector', async () => {
    const one = await issueRouteToken(db.pool, tenantId, 'slack');
    const two = await issueRouteToken(db.pool, tenantId, 'slack');
    const other = await issueRouteToken(db.pool, tenantId, 'servicenow');
    assert.equal(await revokeRouteToken(db.pool, one), true);
    assert.equal(await revokeRouteToken(db.pool, one), false);
    assert.equal(await resolveRouteToken(db.pool, one), undefined);
    assert.deepEqual(await resolveRouteToken(db.pool, two), { tenantId, connector: 'slack' });

    assert.ok((await revokeAllRouteTokens(db.pool, tenantId, 'slack')) >= 1);
    assert.equal(await resolveRouteToken(db.pool, two), undefined);
    assert.deepEqual(await resolveRouteToken(db.pool, other), { tenantId, connector: 'servicenow' });
    assert.equal(await revokeAllRouteTokens(db.pool, tenantId, 'slack'), 0);
  });
});
