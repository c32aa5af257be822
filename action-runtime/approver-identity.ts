/**
 * An approver's e-mail address from Slack's users.info, for the self-approval check. Transient
 * failures are retried briefly and then thrown (the activity is retried by Temporal). An
 * address Slack will not give — no e-mail in the profile, an unknown user, the app lacking the
 * users:read.email scope — is reported with the reason: such an approver cannot be told apart
 * from the incident's requester, so the caller excludes or flags them, never lets them pass.
 */
import { ErrorCode, type WebAPIPlatformError } from '@slack/web-api';
import { identityCache, type IdentityCache } from '../connectors/identity-cache';
import { retryTransient, type RetryOptions } from '../connectors/transient-retry';

/** The slice of Slack's WebClient the lookup uses (a WebClient is one; tests pass a fake). */
export interface SlackUserDirectory {
  users: { info(args: { user: string }): Promise<{ user?: { profile?: { email?: string } } }> };
}

export type ApproverIdentity = { email: string; problem?: undefined } | { email?: undefined; problem: string };

export interface ApproverLookupOptions {
  /** Keys the cached addresses: the same Slack id means different people in different tenants. */
  tenantId: string;
  cache?: IdentityCache;
  retry?: RetryOptions;
}

/** Slack's answers that are about this user or this app's view of users, not an outage. */
const unreadable = new Map<string, string>([
  ['user_not_found', 'Slack does not know this user (user_not_found)'],
  ['user_not_visible', 'this user is not visible to the Slack app (user_not_visible)'],
  ['missing_scope', 'the Slack app may not read e-mail addresses (missing_scope: it needs users:read.email)'],
]);

export async function lookupApproverEmail(slack: SlackUserDirectory, approver: string, options: ApproverLookupOptions): Promise<ApproverIdentity> {
  const cache = options.cache ?? identityCache;
  try {
    const email = await cache.email(`${options.tenantId}:slack:${approver}`,
      () => retryTransient(async () => (await slack.users.info({ user: approver })).user?.profile?.email?.trim() || undefined, options.retry));
    return email ? { email } : { problem: 'no e-mail address in their Slack profile' };
  } catch (err) {
    const code = isPlatformError(err) ? err.data.error : undefined;
    const problem = code === undefined ? undefined : unreadable.get(code);
    if (problem) return { problem };
    throw err;
  }
}

function isPlatformError(err: unknown): err is WebAPIPlatformError {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === ErrorCode.PlatformError
    && typeof (err as { data?: { error?: unknown } }).data?.error === 'string';
}
