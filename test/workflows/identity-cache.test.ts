/**
 * The self-approval check's address cache: the same approver is looked up once per few minutes,
 * a failed lookup is never kept (the next run asks again), and tenants never share entries.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDENTITY_TTL_MS, IdentityCache } from '../../connectors/identity-cache';

describe('identity cache', () => {
  it('asks once within the TTL, again after it, and never keeps a failure', async () => {
    let now = 0;
    const cache = new IdentityCache(() => now);
    let asked = 0;
    const lookup = async () => {
      asked++;
      return 'alice@example.com';
    };
    assert.equal(await cache.email('t1:slack:U1', lookup), 'alice@example.com');
    assert.equal(await cache.email('t1:slack:U1', lookup), 'alice@example.com');
    assert.equal(asked, 1);
    assert.equal(await cache.email('t2:slack:U1', lookup), 'alice@example.com');
    assert.equal(asked, 2, 'another tenant asks for itself');
    now += IDENTITY_TTL_MS;
    await cache.email('t1:slack:U1', lookup);
    assert.equal(asked, 3, 'asked again once the TTL passed');

    await assert.rejects(cache.email('t1:slack:U2', async () => {
      throw new Error('users.info failed');
    }));
    assert.equal(await cache.email('t1:slack:U2', async () => 'bob@example.com'), 'bob@example.com', 'the failure was not kept');
  });
});
