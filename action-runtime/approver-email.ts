/**
 * An approver's Slack e-mail address, for the self-approval check: cached per process for a few
 * minutes (the same approvers come back run after run). A failed lookup is not cached and fails
 * the step, so Temporal retries it: it never makes an approver silently eligible.
 */
import { identityCache } from '../activities/identity-cache';
import { slackClientFor, type TenantContext, type TenantDeps } from '../tenancy/tenant-context';

export function approverEmailLookup(deps: TenantDeps, tenant: TenantContext): (approver: string) => Promise<string | undefined> {
  return (approver) => identityCache.email(`${tenant.id}:slack:${approver}`, async () => {
    const slack = await slackClientFor(deps, tenant);
    return (await slack.users.info({ user: approver })).user?.profile?.email || undefined;
  });
}
