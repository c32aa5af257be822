/**
 * No self-approval: the incident's caller and whoever opened it may not approve its triage.
 * ServiceNow and Slack identities are matched by e-mail address (Slack's users.info needs the
 * users:read.email scope; without an address an approver cannot be matched and stays eligible).
 */
import type { WebClient } from '@slack/web-api';
import type { ServiceNowClient } from '../connectors/servicenow/client';
import type { ExcludedApprover } from '../triage/types';

export async function findSelfApprovers(input: {
  serviceNow: ServiceNowClient;
  slack: WebClient;
  requesters: Array<{ role: 'caller' | 'opener'; sysId: string }>;
  approvers: readonly string[];
}): Promise<ExcludedApprover[]> {
  const emails = new Map<string, string>();
  for (const requester of input.requesters.filter((r) => r.sysId)) {
    const user = await input.serviceNow.getUser(requester.sysId).catch(() => undefined);
    if (user?.email) emails.set(user.email.toLowerCase(), requester.role);
  }
  if (emails.size === 0) return [];
  const excluded: ExcludedApprover[] = [];
  for (const approver of input.approvers) {
    const info = await input.slack.users.info({ user: approver }).catch(() => undefined);
    const email = info?.user?.profile?.email?.toLowerCase();
    const role = email ? emails.get(email) : undefined;
    if (role) excluded.push({ approver, reason: `no self-approval: this approver is the incident's ${role}` });
  }
  return excluded;
}
