/**
 * Per-process cache of what every activity and webhook needs about a tenant: its validated
 * settings, its opened secrets, its policy and its connector clients (which keep their OAuth
 * tokens and HTTP agents between calls).
 *
 * Invalidation: an entry is trusted for `freshnessMs` (default 1 s); after that the next use
 * reads the tenant's `config_version` (one indexed lookup, bumped by triggers whenever settings,
 * secrets or the policy change — migration 0010) and keeps everything when it has not moved.
 * Changes made by this process drop the entry at once (db/tenant-changes.ts); changes made by
 * another process are seen within the freshness window. Cost: one query per tenant per window,
 * instead of three to five per activity.
 *
 * Secrets stay in this process's memory only; they never enter a workflow payload.
 */
import type { Pool } from 'pg';
import { onTenantChanged } from '../db/tenant-changes';
import { isUuid } from '../db/queryable';

/** What the cache knows of one tenant at one configuration version. */
export interface CachedTenantRow {
  id: string;
  slug: string;
  settings: unknown;
  version: string;
}

interface Entry {
  row: CachedTenantRow;
  checkedAt: number;
  /** Values derived from this version of the tenant (parsed settings, secrets, clients, policy). */
  derived: Map<string, Promise<unknown>>;
}

/** Options for {@link TenantCache}. */
export interface TenantCacheOptions {
  /** How long an entry is used without asking the database whether it changed (default 1000 ms). */
  freshnessMs?: number;
  /** Monotonic milliseconds (tests pass a fake clock). */
  now?: () => number;
}

/** A per-process tenant cache; see the module header. */
export class TenantCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry | undefined>>();
  private readonly freshnessMs: number;
  private readonly now: () => number;
  private readonly unsubscribe: () => void;

  constructor(private readonly pool: Pool, opts: TenantCacheOptions = {}) {
    this.freshnessMs = opts.freshnessMs ?? 1000;
    this.now = opts.now ?? (() => performance.now());
    this.unsubscribe = onTenantChanged((tenantId) => this.invalidate(tenantId));
  }

  /** The tenant's row as of at most `freshnessMs` ago, or undefined when there is no such tenant. */
  async row(tenantId: string): Promise<CachedTenantRow | undefined> {
    return (await this.entry(tenantId))?.row;
  }

  /**
   * A value derived from the tenant's current configuration (parsed settings, a secret, a
   * client), computed once per configuration version. A failed computation is not kept.
   */
  async derive<T>(tenantId: string, key: string, compute: (row: CachedTenantRow) => Promise<T>): Promise<T> {
    const entry = await this.entry(tenantId);
    if (!entry) throw new UnknownTenantError(tenantId);
    const existing = entry.derived.get(key);
    if (existing) return existing as Promise<T>;
    const computing = compute(entry.row);
    entry.derived.set(key, computing);
    computing.catch(() => {
      if (entry.derived.get(key) === computing) entry.derived.delete(key);
    });
    return computing;
  }

  /** Forgets a tenant (its next use reads it again). */
  invalidate(tenantId: string): void {
    this.entries.delete(tenantId.toLowerCase());
  }

  /** Stops listening for in-process changes. */
  close(): void {
    this.unsubscribe();
    this.entries.clear();
  }

  private async entry(tenantId: string): Promise<Entry | undefined> {
    if (!isUuid(tenantId)) return undefined;
    const key = tenantId.toLowerCase();
    const cached = this.entries.get(key);
    if (cached && this.now() - cached.checkedAt < this.freshnessMs) return cached;
    // One lookup at a time per tenant: a burst of activities shares it.
    let loading = this.loading.get(key);
    if (!loading) {
      loading = this.load(key, cached).finally(() => this.loading.delete(key));
      this.loading.set(key, loading);
    }
    return loading;
  }

  private async load(key: string, cached: Entry | undefined): Promise<Entry | undefined> {
    const { rows } = await this.pool.query<{ id: string; slug: string; settings: unknown; config_version: string }>(
      'SELECT id, slug, settings, config_version::text FROM tenants WHERE id = $1',
      [key],
    );
    const row = rows[0];
    if (!row) {
      this.entries.delete(key);
      return undefined;
    }
    const checkedAt = this.now();
    // An invalidation that arrived while this lookup was under way already dropped `cached`.
    if (cached && this.entries.get(key) === cached && cached.row.version === row.config_version) {
      cached.checkedAt = checkedAt;
      return cached;
    }
    const fresh: Entry = { row: { id: row.id, slug: row.slug, settings: row.settings, version: row.config_version }, checkedAt, derived: new Map() };
    this.entries.set(key, fresh);
    return fresh;
  }
}

/** Thrown by {@link TenantCache.derive} for a tenant that does not exist. */
export class UnknownTenantError extends Error {
  override readonly name = 'UnknownTenantError';
  constructor(tenantId: string) {
    super(`tenant ${tenantId} does not exist`);
  }
}
