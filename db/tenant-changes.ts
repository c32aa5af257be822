/**
 * In-process news of a tenant's configuration changing (settings, secrets, policy), so this
 * process's caches drop what they hold at once. Other processes learn of the change through the
 * tenant's `config_version` (bumped by triggers, see migration 0010) within their cache's
 * freshness window; this only makes the writing process itself see its change immediately.
 */
type Listener = (tenantId: string) => void;

const listeners = new Set<Listener>();

/** Tells this process's caches that `tenantId`'s configuration changed. */
export function notifyTenantChanged(tenantId: string): void {
  for (const listener of listeners) listener(tenantId);
}

/** Subscribes to {@link notifyTenantChanged}; returns the unsubscribe function. */
export function onTenantChanged(listener: Listener): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}
