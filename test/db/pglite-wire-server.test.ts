/**
 * The embedded database shared by several connections (as the API and worker processes share it
 * under `npm start`): concurrent queries and transactions from different connections never mix.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { openDatabase } from '../../db/database';

describe('embedded PostgreSQL shared by several connections', () => {
  it('keeps concurrent extended queries and transactions of separate pools apart', async () => {
    const db = await openDatabase({});
    // Two more pools on the same server stand for the API and the worker processes.
    const api = new pg.Pool({ connectionString: db.url, max: 4 });
    const worker = new pg.Pool({ connectionString: db.url, max: 4 });
    try {
      await db.pool.query('CREATE TABLE counters (name text PRIMARY KEY, value int NOT NULL)');
      await db.pool.query("INSERT INTO counters VALUES ('shared', 0)");

      // Parameterised queries from many connections at once: each gets its own answer back.
      const echoes = await Promise.all(Array.from({ length: 200 }, (_, i) =>
        (i % 2 ? api : worker).query<{ n: number; label: string }>('SELECT $1::int AS n, $2::text AS label', [i, `q${i}`])));
      echoes.forEach((r, i) => assert.deepEqual(r.rows[0], { n: i, label: `q${i}` }));

      // Read-modify-write transactions interleaved with plain queries: none is lost.
      const increment = async (pool: pg.Pool) => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const { rows } = await client.query<{ value: number }>("SELECT value FROM counters WHERE name = 'shared'");
          await new Promise((r) => setTimeout(r, 1));
          await client.query("UPDATE counters SET value = $1 WHERE name = 'shared'", [rows[0]!.value + 1]);
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      };
      await Promise.all([
        ...Array.from({ length: 30 }, (_, i) => increment(i % 2 ? api : worker)),
        ...Array.from({ length: 30 }, () => api.query('SELECT 1')),
      ]);
      const { rows } = await db.pool.query<{ value: number }>("SELECT value FROM counters WHERE name = 'shared'");
      assert.equal(rows[0]!.value, 30);

      // A connection that dies inside a transaction does not leave it open for everyone else.
      const doomed = new pg.Client({ connectionString: db.url });
      doomed.on('error', () => undefined);
      await doomed.connect();
      await doomed.query('BEGIN');
      await doomed.query("UPDATE counters SET value = 999 WHERE name = 'shared'");
      (doomed as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      const after = await worker.query<{ value: number }>("SELECT value FROM counters WHERE name = 'shared'");
      assert.equal(after.rows[0]!.value, 30, 'the dead connection’s transaction was rolled back');
    } finally {
      await api.end();
      await worker.end();
      await db.close();
    }
  });
});
