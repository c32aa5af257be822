/** Waiting for a phase's runs: until their writes landed, then until Temporal closed them all. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { openRuns } from './temporal-costs';

/**
 * Until `landed()` reaches `expected`, the deadline passes (true: timed out), or no run is open
 * any more — runs that failed never land, so that is seen twice, a second apart, since
 * visibility lags behind the starts.
 */
export async function waitForWrites(client: Client, runsQuery: string, landed: () => number, expected: number, deadline: number): Promise<boolean> {
  let nothingOpenSince: number | undefined;
  let checkedOpenAt = 0;
  while (landed() < expected) {
    if (Date.now() > deadline) return true;
    if (Date.now() - checkedOpenAt >= 1000) {
      checkedOpenAt = Date.now();
      if ((await openRuns(client, runsQuery)) === 0) {
        nothingOpenSince ??= checkedOpenAt;
        if (checkedOpenAt - nothingOpenSince >= 1000) return false;
      } else {
        nothingOpenSince = undefined;
      }
    }
    await sleep(50);
  }
  return false;
}

/**
 * Runs still update Slack after their last write, so costs are read once every run closed (or
 * the deadline passed). Resolves with the runs still open (undefined: the server cannot count).
 */
export async function waitForClosed(client: Client, runsQuery: string, deadline: number): Promise<number | undefined> {
  let open = await openRuns(client, runsQuery);
  while (open !== undefined && open > 0 && Date.now() < deadline) {
    await sleep(250);
    open = await openRuns(client, runsQuery);
  }
  return open;
}
