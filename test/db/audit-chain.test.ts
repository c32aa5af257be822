/**
 * The audit trail's hash chains: the documented hash format, clean and concurrent chains,
 * tampering made around the append-only triggers, events from before hashing, and the admin
 * routes that list and verify the trail.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { auditRouter } from '../../api/admin/audit-routes';
import type { ApiDeps } from '../../api/deps';
import { errorHandler } from '../../api/http-error';
import { GENESIS_HASH, hashAuditEvent, verifyAuditChain } from '../../db/audit-chain';
import { appendAudit } from '../../db/audit-repo';
import { createTestDatabase, type Database } from '../../db/database';
import { migrate, MIGRATIONS_TABLE } from '../../db/migrate';
import { createTenant } from '../../db/tenants-repo';
import { createLogger } from '../../observability/logger';

interface LinkRow { id: string; prev_hash: string | null; hash: string | null }

async function links(db: Database, tenantId: string | null): Promise<LinkRow[]> {
  const { rows } = await db.pool.query<LinkRow>(
    `SELECT id, prev_hash, hash FROM audit_events WHERE ${tenantId === null ? 'tenant_id IS NULL' : 'tenant_id = $1'} ORDER BY id`,
    tenantId === null ? [] : [tenantId],
  );
  return rows;
}

/** Runs `sql` with the append-only triggers off, as someone owning the table could. */
async function tamper(db: Database, sql: string, values: unknown[]): Promise<void> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
    await client.query(sql, values);
    await client.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

async function appendMany(db: Database, tenantId: string | null, n: number, type = 'test.event'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await appendAudit(db.pool, { tenantId, type, detail: { i } })).id);
  return ids;
}

