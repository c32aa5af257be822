/** The in-process per-key lines that keep waiting callers from all polling the database. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WaitingLine, type LineTurn } from '../../ratelimit/waiting-line';

function reached(turn: LineTurn): () => void {
  assert.ok(turn.reached, 'expected to reach the front');
  return turn.leave;
}

describe('waiting line', () => {
  it('admits one caller per key at a time, first come first served', async () => {
    const line = new WaitingLine();
    const order: string[] = [];
    const leaveA = reached(await line.enter('k', 1000));
    const b = line.enter('k', 1000).then((turn) => { order.push('b'); return turn; });
    const c = line.enter('k', 1000).then((turn) => { order.push('c'); return turn; });
    const other = reached(await line.enter('other', 0));
    assert.equal(line.length('k'), 3);
    leaveA();
    leaveA(); // idempotent: must not let two callers in
    const leaveB = reached(await b);
    assert.deepEqual(order, ['b']);
    leaveB();
    reached(await c)();
    other();
    assert.deepEqual(order, ['b', 'c']);
    assert.equal(line.length('k'), 0);
  });

  it('gives up after the timeout and says how many were ahead', async () => {
    const line = new WaitingLine();
    const leaveA = reached(await line.enter('k', 1000));
    const b = line.enter('k', 1000);
    assert.deepEqual(await line.enter('k', 20), { reached: false, ahead: 2 });
    assert.equal(line.length('k'), 2);
    leaveA();
    reached(await b)();
    assert.equal(line.length('k'), 0);
  });
});
