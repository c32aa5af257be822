/**
 * Finished concurrency leases of one process, waiting to be dropped from the shared state.
 * Releasing each lease with its own statement doubled the limiter's database work; instead a
 * finished lease is remembered here and dropped by the next acquire that locks its row anyway
 * (tryAcquire's `releasing`), which under load is almost always soon. Whatever is still pending
 * after `flushAfterMs` goes out in ONE statement for every tenant and bucket, so a quiet process
 * frees its slots promptly at a cost bounded by one statement per interval, not one per call.
 * Until then a finished lease still counts against its cap for the other processes (never for
 * this one, whose acquires drop their own finished leases before counting).
 */
import type { LeaseRelease } from './limiter-store';

/** Sends releases to the database (releaseLeases bound to a pool). */
export type SendReleases = (releases: readonly LeaseRelease[]) => Promise<void>;

/** Default for the flush delay: short next to any lease, long next to a burst of calls. */
export const DEFAULT_RELEASE_FLUSH_MS = 100;

function rowKey(tenantId: string, bucket: string): string {
  return `${tenantId}\u0000${bucket}`;
}

/** Leases finished in this process and not yet dropped, per tenant and bucket. */
export class ReleaseBatch {
  private readonly pending = new Map<string, { tenantId: string; bucket: string; ids: Set<string> }>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly send: SendReleases,
    private readonly flushAfterMs: number = DEFAULT_RELEASE_FLUSH_MS,
    /** Told when a flush fails; the leases then lapse on their own after their ttl. */
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** Remembers that `leaseId`, held in `buckets` of `tenantId`, has finished. */
  add(tenantId: string, buckets: readonly string[], leaseId: string): void {
    for (const bucket of buckets) {
      const key = rowKey(tenantId, bucket);
      let entry = this.pending.get(key);
      if (!entry) {
        entry = { tenantId, bucket, ids: new Set() };
        this.pending.set(key, entry);
      }
      entry.ids.add(leaseId);
    }
    if (this.pending.size > 0) this.schedule();
  }

  /**
   * Takes the finished leases held in any of `buckets`, for a statement that locks exactly those
   * rows to drop. Give them back with {@link restore} if that statement fails.
   */
  take(tenantId: string, buckets: readonly string[]): string[] {
    const ids = new Set<string>();
    for (const bucket of buckets) {
      const key = rowKey(tenantId, bucket);
      const entry = this.pending.get(key);
      if (!entry) continue;
      for (const id of entry.ids) ids.add(id);
      this.pending.delete(key);
    }
    return [...ids];
  }

  /** Puts back what {@link take} returned, when it could not be dropped. */
  restore(tenantId: string, buckets: readonly string[], ids: readonly string[]): void {
    for (const id of ids) this.add(tenantId, buckets, id);
  }

  /** Leases still pending (for tests and diagnostics). */
  size(): number {
    let n = 0;
    for (const entry of this.pending.values()) n += entry.ids.size;
    return n;
  }

  /** Sends everything pending now, in one statement; resolves once it (and any flush under way) is done. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const releases: LeaseRelease[] = [];
    for (const { tenantId, bucket, ids } of this.pending.values()) {
      for (const leaseId of ids) releases.push({ tenantId, bucket, leaseId });
    }
    this.pending.clear();
    const previous = this.flushing;
    const current = releases.length === 0 ? Promise.resolve() : this.send(releases).catch(this.onError);
    this.flushing = Promise.all([previous, current]).then(() => undefined);
    return this.flushing;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.flushAfterMs);
  }
}
