/**
 * Failed sign-ins per account address and tenant, in this API process: after 10 failures in 15
 * minutes that address is refused (429) until the window passes, so a password cannot be
 * guessed at request speed. A success clears the count.
 */
const WINDOW_MS = 15 * 60_000;
const MAX_FAILURES = 10;

export class LoginAttempts {
  readonly #failures = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Seconds until `key` may try again, or 0. */
  retryAfterSeconds(key: string): number {
    const recent = this.#recent(key);
    return recent.length >= MAX_FAILURES ? Math.ceil((recent[0]! + WINDOW_MS - this.now()) / 1000) : 0;
  }

  failed(key: string): void {
    this.#failures.set(key, [...this.#recent(key), this.now()]);
  }

  succeeded(key: string): void {
    this.#failures.delete(key);
  }

  #recent(key: string): number[] {
    const since = this.now() - WINDOW_MS;
    const recent = (this.#failures.get(key) ?? []).filter((at) => at > since);
    if (recent.length) this.#failures.set(key, recent);
    else this.#failures.delete(key);
    return recent;
  }
}
