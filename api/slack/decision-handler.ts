/**
 * What happens when an approver presses Approve or Deny: ack at once (Slack allows 3 s), then
 * hand the decision to the run. The run decides whether it counts; this handler only relays and
 * tells the person when the run is already closed.
 */
import type { App, BlockButtonAction } from '@slack/bolt';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { approveActionId, decodeButtonValue, denyActionId } from '../../connectors/slack/action-ids';
import { decideSignal, stateQuery } from '../../workflows/messages';
import { isOwnRun, type SlackTenant } from './slack-tenant';

export interface DecisionHandlerContext {
  temporal: Client;
  tenant: SlackTenant;
  onError: (err: unknown) => void;
}

export function registerDecisionHandler(app: App, ctx: DecisionHandlerContext): void {
  const handle = (decision: 'approve' | 'deny') =>
    async ({ ack, body, action, respond }: { ack: () => Promise<void>; body: BlockButtonAction; action: BlockButtonAction['actions'][number]; respond: (msg: object) => Promise<unknown> }) => {
      await ack();
      const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text }).catch(ctx.onError);
      const value = decodeButtonValue(action.value);
      if (!value || !isOwnRun(ctx.tenant, value.workflowId, body.team?.id)) {
        await tell('This button does not belong to an approval request of this workspace.');
        return;
      }
      try {
        const handle = ctx.temporal.workflow.getHandle(value.workflowId);
        // Answer what we can answer at once; the run still judges whatever we relay.
        if ((await handle.describe()).status.name !== 'RUNNING') {
          await tell('This approval request is closed: it was already decided or it expired.');
          return;
        }
        const state = await handle.query(stateQuery);
        if (state.decision) {
          await tell(`This request was already decided (${state.decision.decision}) by <@${state.decision.approver}>; your click changed nothing.`);
          return;
        }
        await handle.signal(decideSignal, {
          approver: body.user.id, decision, requestId: value.requestId, channel: 'slack',
        });
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) {
          await tell('This approval request is closed: it was already decided or it expired.');
          return;
        }
        ctx.onError(err);
        await tell('Gatehouse could not record your decision right now; please try again.');
      }
    };
  app.action<BlockButtonAction>(approveActionId, handle('approve'));
  app.action<BlockButtonAction>(denyActionId, handle('deny'));
}
