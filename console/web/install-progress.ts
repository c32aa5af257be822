/**
 * Where an install stands, in words, and following it live: the page polls the tenant's installs
 * (PostgreSQL only, never the worker) every two seconds while the install is on its way, until it
 * is enabled or failed, or the person leaves the page.
 */
import { api } from './api';
import type { Install } from './types';

/** Statuses the install moves on from by itself (or by a review). */
export const inProgress: ReadonlySet<string> = new Set(['awaiting_authorization', 'pending_review', 'checking_health']);
export const failedStatuses: ReadonlySet<string> = new Set(['healthcheck_failed', 'rejected', 'expired']);

const POLL_MS = 2000;

const installStatusLabels: Record<string, string> = {
  awaiting_authorization: 'waiting for the provider', pending_review: 'waiting for review', checking_health: 'checking health',
  enabled: 'enabled', healthcheck_failed: 'healthcheck failed', rejected: 'rejected', expired: 'expired',
  held_scope_review: 'held: grant to accept', disconnected: 'disconnected',
};

/** An install status in words, for badges. */
export const installStatusLabel = (status: string): string => installStatusLabels[status] ?? status.replace(/_/g, ' ');

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** The actions the requester ticked in the review, when they chose any. */
export function requestedActionsOf(install: Install | undefined): string[] | undefined {
  const requested = install?.detail?.['requestedActions'];
  return Array.isArray(requested) ? stringList(requested) : undefined;
}

/** What the provider granted beyond the manifest (the reviewer must accept it), from an OAuth install. */
export function broaderScopesOf(install: Install | undefined): string[] {
  const drift = install?.detail?.['scopeDrift'];
  return drift && typeof drift === 'object' ? stringList((drift as Record<string, unknown>)['broader']) : [];
}

/** One sentence on where the install stands; `names` turns action ids into their names. */
export function progressText(install: Install | undefined, names: ReadonlyMap<string, string>): string {
  if (!install) return 'Not installed.';
  const message = typeof install.detail?.['message'] === 'string' ? install.detail['message'] : '';
  switch (install.status) {
    case 'awaiting_authorization': return 'Waiting for the provider: the access grant has not come back yet.';
    case 'pending_review': return `Waiting for a tenant admin's review${install.requestedBy ? ` (asked for by ${install.requestedBy})` : ''}.`;
    case 'checking_health': return 'Approved: running the healthcheck…';
    case 'enabled': {
      const enabled = install.enabledActions.map((a) => names.get(a) ?? a);
      return `Enabled${install.reviewedBy ? ` (approved by ${install.reviewedBy})` : ''}: ${enabled.length ? enabled.join(', ') : 'no actions'}.`;
    }
    case 'healthcheck_failed': return `Failed: ${message || 'the healthcheck failed'}.`;
    case 'rejected': return `Rejected${install.reviewedBy ? ` by ${install.reviewedBy}` : ''}.`;
    case 'expired': return `Expired: ${message || 'nobody reviewed the install in time'}.`;
    case 'held_scope_review': return 'Held: the provider now grants more than the manifest declares; an admin must accept it on the Connections page.';
    case 'disconnected': return 'Disconnected.';
    default: return `Status: ${install.status}.`;
  }
}

/**
 * Calls `onChange` whenever the install's status (or its detail) changes, until it is no longer
 * in progress or the page moved on (the address changed).
 */
export function followInstall(connectorId: string, current: Install | undefined, onChange: (install: Install | undefined) => void): void {
  const startedOn = window.location.hash;
  let last = JSON.stringify(current ?? null);
  const tick = async (): Promise<void> => {
    if (window.location.hash !== startedOn) return;
    let install: Install | undefined;
    try {
      install = (await api.get<{ installs: Install[] }>('/console/api/connectors')).installs.find((i) => i.connectorId === connectorId);
    } catch {
      // A failed poll is retried; the page keeps the last known state.
      window.setTimeout(() => void tick(), POLL_MS * 2);
      return;
    }
    if (window.location.hash !== startedOn) return;
    const seen = JSON.stringify(install ?? null);
    if (seen !== last) {
      last = seen;
      onChange(install);
    }
    if (!install || inProgress.has(install.status)) window.setTimeout(() => void tick(), POLL_MS);
  };
  window.setTimeout(() => void tick(), POLL_MS);
}
