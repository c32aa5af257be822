/**
 * E-mail addresses of ServiceNow users and Slack approvers, kept per process for a few minutes:
 * the self-approval check compares them on every run, and the same approvers (and often the
 * same callers) come back run after run. A lookup that fails is never kept, and an address that
 * changes is seen again within {@link IDENTITY_TTL_MS}.
 */

/** How long a looked-up address is used before it is asked again. */
export const IDENTITY_TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 10_000;

export class IdentityCache {
  private readonly entries = new Map<string, { email: string | undefined; at: number }>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** The cached address for `key`, or `lookup()`'s answer (cached when it succeeds). */
  async email(key: string, lookup: () => Promise<string | undefined>): Promise<string | undefined> {
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < IDENTITY_TTL_MS) return hit.email;
    const email = await lookup();
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { email, at: this.now() });
    return email;
  }
}

/** This process's cache. */
export const identityCache = new IdentityCache();