describe('audit hash chain', () => {
  let db: Database;
  const tenants: Record<string, string> = {};
  const tenant = (slug: string): string => tenants[slug]!;
  before(async () => {
    db = await createTestDatabase();
    for (const slug of ['acme', 'globex', 'edited', 'deleted', 'truncated']) {
      tenants[slug] = (await createTenant(db.pool, { slug, name: slug, settings: {} })).id;
    }
  });
  after(async () => { await db?.close(); });

  it('hashes sha256(prev_hash + "\\n" + RFC 8785 JSON of the event)', async () => {
    const event = {
      id: '42', tenantId: '0b8e4c0e-7d7a-4f0e-9a53-1f6f3c1d2e3f', workflowId: null, type: 'approval.decided',
      actor: 'U0ALICE', outcome: 'approve', detail: { z: 1.5, a: ['é', null, true], m: { y: 'x' } }, createdAt: new Date('2025-01-02T03:04:05.678Z'),
    };
    const canonical = '{"actor":"U0ALICE","createdAt":"2025-01-02T03:04:05.678Z","detail":{"a":["é",null,true],"m":{"y":"x"},"z":1.5},'
      + '"id":"42","outcome":"approve","tenantId":"0b8e4c0e-7d7a-4f0e-9a53-1f6f3c1d2e3f","type":"approval.decided","workflowId":null}';
    const expected = createHash('sha256').update(`${GENESIS_HASH}\n${canonical}`, 'utf8').digest('hex');
    assert.equal(await hashAuditEvent(GENESIS_HASH, event), expected);
    assert.equal(GENESIS_HASH, '0'.repeat(64));
  });

  it('links a clean chain from the genesis hash, and it verifies (also page by page)', async () => {
    const ids = await appendMany(db, tenant('acme'), 5);
    const rows = await links(db, tenant('acme'));
    assert.deepEqual(rows.map((r) => r.id), ids);
    assert.equal(rows[0]?.prev_hash, GENESIS_HASH);
    rows.forEach((row, i) => {
      assert.match(row.hash ?? '', /^[0-9a-f]{64}$/);
      if (i > 0) assert.equal(row.prev_hash, rows[i - 1]?.hash);
    });
    assert.deepEqual(await verifyAuditChain(db.pool, { tenantId: tenant('acme') }), { ok: true, checked: 5 });
    assert.deepEqual(await verifyAuditChain(db.pool, { tenantId: tenant('acme'), pageSize: 2 }), { ok: true, checked: 5 });
    assert.deepEqual(await verifyAuditChain(db.pool, { tenantId: tenant('globex') }), { ok: true, checked: 0 }, 'an empty chain is intact');
  });

  it('hashes what is stored: odd input still verifies', async () => {
    // undefined members vanish, Dates become strings, a lone surrogate becomes U+FFFD in text.
    await appendAudit(db.pool, {
      tenantId: tenant('acme').toUpperCase(), type: 'odd.input', actor: 'bad\uD800actor',
      detail: { gone: undefined, at: new Date('2025-01-01T00:00:00Z'), big: 1e21, tiny: 5e-324, nested: { b: [1, { c: '\n"' }], a: 0.1 } },
    });
    assert.deepEqual(await verifyAuditChain(db.pool, { tenantId: tenant('acme') }), { ok: true, checked: 6 });
  });

  it('keeps one valid chain under 20 concurrent appends', async () => {
    const before = (await links(db, tenant('acme'))).length;
    const appended = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      appendAudit(db.pool, { tenantId: tenant('acme'), workflowId: `wf-${i}`, type: 'concurrent', detail: { i } })));
    assert.equal(new Set(appended.map((a) => a.id)).size, 20);
    const rows = await links(db, tenant('acme'));
    assert.equal(rows.length, before + 20);
    assert.equal(new Set(rows.map((r) => r.prev_hash)).size, rows.length, 'no two events share a predecessor (no fork)');
    assert.deepEqual(await verifyAuditChain(db.pool, { tenantId: tenant('acme') }), { ok: true, checked: before + 20 });
  });

  it('keeps per-tenant chains (and the global one) independent', async () => {
    await appendAudit(db.pool, { tenantId: tenant('globex'), type: 'interleaved' });
    await appendAudit(db.pool, { type: 'system.started' });
    await appendAudit(db.pool, { tenantId: tenant('acme'), type: 'interleaved' });
    await appendAudit(db.pool, { tenantId: tenant('globex'), type: 'interleaved' });
    await appendAudit(db.pool, { tenantId: null, type: 'system.started' });
    const globex = await links(db, tenant('globex'));
    const global = await links(db, null);
    assert.equal(globex[0]?.prev_hash, GENESIS_HASH);
    assert.equal(globex[1]?.prev_hash, globex[0]?.hash);
    assert.equal(global[0]?.prev_hash, GENESIS_HASH);
    assert.equal(global[1]?.prev_hash, global[0]?.hash);
    assert.deepEqual(await verifyAuditChain(db.pool, { tenantId: tenant('globex') }), { ok: true, checked: 2 });
    assert.deepEqual(await verifyAuditChain(db.pool, { tenantId: null }), { ok: true, checked: 2 });
    const all = await verifyAuditChain(db.pool);
    assert.equal(all.ok, true);
    assert.equal(all.checked, (await db.pool.query('SELECT 1 FROM audit_events')).rowCount);
  });

  it('detects a changed event at exactly that event', async () => {
    const ids = await appendMany(db, tenant('edited'), 4);
    await tamper(db, `UPDATE audit_events SET detail = '{"i": 99}' WHERE id = $1`, [ids[1]]);
    const result = await verifyAuditChain(db.pool, { tenantId: tenant('edited'), pageSize: 2 });
    assert.equal(result.ok, false);
    assert.equal(result.firstBrokenId, ids[1]);
    assert.match(result.reason ?? '', /hash does not match the event's content/);
    assert.equal(result.checked, 1);
    // Still append-only once the triggers are back.
    await assert.rejects(db.pool.query('UPDATE audit_events SET outcome = $2 WHERE id = $1', [ids[1], 'x']), /append-only/);
  });

  it('detects a deleted event at the next one', async () => {
    const ids = await appendMany(db, tenant('deleted'), 4);
    await tamper(db, 'DELETE FROM audit_events WHERE id = $1', [ids[1]]);
    const result = await verifyAuditChain(db.pool, { tenantId: tenant('deleted') });
    assert.equal(result.ok, false);
    assert.equal(result.firstBrokenId, ids[2]);
    assert.match(result.reason ?? '', /prev_hash does not match/);
  });

  it('detects events removed from the end against the chain head', async () => {
    const ids = await appendMany(db, tenant('truncated'), 3);
    await tamper(db, 'DELETE FROM audit_events WHERE id = $1', [ids[2]]);
    const result = await verifyAuditChain(db.pool, { tenantId: tenant('truncated') });
    assert.equal(result.ok, false);
    assert.equal(result.firstBrokenId, ids[2]);
    assert.match(result.reason ?? '', /removed/);
  });

  it('leaves other chains intact and reports the earliest break across all chains', async () => {
    assert.equal((await verifyAuditChain(db.pool, { tenantId: tenant('acme') })).ok, true);
    assert.equal((await verifyAuditChain(db.pool, { tenantId: tenant('globex') })).ok, true);
    assert.equal((await verifyAuditChain(db.pool, { tenantId: null })).ok, true);
    const edited = await verifyAuditChain(db.pool, { tenantId: tenant('edited') });
    const all = await verifyAuditChain(db.pool);
    assert.equal(all.ok, false);
    assert.equal(all.firstBrokenId, edited.firstBrokenId);
    assert.match(all.reason ?? '', new RegExp(`^chain ${tenant('edited')}: `));
  });

  it('refuses to move a chain head backwards or delete it', async () => {
    await assert.rejects(db.pool.query('UPDATE audit_chain_heads SET last_id = last_id - 1 WHERE chain_key = $1', [tenant('acme')]), /only moves forward/);
    await assert.rejects(db.pool.query('DELETE FROM audit_chain_heads WHERE chain_key = $1', [tenant('acme')]), /only moves forward/);
    await assert.rejects(db.pool.query('TRUNCATE audit_chain_heads'), /only moves forward/);
    await assert.rejects(verifyAuditChain(db.pool, { tenantId: 'not-a-uuid' }), RangeError);
  });
});

