/** One queued fault for a Web API method. */
export type Fault =
  | { kind: 'ratelimited'; retryAfterSeconds: number }
  | { kind: 'error'; error: string };

interface QueuedFault {
  fault: Fault;
  remaining: number;
}

/**
 * Per-method FIFO of injected faults. Kept as a queue (not a single slot per method) so a test
 * can script "first a 429, then an error, then success" for one method.
 */
export class FaultQueue {
  private readonly queues = new Map<string, QueuedFault[]>();

  /** Queues `fault` for the next `count` calls of `method` (after faults already queued). */
  add(method: string, count: number, fault: Fault): void {
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError(`fault count must be a positive integer, got ${count}`);
    }
    const queue = this.queues.get(method) ?? [];
    queue.push({ fault, remaining: count });
    this.queues.set(method, queue);
  }

  /** Consumes and returns the fault for this call of `method`, if any. */
  take(method: string): Fault | undefined {
    const queue = this.queues.get(method);
    const head = queue?.[0];
    if (queue === undefined || head === undefined) return undefined;
    head.remaining -= 1;
    if (head.remaining === 0) queue.shift();
    return head.fault;
  }
}
