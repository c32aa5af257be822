/** Token endpoint requests by grant_type, failed ones included, so tests can see retries and refreshes. */
export class GrantCounts {
  private readonly counts = new Map<string, number>();

  /** Counts one request; a missing or malformed grant_type counts under `(none)`. */
  count(grantType: unknown): void {
    const key = typeof grantType === 'string' && grantType !== '' ? grantType : '(none)';
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}
