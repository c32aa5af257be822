/**
 * No self-approval: the incident's caller and whoever opened it may not approve its triage.
 * ServiceNow and Slack identities are matched by e-mail address. The check fails closed: a
 * lookup that keeps failing throws (the activity is retried) rather than leaving the approver
 * eligible; an approver Slack gives no address for is excluded, or — when the tenant's policy
 * says `identityCheck.unverifiedApprovers: flag` — kept but flagged; a requester with no
 * address is reported, so the request can say that self-approval could not be checked.
 */
import type { UnverifiedApproverMode } from '../policy/policy-document';
import type { ExcludedApprover } from './plan-types';
import { lookupApproverEmail, type SlackUserDirectory } from './approver-identity';
import type { IdentityCache } from '../connectors/identity-cache';
import type { RetryOptions } from '../connectors/transient-retry';

export interface SelfApprovalCheckInput {
  /** Keys the cached addresses: the same ids mean different people in different tenants. */
  tenantId: string;
  /**
   * The incident's requesters as ServiceNow knows them (see lookupRequesterEmail): an address,
   * or the problem that left them without one. Neither: there is no such requester.
   */
  requesters: ReadonlyArray<{ role: string; email?: string; problem?: string }>;
  /** Everyone who could decide, escalation approvers included. */
  approvers: readonly string[];
  slack: SlackUserDirectory;
  /** The tenant policy's `identityCheck.unverifiedApprovers`. */
  unverifiedApprovers: UnverifiedApproverMode;
  cache?: IdentityCache;
  retry?: RetryOptions;
}

export interface SelfApprovalCheck {
  /** Approvers who may not decide: requesters, and (policy `exclude`) anyone unverified. */
  excluded: ExcludedApprover[];
  /** Policy `flag`: approvers left eligible although their identity could not be verified. */
  flagged: Array<{ approver: string; reason: string }>;
  /** Requesters nobody could be matched against, so self-approval was not checked for them. */
  unverifiedRequesters: Array<{ role: string; reason: string }>;
}

export async function checkSelfApproval(input: SelfApprovalCheckInput): Promise<SelfApprovalCheck> {
  const unverifiedRequesters = input.requesters
    .filter((r) => !r.email && r.problem)
    .map((r) => ({ role: r.role, reason: `the incident's ${r.role} ${r.problem}; self-approval could not be checked` }));
  const rolesByEmail = new Map<string, string[]>();
  for (const { role, email } of input.requesters) {
    if (!email) continue;
    const key = email.trim().toLowerCase();
    rolesByEmail.set(key, [...(rolesByEmail.get(key) ?? []), role]);
  }
  const result: SelfApprovalCheck = { excluded: [], flagged: [], unverifiedRequesters };
  // With no requester address there is nobody an approver could turn out to be: asking Slack
  // about them would change nothing (the request is flagged through unverifiedRequesters).
  if (rolesByEmail.size === 0) return result;

  const approvers = [...new Set(input.approvers)];
  const identities = await Promise.all(approvers.map((approver) =>
    lookupApproverEmail(input.slack, approver, { tenantId: input.tenantId, cache: input.cache, retry: input.retry })));
  approvers.forEach((approver, i) => {
    const identity = identities[i]!;
    if (identity.problem !== undefined) {
      const entry = { approver, reason: `identity could not be verified: ${identity.problem}` };
      (input.unverifiedApprovers === 'flag' ? result.flagged : result.excluded).push(entry);
      return;
    }
    const roles = rolesByEmail.get(identity.email.toLowerCase());
    if (roles) result.excluded.push({ approver, reason: `no self-approval: this approver is the incident's ${[...new Set(roles)].join(' and ')}` });
  });
  return result;
}

