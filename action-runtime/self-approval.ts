/**
 * Who may not approve a plan: the people its subject names as requesters (an incident's caller
 * and opener), matched to approvers by e-mail. Fails closed: a lookup that keeps failing fails
 * the step (Temporal retries it), and an approver whose address cannot be read is excluded, or
 * flagged when the tenant's policy says so — never silently eligible.
 */
import type { WebClient } from '@slack/web-api';
import type { ApprovalSubject } from '../connectors/framework/action-contract';
import type { ExcludedApprover, FlaggedApprover } from './plan-types';

export interface SelfApprovalCheck {
  excluded: ExcludedApprover[];
  flagged: FlaggedApprover[];
  /** Facts for the request (a requester who could not be identified). */
  warnings: string[];
}

export type UnverifiedApprovers = 'exclude' | 'flag';

export async function checkSelfApproval(input: {
  tenantId: string;
  slack: WebClient;
  approvers: readonly string[];
  requesters: ApprovalSubject['requesters'];
  unverified: UnverifiedApprovers;
  /** What the requesters are requesters of ("incident"), for the reason. */
  subjectKind: string;
  /** An approver's Slack e-mail (cached, retried), or undefined when Slack has none for them. */
  approverEmail: (approver: string) => Promise<string | undefined>;
}): Promise<SelfApprovalCheck> {
  const warnings = input.requesters.flatMap((r) => (r.problem ? [`${r.problem}: self-approval by them could not be checked`] : []));
  const roles = new Map(input.requesters.flatMap((r) => (r.email ? [[r.email.toLowerCase(), r.role] as const] : [])));
  const excluded: ExcludedApprover[] = [];
  const flagged: FlaggedApprover[] = [];
  if (roles.size === 0) return { excluded, flagged, warnings };
  for (const approver of input.approvers) {
    const email = (await input.approverEmail(approver))?.toLowerCase();
    if (!email) {
      const reason = 'identity could not be verified: Slack gives no e-mail address for this approver';
      if (input.unverified === 'flag') flagged.push({ approver, reason });
      else excluded.push({ approver, reason });
      continue;
    }
    const role = roles.get(email);
    if (role) excluded.push({ approver, reason: `no self-approval: this approver is the ${input.subjectKind}'s ${role}` });
  }
  return { excluded, flagged, warnings };
}
