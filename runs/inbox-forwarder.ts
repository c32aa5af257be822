/**
 * Hands accepted incident events from the trigger inbox to their Temporal runs (start or
 * signal, runs/start-triage.ts), so a webhook's answer never waits on Temporal: the answer comes
 * once the event is committed in PostgreSQL, and this forwarder — in the API process, kicked the
 * moment a batch commits and polling otherwise — does the rest. Several forwarders (API
 * replicas) share the inbox through short claims; a crashed one's claims lapse within
 * {@link CLAIM_SECONDS} and are taken over. Temporal unavailable: events stay and are retried
 * with backoff, never dropped.
 */
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Pool } from 'pg';
import { claimInboxItems, deferInboxItems, deleteInboxItems, type ClaimedInboxItem } from '../db/trigger-inbox-repo';
import { startOrSignalTriage } from './start-triage';

/** Claim lease: long enough for a batch to reach Temporal, short enough to recover fast. */
export const CLAIM_SECONDS = 10;
const BATCH = 100;
const IN_FLIGHT = 32;
const IDLE_POLL_MS = 250;

export interface InboxForwarderOptions {
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
}

/** A running forwarder. */
export interface InboxForwarder {
  /** Look now: something was just committed. */
  kick(): void;
  stop(): Promise<void>;
  /** Events handed over so far by this forwarder. */
  readonly forwarded: number;
}

export function startInboxForwarder(opts: InboxForwarderOptions): InboxForwarder {
  let stopped = false;
  let kicked = false;
  let wake: (() => void) | undefined;
  let forwarded = 0;

  const handOver = async (item: ClaimedInboxItem): Promise<string | undefined> => {
    try {
      await startOrSignalTriage(opts.temporal, opts.taskQueue, { id: item.tenantId, slug: item.tenantSlug }, item.trigger);
      return undefined;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  };

  const pass = async (): Promise<number> => {
    const items = await claimInboxItems(opts.pool, BATCH, CLAIM_SECONDS);
    if (items.length === 0) return 0;
    const done: string[] = [];
    const failed: Array<{ item: ClaimedInboxItem; error: string }> = [];
    for (let i = 0; i < items.length; i += IN_FLIGHT) {
      const slice = items.slice(i, i + IN_FLIGHT);
      const errors = await Promise.all(slice.map(handOver));
      slice.forEach((item, n) => (errors[n] === undefined ? done.push(item.id) : failed.push({ item, error: errors[n]! })));
    }
    await deleteInboxItems(opts.pool, done);
    forwarded += done.length;
    if (failed.length > 0) {
      const attempts = Math.max(...failed.map((f) => f.item.attempts));
      const retryIn = Math.min(60, 2 ** Math.min(attempts, 6));
      opts.logger.warn({ events: failed.length, retryInSeconds: retryIn, error: failed[0]!.error }, 'accepted events could not reach Temporal yet; they stay in the inbox');
      await deferInboxItems(opts.pool, failed.map((f) => f.item.id), retryIn, failed[0]!.error);
    }
    return items.length;
  };

  const loop = (async () => {
    while (!stopped) {
      let handled = 0;
      try {
        kicked = false;
        handled = await pass();
      } catch (err) {
        if (!stopped) opts.logger.error({ err }, 'trigger inbox pass failed; trying again');
      }
      if (handled > 0 || kicked) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, IDLE_POLL_MS).unref();
      });
      wake = undefined;
    }
  })();

  return {
    kick() {
      kicked = true;
      wake?.();
    },
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
    get forwarded() {
      return forwarded;
    },
  };
}
