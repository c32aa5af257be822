/**
 * Counts of inbound refusals by connector and class, PER API PROCESS (each replica counts its
 * own; nothing is shared or persisted). Every refusal is counted, including the `rate` ones the
 * audit trail only samples, so a refusal stays visible even when the trail holds one event for
 * a thousand of them. Read them from code (a metrics exporter, a test) with
 * {@link InboundMetrics.snapshot} or {@link InboundMetrics.refusals}.
 */
import type { RejectionClass } from './rejections';

/** One counter: refusals of `rejectionClass` on `connector`'s route since the process started. */
export interface RefusalCount {
  connector: string;
  rejectionClass: RejectionClass;
  count: number;
}

/** Refusal counters keyed by connector and class. */
export class InboundMetrics {
  private readonly counts = new Map<string, RefusalCount>();

  /** Counts one refusal. */
  countRefusal(connector: string, rejectionClass: RejectionClass): void {
    const key = `${connector}\u0000${rejectionClass}`;
    const entry = this.counts.get(key);
    if (entry) entry.count += 1;
    else this.counts.set(key, { connector, rejectionClass, count: 1 });
  }

  /** Refusals of one connector and class so far (0 when none). */
  refusals(connector: string, rejectionClass: RejectionClass): number {
    return this.counts.get(`${connector}\u0000${rejectionClass}`)?.count ?? 0;
  }

  /** Every counter, sorted by connector then class. */
  snapshot(): RefusalCount[] {
    return [...this.counts.values()]
      .map((c) => ({ ...c }))
      .sort((a, b) => a.connector.localeCompare(b.connector) || a.rejectionClass.localeCompare(b.rejectionClass));
  }
}

/** This process's counters, shared by every inbound route. */
export const inboundMetrics = new InboundMetrics();
