/**
 * What happens when an approver presses Approve or Deny: the decision is signalled to the run
 * FIRST and only then acknowledged, so a 200 to Slack means the click is durably in the run's
 * history — a crash after the answer cannot lose it. Nothing here asks the worker anything (no
 * query, no describe): a saturated worker never slows a click. The run judges every decision
 * and tells the person privately when theirs changed nothing (already decided, not eligible).
 *
 * Slack waits 3 s for the answer; the signal gets at most {@link SIGNAL_DEADLINE_MS} of it. If
 * Temporal cannot take it in time, the click is still answered and the person is told it was
 * not recorded — never a silent 200.
 */
import type { App, BlockButtonAction } from '@slack/bolt';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { approveActionId, decodeButtonValue, denyActionId } from '../../connectors/slack/action-ids';
import { decideSignal } from '../../workflows/messages';
import { isOwnRun, type SlackTenant } from './slack-tenant';

/** Time the signal may take, leaving room for the answer inside Slack's 3 s. */
export const SIGNAL_DEADLINE_MS = 2_000;

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
      await ctx.temporal.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () => ctx.temporal.workflow.getHandle(value.workflowId).signal(decideSignal, {
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
    if (outcome === 'failed') await tell('Gatehouse could not record your decision right now; nothing changed. Please try again.');
  };
  app.action<BlockButtonAction>(approveActionId, handle('approve'));
  app.action<BlockButtonAction>(denyActionId, handle('deny'));
}
