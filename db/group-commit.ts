/**
 * Group commit: many callers' small writes go to the database together, in one transaction,
 * and each caller's promise settles when its write is committed (so an answer given after it is
 * still durable). While one batch is being written, new items gather for the next; an idle
 * committer writes a lone item at once, so a quiet system waits no longer than before.
 */
export class GroupCommit<T> {
  private waiting: Array<{ item: T; resolve: () => void; reject: (err: unknown) => void }> = [];
  private writing = false;

  /**
   * @param write - writes one batch (in one transaction); a failure rejects every item of it
   * @param maxBatch - items per batch at most
   */
  constructor(private readonly write: (items: T[]) => Promise<void>, private readonly maxBatch = 200) {}

  /** Resolves once `item` is committed; rejects with the batch's error if its batch failed. */
  submit(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.maxBatch);
        try {
          await this.write(batch.map((b) => b.item));
          for (const b of batch) b.resolve();
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
