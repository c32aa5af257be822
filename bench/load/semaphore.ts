/**
 * At most N operations at once. The load client holds a slot for the whole request, so the
 * latency it measures is the server's, not time spent queued behind its own connection limit.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly capacity: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.capacity) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      // Hand the slot straight to the next waiter, so a burst cannot overtake it.
      if (next) next();
      else this.active--;
    }
  }
}
