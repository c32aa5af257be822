/**
 * One ServiceNow and one Slack simulator, seeded like test/support/harness.ts (integration
 * user, Network group, workspace, approval channel, approvers), with the ServiceNow write
 * events feeding a WriteTracker and, when set, the business rule that sends echoes.
 * Each phase of the bench gets its own pair, so counts and stores never mix.
 */
import { randomBytes } from 'node:crypto';
import { startServiceNowSimulator, type OutboundWebhookRule, type ServiceNowSimulator } from '../../test/simulators/servicenow';
import { startSlackSimulator, type SlackSimulator } from '../../test/simulators/slack';
import { WriteTracker } from './write-tracker';

export const integrationUser = 'gatehouse.integration';
export const approvers = { alice: 'U0ALICE0001', bob: 'U0BOB00002' } as const;
export const channelId = 'C0APPROVALS';
export const teamId = 'T0GATEHOUSE';
/** Who opens the incidents: not an approver, so never excluded from approving. */
export const caller = 'abel.tuter';
export const networkGroupName = 'Network';

/** What a completed triage leaves on the incident (the routing rule's `set`). */
export function approvedFields(groupId: string): Record<string, string> {
  return { assignment_group: groupId, category: 'network', impact: '2', urgency: '1' };
}

export interface Simulators {
  sn: ServiceNowSimulator;
  slack: SlackSimulator;
  groupId: string;
  snPassword: string;
  botToken: string;
  signingSecret: string;
  tracker: WriteTracker;
  /** Sends the business rule's webhook after every write from now on (undefined: none). */
  setEchoRule(rule: OutboundWebhookRule | undefined): void;
  /** A new incident the routing rule matches. */
  createIncident(): { sys_id: string; number: string };
  close(): Promise<void>;
}

export async function startSimulators(): Promise<Simulators> {
  let echoRule: OutboundWebhookRule | undefined;
  let tracker: WriteTracker | undefined;
  const sn = await startServiceNowSimulator({
    onIncidentWrite: (event) => {
      tracker?.onWrite(event);
      echoRule?.listener(event);
    },
  });
  const slack = await startSlackSimulator();
  const snPassword = `sn-pw-${randomBytes(12).toString('hex')}`;
  const botToken = `xoxb-${randomBytes(12).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');

  sn.addUser({ user_name: integrationUser, password: snPassword });
  const groupId = sn.addGroup({ name: networkGroupName }).sys_id;
  tracker = new WriteTracker(integrationUser, approvedFields(groupId));
  slack.addWorkspace({ teamId, domain: 'acme', botToken, botUserId: 'U0GATEBOT' });
  slack.addChannel({ id: channelId, teamId, name: 'incident-approvals', botIsMember: true });
  for (const [name, id] of Object.entries(approvers)) slack.addUser({ id, teamId, name, email: `${name}@acme.test` });
  const watched = tracker;

  return {
    sn, slack, groupId, snPassword, botToken, signingSecret, tracker: watched,
    setEchoRule: (rule) => {
      echoRule = rule;
    },
    createIncident() {
      const record = sn.createIncident({ short_description: 'VPN down for the Berlin office', impact: '3', urgency: '3', category: 'inquiry' }, caller);
      watched.expect(record.sys_id, record.number);
      return { sys_id: record.sys_id, number: record.number };
    },
    close: async () => {
      await Promise.allSettled([sn.close(), slack.close()]);
    },
  };
}