describe('audit events from before the hash chain', () => {
  let db: Database;
  after(async () => { await db?.close(); });

  it('are an unhashed chain start; new events chain on from the genesis hash', async () => {
    db = await createTestDatabase();
    const tenantId = (await createTenant(db.pool, { slug: 'legacy', name: 'Legacy', settings: {} })).id;
    // Back to the schema before this chain (later migrations too), write events, come forward.
    const { rows: applied } = await db.pool.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY id`);
    const count = applied.length - applied.findIndex((m) => m.name === '0002_audit-hash-chain');
    const reverted = await migrate(db.pool, { embedded: db.embedded, direction: 'down', count });
    assert.equal(reverted.at(-1), '0002_audit-hash-chain');
    await db.pool.query(`INSERT INTO audit_events (tenant_id, type) VALUES ($1, 'old.one'), ($1, 'old.two'), (NULL, 'old.global')`, [tenantId]);
    assert.ok((await migrate(db.pool, { embedded: db.embedded })).includes('0002_audit-hash-chain'));

    assert.deepEqual(await verifyAuditChain(db.pool, { tenantId }), { ok: true, checked: 0, unhashed: 2 });
    await appendAudit(db.pool, { tenantId, type: 'new.one' });
    const rows = await links(db, tenantId);
    assert.equal(rows[2]?.prev_hash, GENESIS_HASH);
    assert.deepEqual(await verifyAuditChain(db.pool, { tenantId }), { ok: true, checked: 1, unhashed: 2 });
    assert.deepEqual(await verifyAuditChain(db.pool), { ok: true, checked: 1, unhashed: 3 });
    await assert.rejects(db.pool.query(`INSERT INTO audit_events (tenant_id, type) VALUES ($1, 'unhashed')`, [tenantId]), /audit_events_hash_check/);
  });
});

/** ApiDeps for routes that use only `used`: reading any other member fails the test loudly. */
function depsWith<K extends keyof ApiDeps>(used: Pick<ApiDeps, K>): ApiDeps {
  return new Proxy(used, {
    get(target, prop, receiver) {
      if (prop in target) return Reflect.get(target, prop, receiver);
      throw new Error(`the router read deps.${String(prop)}, which this test does not provide`);
    },
  }) as ApiDeps;
}

describe('admin audit routes', () => {
  let db: Database;
  let server: Server | undefined;
  let base: string;
  let tamperedId: string;
  const get = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  before(async () => {
    db = await createTestDatabase();
    const logger = createLogger({ level: 'silent' });
    const app = express();
    app.use(auditRouter(depsWith({ pool: db.pool })));
    app.use(errorHandler(logger));
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server?.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const acme = (await createTenant(db.pool, { slug: 'acme', name: 'Acme', settings: {} })).id;
    const initech = (await createTenant(db.pool, { slug: 'initech', name: 'Initech', settings: {} })).id;
    await appendMany(db, acme, 5, 'a.event');
    await appendMany(db, acme, 2, 'b.event');
    tamperedId = (await appendMany(db, initech, 2))[0]!;
    await tamper(db, `UPDATE audit_events SET actor = 'mallory' WHERE id = $1`, [tamperedId]);
  });
  after(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await db?.close();
  });

  it('verifies one tenant, every chain, and 404s an unknown tenant', async () => {
    assert.deepEqual(await get('/admin/audit/verify?tenant=acme'), { status: 200, body: { tenant: 'acme', ok: true, checked: 7 } });
    const initech = await get('/admin/audit/verify?tenant=initech');
    assert.equal(initech.status, 200);
    assert.equal(initech.body.ok, false);
    assert.equal(initech.body.firstBrokenId, tamperedId);
    const all = await get('/admin/audit/verify');
    assert.equal(all.body.ok, false);
    assert.equal(all.body.firstBrokenId, tamperedId);
    const unknown = await get('/admin/audit/verify?tenant=nope');
    assert.equal(unknown.status, 404);
    assert.equal((unknown.body.error as { code: string }).code, 'tenant_not_found');
  });

  it('lists events page by page with filters', async () => {
    const seen: string[] = [];
    let afterId: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: Record<string, unknown> } = await get(`/admin/audit?tenant=acme&limit=3${afterId ? `&afterId=${afterId}` : ''}`);
      assert.equal(page.status, 200);
      const events = page.body.events as Array<{ id: string; type: string; tenantId: string }>;
      seen.push(...events.map((e) => e.type));
      afterId = page.body.nextAfterId as string | null;
      pages += 1;
    } while (afterId !== null && pages < 10);
    assert.deepEqual(seen, [...Array(5).fill('a.event'), ...Array(2).fill('b.event')]);
    assert.equal(pages, 3);

    const typed = await get('/admin/audit?tenant=acme&type=b.event');
    assert.equal((typed.body.events as unknown[]).length, 2);
    assert.equal(typed.body.nextAfterId, null);
    assert.equal(((await get('/admin/audit')).body.events as unknown[]).length, 9);
    assert.equal((await get('/admin/audit?tenant=nope')).status, 404);
    assert.equal((await get('/admin/audit?limit=0')).status, 422);
    assert.equal((await get('/admin/audit?limit=5000')).status, 422);
    assert.equal((await get('/admin/audit?afterId=abc')).status, 422);
  });
});
