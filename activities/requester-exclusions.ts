/**
 * No self-approval: the incident's caller and whoever opened it may not approve its triage.
 * ServiceNow and Slack identities are matched by e-mail address (Slack's users.info needs the
 * users:read.email scope; without an address an approver cannot be matched and stays eligible).
 */
import type { WebClient } from '@slack/web-api';
import type { ServiceNowClient } from '../connectors/servicenow/client';
import type { ExcludedApprover } from '../triage/types';
import { identityCache, type IdentityCache } from './identity-cache';

export async function findSelfApprovers(input: {
  /** Keys the cached addresses: the same ids mean different people in different tenants. */
  tenantId: string;
  serviceNow: ServiceNowClient;
  slack: WebClient;
  requesters: Array<{ role: 'caller' | 'opener'; sysId: string }>;
  approvers: readonly string[];
  cache?: IdentityCache;
}): Promise<ExcludedApprover[]> {
  const cache = input.cache ?? identityCache;
  const emails = new Map<string, string>();
  for (const requester of input.requesters.filter((r) => r.sysId)) {
    const email = await cache.email(`${input.tenantId}:servicenow:${requester.sysId}`, async () => (await input.serviceNow.getUser(requester.sysId)).email || undefined)
      .catch(() => undefined);
    if (email) emails.set(email.toLowerCase(), requester.role);
  }
  if (emails.size === 0) return [];
  const excluded: ExcludedApprover[] = [];
  for (const approver of input.approvers) {
    const email = (await cache.email(`${input.tenantId}:slack:${approver}`, async () => (await input.slack.users.info({ user: approver })).user?.profile?.email)
      .catch(() => undefined))?.toLowerCase();
    const role = email ? emails.get(email) : undefined;
    if (role) excluded.push({ approver, reason: `no self-approval: this approver is the incident's ${role}` });
  }
  return excluded;
}
