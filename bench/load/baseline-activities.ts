/**
 * The baseline's activities: the same ServiceNow and Slack calls a triage run needs, with plain
 * fetch, no client libraries, no limiter, no database.
 */
export interface BaselineConfig {
  serviceNowUrl: string;
  serviceNowUser: string;
  serviceNowPassword: string;
  slackApiUrl: string;
  slackBotToken: string;
  channel: string;
  groupId: string;
}

/** What the steps hand on to each other. */
export interface BaselineRun {
  sysId: string;
  workflowId: string;
  number?: string;
  shortDescription?: string;
  ts?: string;
  approver?: string;
}

export type BaselineStep = (run: BaselineRun) => Promise<Partial<BaselineRun>>;

export interface BaselineActivities {
  readIncident: BaselineStep;
  postApproval: BaselineStep;
  writeIncident: BaselineStep;
  finishApproval: BaselineStep;
}

/** The Approve button's action_id; its value is the workflow id. */
export const baselineApproveActionId = 'baseline_approve';

async function json(response: Response, what: string): Promise<Record<string, unknown>> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what} answered ${response.status}`);
  return JSON.parse(text) as Record<string, unknown>;
}

export function createBaselineActivities(config: BaselineConfig): BaselineActivities {
  const incidentUrl = (sysId: string) => `${config.serviceNowUrl}/api/now/table/incident/${sysId}`;
  const snHeaders = {
    authorization: `Basic ${Buffer.from(`${config.serviceNowUser}:${config.serviceNowPassword}`).toString('base64')}`,
    accept: 'application/json',
    'content-type': 'application/json',
  };
  const slack = async (method: string, body: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const answer = await json(await fetch(`${config.slackApiUrl}${method}`, {
      method: 'POST', headers: { authorization: `Bearer ${config.slackBotToken}`, 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body),
    }), method);
    if (answer.ok !== true) throw new Error(`${method} failed: ${String(answer.error)}`);
    return answer;
  };
  const text = (run: BaselineRun) => `${run.number ?? run.sysId}: ${run.shortDescription ?? ''}`;

  return {
    async readIncident(run) {
      const answer = await json(await fetch(`${incidentUrl(run.sysId)}?sysparm_fields=number,short_description`, { headers: snHeaders }), 'incident read');
      const result = answer.result as Record<string, string>;
      return { number: result.number, shortDescription: result.short_description };
    },
    async postApproval(run) {
      const answer = await slack('chat.postMessage', {
        channel: config.channel, text: `Approve triage of ${text(run)}?`,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: `Approve triage of *${text(run)}*: assignment group Network, category network, impact 2, urgency 1?` } },
          { type: 'actions', elements: [{ type: 'button', action_id: baselineApproveActionId, style: 'primary', text: { type: 'plain_text', text: 'Approve' }, value: run.workflowId }] },
        ],
      });
      return { ts: String(answer.ts) };
    },
    async writeIncident(run) {
      await json(await fetch(`${incidentUrl(run.sysId)}?sysparm_fields=sys_id`, {
        method: 'PATCH', headers: snHeaders,
        body: JSON.stringify({
          assignment_group: config.groupId, category: 'network', impact: '2', urgency: '1',
          work_notes: `Triage approved by ${run.approver ?? '?'} [baseline:${run.workflowId}]`,
        }),
      }), 'incident write');
      return {};
    },
    async finishApproval(run) {
      await slack('chat.update', {
        channel: config.channel, ts: run.ts, text: `Approved by ${run.approver ?? '?'}: ${text(run)}`,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `Approved by <@${run.approver ?? '?'}>; ServiceNow updated: *${text(run)}*` } }],
      });
      return {};
    },
  };
}
