/**
 * What happens when an approver presses Approve or Deny: the decision is signalled to the run
 * FIRST and only then acknowledged, so a 200 to Slack means the click is durably in the run's
 * history — a crash after the answer cannot lose it. Nothing here asks the worker anything (no
 * query, no describe): a saturated worker never slows a click. The run judges every decision
 * and tells the person privately when theirs changed nothing (already decided, not eligible).
 *
 * Slack waits 3 s for the answer; the signal must be taken within {@link SIGNAL_DEADLINE_MS} of
 * the request's arrival. If Temporal cannot take it in time, the click is still answered and the
 * person is told it may not have been recorded — never a silent 200. (A signal that timed out
 * on our side may still land; the run then judges it like any other click.)
 */
import type { App, BlockButtonAction } from '@slack/bolt';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { approveActionId, decodeButtonValue, denyActionId } from '../../connectors/slack/action-ids';
import { decideSignal } from '../../workflows/messages';
import { requestDeadline } from './request-deadline';
import { isOwnRun, type SlackTenant } from './slack-tenant';

/** From the request's arrival: room for the answer inside Slack's 3 s. */
export const SIGNAL_DEADLINE_MS = 2_500;
/** The least the signal is given, however late the handler starts. */
const MIN_SIGNAL_MS = 300;

export interface DecisionHandlerContext {
  temporal: Client;
  tenant: SlackTenant;
  onError: (err: unknown) => void;
}

type ButtonArgs = {
  ack: () => Promise<void>;
  body: BlockButtonAction;
  action: BlockButtonAction['actions'][number];
  respond: (msg: object) => Promise<unknown>;
};

export function registerDecisionHandler(app: App, ctx: DecisionHandlerContext): void {
  const handle = (decision: 'approve' | 'deny') => async ({ ack, body, action, respond }: ButtonArgs) => {
    const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text }).catch(ctx.onError);
    const value = decodeButtonValue(action.value);
    if (!value || !isOwnRun(ctx.tenant, value.workflowId, body.team?.id)) {
      await ack();
      await tell('This button does not belong to an approval request of this workspace.');
      return;
    }
    let outcome: 'recorded' | 'closed' | 'failed';
    try {
      const deadline = Math.max(requestDeadline(Date.now() + SIGNAL_DEADLINE_MS), Date.now() + MIN_SIGNAL_MS);
      await ctx.temporal.withDeadline(deadline, () => ctx.temporal.workflow.getHandle(value.workflowId).signal(decideSignal, {
        approver: body.user.id, decision, requestId: value.requestId, channel: 'slack',
      }));
      outcome = 'recorded';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        outcome = 'closed';
      } else {
        ctx.onError(err);
        outcome = 'failed';
      }
    }
    await ack();
    if (outcome === 'closed') await tell('This approval request is closed: it was already decided or it expired.');
    if (outcome === 'failed') await tell('Gatehouse could not confirm your decision in time, so it may not have been recorded. If the buttons are still there, please click again.');
  };
  app.action<BlockButtonAction>(approveActionId, handle('approve'));
  app.action<BlockButtonAction>(denyActionId, handle('deny'));
}
