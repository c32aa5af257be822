/**
 * The e-mail address of an incident's requester (caller or opener) in ServiceNow, which the
 * self-approval check matches against the approvers' Slack addresses. Transient failures are
 * retried briefly and then thrown (the activity is retried by Temporal); a requester whose
 * address cannot be known is reported as a problem, never as "nobody": the check then cannot
 * match them, and the request must say so.
 */
import type { ServiceNowClient } from './client';
import { ServiceNowApiError } from './errors';
import { identityCache, type IdentityCache } from '../identity-cache';
import { retryTransient, type RetryOptions } from '../transient-retry';

/** A requester's address, or why there is none (phrased to follow "the incident's caller …"). */
export type RequesterIdentity = { email: string; problem?: undefined } | { email?: undefined; problem: string };

export interface RequesterLookupOptions {
  /** Keys the cached addresses: the same sys_id means different people in different tenants. */
  tenantId: string;
  cache?: IdentityCache;
  retry?: RetryOptions;
}

/**
 * The address on the requester's sys_user record. Throws when ServiceNow could not answer
 * (after a few quick retries of transient trouble) or refused for a reason that is not about
 * the record (authentication, a bad request): the check must not go ahead without it.
 */
export async function lookupRequesterEmail(
  serviceNow: Pick<ServiceNowClient, 'getUser'>, sysId: string, options: RequesterLookupOptions,
): Promise<RequesterIdentity> {
  const cache = options.cache ?? identityCache;
  try {
    const email = await cache.email(`${options.tenantId}:servicenow:${sysId}`,
      () => retryTransient(async () => (await serviceNow.getUser(sysId)).email.trim() || undefined, options.retry));
    return email ? { email } : { problem: 'has no e-mail address in ServiceNow' };
  } catch (err) {
    // The record is gone or hidden from the integration user: an answer about this requester,
    // not an outage, so it is reported like a missing address rather than retried forever.
    if (err instanceof ServiceNowApiError && err.code === 'not_found') return { problem: 'has no user record in ServiceNow' };
    if (err instanceof ServiceNowApiError && err.code === 'forbidden') return { problem: 'could not be read in ServiceNow (the integration user may not read sys_user)' };
    throw err;
  }
}
