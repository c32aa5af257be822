/**
 * In-process, first-come-first-served lines, one per key. Callers of one limiter that must
 * wait for the same tenant and connector queue here, so only the one at the front re-asks the
 * database; without it every waiting call would poll on its own, and a few dozen waiters can
 * keep a database (above all the one-connection embedded one) busy answering "not yet".
 */

/** Leaves the front of the line, letting the next caller in. Idempotent. */
export type LeaveLine = () => void;

/** The outcome of {@link WaitingLine.enter}. */
export type LineTurn =
  | { reached: true; leave: LeaveLine }
  /** Gave up after the timeout with `ahead` callers still in front. */
  | { reached: false; ahead: number };

interface Waiter {
  admit(): void;
}

interface Line {
  /** Callers waiting behind the one at the front, oldest first. */
  waiting: Waiter[];
}

/** A set of per-key lines. */
export class WaitingLine {
  /** Only keys whose line has someone at the front are present. */
  private readonly lines = new Map<string, Line>();

  /**
   * Waits to be at the front of `key`'s line for at most `timeoutMs` (a real timer). The caller
   * must call `leave` once done, whatever happens.
   */
  enter(key: string, timeoutMs: number): Promise<LineTurn> {
    const line = this.lines.get(key);
    if (!line) {
      this.lines.set(key, { waiting: [] });
      return Promise.resolve({ reached: true, leave: this.leaver(key) });
    }
    return new Promise<LineTurn>((resolve) => {
      const waiter: Waiter = {
        admit: () => {
          clearTimeout(timer);
          resolve({ reached: true, leave: this.leaver(key) });
        },
      };
      const timer = setTimeout(() => {
        const index = line.waiting.indexOf(waiter);
        if (index < 0) return; // admitted in the meantime
        line.waiting.splice(index, 1);
        resolve({ reached: false, ahead: index + 1 });
      }, Math.max(0, timeoutMs));
      line.waiting.push(waiter);
    });
  }

  /** Callers in `key`'s line, the one at the front included (for tests and diagnostics). */
  length(key: string): number {
    const line = this.lines.get(key);
    return line ? line.waiting.length + 1 : 0;
  }

  private leaver(key: string): LeaveLine {
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const line = this.lines.get(key);
      const next = line?.waiting.shift();
      if (next) next.admit();
      else this.lines.delete(key);
    };
  }
}
